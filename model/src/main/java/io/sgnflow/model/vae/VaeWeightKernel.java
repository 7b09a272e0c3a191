package io.sgnflow.model.vae;

/**
 * Computes an event's k log importance weights w_1..w_k (standardised units, see {@link
 * VaeEvaluator}) for {@link VaeScorer}: the Vector API kernel when the JVM has it. Not thread-safe.
 */
public interface VaeWeightKernel {
    /** The k log weights of standardised event {@code y} into {@code out}. */
    void logWeights(double[] y, double[] out);

    /** What the kernel is, for logs. */
    String name();
}
