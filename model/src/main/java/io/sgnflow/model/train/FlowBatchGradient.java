package io.sgnflow.model.train;

import io.sgnflow.model.VectorSupport;
import io.sgnflow.model.core.FlowArchitecture;

/**
 * The gradient of ½‖z0‖² over a range of standardised events, for SGN-Flow training: {@link
 * FlowGradient} event by event, or {@link VectorFlowGradient} several events per SIMD vector when
 * the JVM has the Vector API. Both are exact gradients; they differ only in rounding. Not
 * thread-safe: one per thread.
 */
public interface FlowBatchGradient {
    /**
     * Adds {@code weight} · ∂(½‖z0‖²)/∂θ for the events {@code rows[order[i]]}, i ∈ [from, to), to
     * {@code grad} and returns Σ ½‖z0‖² over them. The terminal map's log-determinant term is the
     * caller's.
     */
    double accumulate(
            double[] params,
            double[][] rows,
            int[] order,
            int from,
            int to,
            double weight,
            double[] grad);

    /**
     * The SIMD gradient when the JVM runs with {@code --add-modules jdk.incubator.vector} (and
     * {@code -Dsgn.simd=false} is not set), else the scalar one.
     */
    static FlowBatchGradient create(FlowArchitecture arch, int[] permutation) {
        if (VectorSupport.enabled()) {
            try {
                return new VectorFlowGradient(arch, permutation);
            } catch (LinkageError e) {
                // The module is missing after all: the scalar gradient serves.
            }
        }
        return scalar(arch, permutation);
    }

    /** {@link FlowGradient}, one event at a time. */
    static FlowBatchGradient scalar(FlowArchitecture arch, int[] permutation) {
        FlowGradient gradient = new FlowGradient(arch, permutation);
        return (params, rows, order, from, to, weight, grad) -> {
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += gradient.accumulate(params, rows[order[i]], weight, grad);
            }
            return sum;
        };
    }
}
