package io.sgnflow.model;

/**
 * A batched SGN-Flow scoring kernel behind {@link BatchFlowScorer}: the scalar one built in, or the
 * Vector API one when the JVM has {@code jdk.incubator.vector}. Not thread-safe.
 */
interface FlowKernel {
    /** Scores the first {@code count} validated rows of {@code rows} into {@code out}. */
    void logLikelihoods(double[][] rows, int count, double[] out);

    /** What the kernel is, for logs and benchmark output. */
    String name();
}
