package io.sgnflow.jobs.cli;

/** Option ranges of the benchmark commands, checked before anything is allocated. */
final class BenchLimits {
    /** Largest --dim: a model of D features holds two D×D triangles. */
    static final int MAX_DIM = 1024;

    /** Largest --hidden. */
    static final int MAX_HIDDEN = 4096;

    private BenchLimits() {}

    /**
     * @throws IllegalArgumentException naming the option, its range and the value when outside
     */
    static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    option + " must be in " + min + ".." + max + ", was " + value);
        }
    }
}
