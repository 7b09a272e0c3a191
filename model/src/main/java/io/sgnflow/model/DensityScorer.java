package io.sgnflow.model;

/**
 * Scores events with one {@link DensityModel} on preallocated buffers. Not thread-safe: one per
 * thread (or per Flink subtask).
 */
public interface DensityScorer {
    DensityModel model();

    /**
     * Score of one event in nats, of the model's {@link DensityModel#scoreKind()}.
     *
     * @param x feature vector in the model's feature order, length D
     * @throws IllegalArgumentException if the length is wrong or a value is NaN or infinite
     */
    double score(double[] x);

    /**
     * Scores the first {@code count} rows of {@code rows} ([events, features]) into {@code out};
     * each value equals {@link #score} of that row alone to rounding (about 1e-14 relative),
     * whatever else is in the batch.
     *
     * @throws IllegalArgumentException if a row has the wrong length or a non-finite value
     */
    void scores(double[][] rows, int count, double[] out);

    /** Which kernel computes the scores: "scalar" or "vector (…)" (the JDK Vector API). */
    String kernel();
}
