package io.sgnflow.jobs.cli;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import picocli.CommandLine.Option;

/**
 * The benchmarks' model shape, shared as a picocli mixin: D, one hidden layer of width H for V and
 * T, K leapfrog steps, and a seed; by default the reference model of the Performance figures (the
 * SMD shape).
 */
final class ReferenceShape {
    @Option(names = "--dim", defaultValue = "38", description = "D (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--hidden",
            defaultValue = "64",
            description = "Hidden width, one layer (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(
            names = "--steps",
            defaultValue = "8",
            description = "Leapfrog steps K (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    /**
     * @throws IllegalArgumentException naming the option out of range
     */
    void check() {
        BenchLimits.range("--dim", dim, 1, BenchLimits.MAX_DIM);
        BenchLimits.range("--hidden", hidden, 1, BenchLimits.MAX_HIDDEN);
        BenchLimits.range("--steps", steps, 1, 1024);
    }

    /** The shape with K steps; β = ρ = 2 and tanh, the trainer's defaults. */
    FlowArchitecture architecture(int k) {
        return new FlowArchitecture(dim, new int[] {hidden}, Activation.TANH, k, 2.0, 2.0);
    }
}
