package io.sgnflow.model.core;

/**
 * A scalar MLP f(u) with u = (block, c), used as the potential V(q; c) or the kinetic energy T(p;
 * c), and its force ∇_block f.
 *
 * <p>The force is computed in closed form by a backward sweep through the network (for hidden
 * pre-activations h_l and δ_L = w ⊙ σ'(h_L), δ_l = σ'(h_l) ⊙ W_{l+1}ᵀ δ_{l+1}, the gradient is W_1ᵀ
 * δ_1). Training needs derivatives of that force, so {@link #backward} differentiates the sweep
 * itself: for an upstream vector g it returns the parameter gradient of g·∇f and the input gradient
 * ∇²f·g (a Hessian-vector product). Everything is exact; tests compare it with finite differences.
 *
 * <p>The parameters live in a caller's flat array at a caller's offset (layout: per hidden layer W
 * [width, fanIn] row-major then b, then the output vector w). Stateless and thread-safe; the
 * per-event scratch lives in a {@link Tape}, which is not thread-safe.
 */
public final class EnergyNetwork {
    private final int blockDim;
    private final int casimirDim;
    private final int inputDim;
    private final int[] widths;
    private final Activation activation;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int outputOffset;
    private final int parameterCount;

    EnergyNetwork(int blockDim, int casimirDim, int[] widths, Activation activation) {
        this.blockDim = blockDim;
        this.casimirDim = casimirDim;
        this.inputDim = blockDim + casimirDim;
        this.widths = widths.clone();
        this.activation = activation;
        int layers = widths.length;
        weightOffsets = new int[layers];
        biasOffsets = new int[layers];
        int offset = 0;
        int fanIn = inputDim;
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = offset;
            offset += widths[l] * fanIn;
            biasOffsets[l] = offset;
            offset += widths[l];
            fanIn = widths[l];
        }
        outputOffset = offset;
        offset += widths[layers - 1];
        parameterCount = offset;
    }

    public int parameterCount() {
        return parameterCount;
    }

    public int layers() {
        return widths.length;
    }

    public int inputDim() {
        return inputDim;
    }

    /** Fan-in of hidden layer l. */
    public int fanIn(int layer) {
        return layer == 0 ? inputDim : widths[layer - 1];
    }

    public int width(int layer) {
        return widths[layer];
    }

    /** Offset of W_l relative to the network's own offset. */
    public int weightOffset(int layer) {
        return weightOffsets[layer];
    }

    /** Offset of b_l relative to the network's own offset. */
    public int biasOffset(int layer) {
        return biasOffsets[layer];
    }

    /** Offset of the output vector w relative to the network's own offset. */
    public int outputOffset() {
        return outputOffset;
    }

    /** Allocates scratch for one event. */
    public Tape newTape() {
        return new Tape();
    }

    /**
     * Energy f(u) itself; only used by tests and diagnostics (the flow never needs it).
     *
     * @param params flat parameters, network at {@code offset}
     * @param block the q (or p) block, length n
     * @param casimir the Casimir block, length D − 2n
     */
    public double energy(double[] params, int offset, double[] block, double[] casimir, Tape tape) {
        forwardLayers(params, offset, block, casimir, tape);
        int last = widths.length - 1;
        double sum = 0;
        for (int j = 0; j < widths[last]; j++) {
            sum += params[offset + outputOffset + j] * tape.act[last][j];
        }
        return sum;
    }

    /**
     * Writes the force ∇_block f(block, c) into {@code out} (length n) and keeps what {@link
     * #backward} needs in {@code tape}.
     */
    public void force(
            double[] params,
            int offset,
            double[] block,
            double[] casimir,
            double[] out,
            Tape tape) {
        forwardLayers(params, offset, block, casimir, tape);
        int layers = widths.length;
        int last = layers - 1;
        double[] deltaLast = tape.delta[last];
        double[] slopeLast = tape.slope[last];
        for (int j = 0; j < widths[last]; j++) {
            deltaLast[j] = params[offset + outputOffset + j] * slopeLast[j];
        }
        for (int l = last - 1; l >= 0; l--) {
            // t_l = W_{l+1}ᵀ δ_{l+1}; δ_l = σ'(h_l) ⊙ t_l
            double[] t = tape.transposed[l];
            transposeTimes(
                    params,
                    offset + weightOffsets[l + 1],
                    widths[l + 1],
                    widths[l],
                    tape.delta[l + 1],
                    t);
            double[] delta = tape.delta[l];
            double[] slope = tape.slope[l];
            for (int j = 0; j < widths[l]; j++) {
                delta[j] = slope[j] * t[j];
            }
        }
        // Only the block part of W_1ᵀ δ_1 is a force; c is never moved (a Casimir of the flow).
        int w0 = offset + weightOffsets[0];
        double[] delta0 = tape.delta[0];
        for (int k = 0; k < blockDim; k++) {
            out[k] = 0;
        }
        for (int j = 0; j < widths[0]; j++) {
            double d = delta0[j];
            int row = w0 + j * inputDim;
            for (int k = 0; k < blockDim; k++) {
                out[k] += params[row + k] * d;
            }
        }
    }

    /**
     * Differentiates L = g·∇_block f at the input recorded in {@code tape} by the last {@link
     * #force} call. Adds ∂L/∂θ to {@code grad} at this network's offset, ∂L/∂block to {@code
     * blockBar} and ∂L/∂c to {@code casimirBar}.
     *
     * @param g upstream vector on the force, length n (already scaled by the caller)
     */
    public void backward(
            double[] params,
            int offset,
            Tape tape,
            double[] g,
            double[] grad,
            double[] blockBar,
            double[] casimirBar) {
        int layers = widths.length;
        int last = layers - 1;
        // Backward through G = W_1ᵀ δ_1 with Ḡ = (g, 0).
        int w0 = offset + weightOffsets[0];
        double[] delta0 = tape.delta[0];
        double[] deltaBar0 = tape.deltaBar[0];
        for (int j = 0; j < widths[0]; j++) {
            int row = w0 + j * inputDim;
            double acc = 0;
            double d = delta0[j];
            for (int k = 0; k < blockDim; k++) {
                acc += params[row + k] * g[k];
                grad[row + k] += d * g[k];
            }
            deltaBar0[j] = acc;
        }
        // Backward through δ_l = σ'(h_l) ⊙ (W_{l+1}ᵀ δ_{l+1}).
        for (int l = 0; l < last; l++) {
            double[] deltaBar = tape.deltaBar[l];
            double[] t = tape.transposed[l];
            double[] slope = tape.slope[l];
            double[] slopeBar = tape.slopeBar[l];
            double[] tBar = tape.scratch[l];
            for (int j = 0; j < widths[l]; j++) {
                slopeBar[j] = deltaBar[j] * t[j];
                tBar[j] = deltaBar[j] * slope[j];
            }
            int wl = offset + weightOffsets[l + 1];
            double[] deltaNext = tape.delta[l + 1];
            double[] deltaBarNext = tape.deltaBar[l + 1];
            int fan = widths[l];
            for (int i = 0; i < widths[l + 1]; i++) {
                int row = wl + i * fan;
                double acc = 0;
                double d = deltaNext[i];
                for (int j = 0; j < fan; j++) {
                    acc += params[row + j] * tBar[j];
                    grad[row + j] += d * tBar[j];
                }
                deltaBarNext[i] = acc;
            }
        }
        // Backward through δ_L = w ⊙ σ'(h_L).
        {
            double[] deltaBar = tape.deltaBar[last];
            double[] slope = tape.slope[last];
            double[] slopeBar = tape.slopeBar[last];
            int wo = offset + outputOffset;
            for (int j = 0; j < widths[last]; j++) {
                slopeBar[j] = deltaBar[j] * params[wo + j];
                grad[wo + j] += deltaBar[j] * slope[j];
            }
        }
        // σ'(h_l) depends on h_l: h̄_l = s̄_l ⊙ σ''(h_l). Then the ordinary backward pass of the
        // layers, with those as the only seeds.
        for (int l = 0; l < layers; l++) {
            double[] hBar = tape.preBar[l];
            double[] pre = tape.pre[l];
            double[] act = tape.act[l];
            double[] slope = tape.slope[l];
            double[] slopeBar = tape.slopeBar[l];
            for (int j = 0; j < widths[l]; j++) {
                hBar[j] = slopeBar[j] * activation.curvature(pre[j], act[j], slope[j]);
            }
        }
        for (int l = last; l >= 0; l--) {
            double[] hBar = tape.preBar[l];
            double[] input = l == 0 ? tape.input : tape.act[l - 1];
            int fan = l == 0 ? inputDim : widths[l - 1];
            int wl = offset + weightOffsets[l];
            int bl = offset + biasOffsets[l];
            double[] inputBar = l == 0 ? tape.inputBar : tape.scratch[l - 1];
            for (int k = 0; k < fan; k++) {
                inputBar[k] = 0;
            }
            for (int j = 0; j < widths[l]; j++) {
                double hb = hBar[j];
                if (hb == 0) {
                    continue;
                }
                grad[bl + j] += hb;
                int row = wl + j * fan;
                for (int k = 0; k < fan; k++) {
                    grad[row + k] += hb * input[k];
                    inputBar[k] += params[row + k] * hb;
                }
            }
            if (l > 0) {
                double[] prevBar = tape.preBar[l - 1];
                double[] prevSlope = tape.slope[l - 1];
                for (int k = 0; k < fan; k++) {
                    prevBar[k] += inputBar[k] * prevSlope[k];
                }
            }
        }
        for (int k = 0; k < blockDim; k++) {
            blockBar[k] += tape.inputBar[k];
        }
        for (int k = 0; k < casimirDim; k++) {
            casimirBar[k] += tape.inputBar[blockDim + k];
        }
    }

    private void forwardLayers(
            double[] params, int offset, double[] block, double[] casimir, Tape tape) {
        double[] input = tape.input;
        System.arraycopy(block, 0, input, 0, blockDim);
        if (casimirDim > 0) {
            System.arraycopy(casimir, 0, input, blockDim, casimirDim);
        }
        double[] in = input;
        int fan = inputDim;
        for (int l = 0; l < widths.length; l++) {
            int wl = offset + weightOffsets[l];
            int bl = offset + biasOffsets[l];
            double[] pre = tape.pre[l];
            double[] act = tape.act[l];
            double[] slope = tape.slope[l];
            for (int j = 0; j < widths[l]; j++) {
                int row = wl + j * fan;
                double acc = params[bl + j];
                for (int k = 0; k < fan; k++) {
                    acc += params[row + k] * in[k];
                }
                pre[j] = acc;
                double value = activation.value(acc);
                act[j] = value;
                slope[j] = activation.slope(acc, value);
            }
            in = act;
            fan = widths[l];
        }
    }

    private static void transposeTimes(
            double[] params, int offset, int rows, int cols, double[] v, double[] out) {
        for (int j = 0; j < cols; j++) {
            out[j] = 0;
        }
        for (int i = 0; i < rows; i++) {
            double vi = v[i];
            int row = offset + i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += params[row + j] * vi;
            }
        }
    }

    /** Per-event scratch of one network evaluation. Not thread-safe. */
    public final class Tape {
        final double[] input = new double[inputDim];
        final double[] inputBar = new double[inputDim];
        final double[][] pre = layerArrays();
        final double[][] act = layerArrays();
        final double[][] slope = layerArrays();
        final double[][] delta = layerArrays();
        final double[][] transposed = layerArrays();
        final double[][] deltaBar = layerArrays();
        final double[][] slopeBar = layerArrays();
        final double[][] preBar = layerArrays();
        final double[][] scratch = layerArrays();

        private Tape() {}

        private double[][] layerArrays() {
            double[][] arrays = new double[widths.length][];
            for (int l = 0; l < widths.length; l++) {
                arrays[l] = new double[widths[l]];
            }
            return arrays;
        }
    }
}
