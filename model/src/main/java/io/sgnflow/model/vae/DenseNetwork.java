package io.sgnflow.model.vae;

import io.sgnflow.model.core.Activation;
import java.util.Random;

/**
 * A vector-valued MLP u ↦ W_out·a_L + b_out with hidden layers a_l = σ(W_l a_{l−1} + b_l) and a
 * linear output; with no hidden layer it is the affine map W_out·u + b_out. SGN-VAE's encoder and
 * decoder.
 *
 * <p>The parameters live in a caller's flat array at a caller's offset. Layout: per hidden layer W
 * [width, fanIn] row-major then b, then W_out [outputDim, lastWidth] row-major then b_out.
 * Stateless and thread-safe; per-event scratch lives in a {@link Tape}, which is not.
 */
public final class DenseNetwork {
    private final int inputDim;
    private final int outputDim;
    private final int[] widths;
    private final Activation activation;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int parameterCount;

    /**
     * @param widths hidden layer widths, possibly none
     * @throws IllegalArgumentException for a non-positive dimension or width
     */
    public DenseNetwork(int inputDim, int[] widths, int outputDim, Activation activation) {
        if (inputDim < 1 || outputDim < 1) {
            throw new IllegalArgumentException(
                    "network dimensions must be positive, were " + inputDim + " → " + outputDim);
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("hidden widths must be positive, was " + w);
            }
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.widths = widths.clone();
        this.activation = activation;
        int layers = widths.length + 1;
        weightOffsets = new int[layers];
        biasOffsets = new int[layers];
        int offset = 0;
        int fanIn = inputDim;
        for (int l = 0; l < layers; l++) {
            int width = width(l);
            weightOffsets[l] = offset;
            offset += width * fanIn;
            biasOffsets[l] = offset;
            offset += width;
            fanIn = width;
        }
        parameterCount = offset;
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    /** Hidden widths (a copy). */
    public int[] hiddenWidths() {
        return widths.clone();
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** Multiply-adds of one forward pass. */
    public long multiplyAdds() {
        long total = 0;
        int fanIn = inputDim;
        for (int l = 0; l <= widths.length; l++) {
            total += (long) width(l) * fanIn;
            fanIn = width(l);
        }
        return total;
    }

    /** Allocates scratch for one event. */
    public Tape newTape() {
        return new Tape();
    }

    /**
     * Starting weights: N(0, 1/fanIn) in the hidden layers, N(0, (outputScale)²/fanIn) in the
     * output layer, zero biases.
     */
    public void initialise(double[] params, int offset, Random random, double outputScale) {
        int fanIn = inputDim;
        for (int l = 0; l <= widths.length; l++) {
            int width = width(l);
            double sd = (l == widths.length ? outputScale : 1.0) / Math.sqrt(fanIn);
            int w = offset + weightOffsets[l];
            for (int i = 0; i < width * fanIn; i++) {
                params[w + i] = sd * random.nextGaussian();
            }
            int b = offset + biasOffsets[l];
            for (int i = 0; i < width; i++) {
                params[b + i] = 0;
            }
            fanIn = width;
        }
    }

    /** Layers with weights: the hidden ones and the output layer. */
    public int weightLayers() {
        return widths.length + 1;
    }

    /** Output width of weight layer l (the hidden width, or outputDim for the last). */
    public int layerWidth(int layer) {
        return width(layer);
    }

    /** Offset, relative to the network's own, of weight layer l's W ([width, fanIn] row-major). */
    public int weightOffset(int layer) {
        return weightOffsets[layer];
    }

    /** Offset, relative to the network's own, of weight layer l's bias. */
    public int biasOffset(int layer) {
        return biasOffsets[layer];
    }

    /** Offset, relative to the network's own, of the output layer's bias b_out. */
    public int outputBiasOffset() {
        return biasOffsets[widths.length];
    }

    /**
     * Computes the output for {@code input} (length inputDim) into {@code tape.output()} and keeps
     * what {@link #backward} needs, including a reference to {@code input}: leave it unchanged
     * until then.
     */
    public void forward(double[] params, int offset, double[] input, Tape tape) {
        double[] in = input;
        int fan = inputDim;
        tape.input = input;
        for (int l = 0; l <= widths.length; l++) {
            int width = width(l);
            int w = offset + weightOffsets[l];
            int b = offset + biasOffsets[l];
            boolean hidden = l < widths.length;
            double[] out = hidden ? tape.act[l] : tape.output;
            for (int j = 0; j < width; j++) {
                int row = w + j * fan;
                double acc = params[b + j];
                for (int k = 0; k < fan; k++) {
                    acc += params[row + k] * in[k];
                }
                if (hidden) {
                    double value = activation.value(acc);
                    out[j] = value;
                    tape.slope[l][j] = activation.slope(acc, value);
                } else {
                    out[j] = acc;
                }
            }
            in = out;
            fan = width;
        }
    }

    /**
     * Backpropagates {@code outputBar} = ∂L/∂output through the pass recorded in {@code tape}: adds
     * ∂L/∂θ to {@code grad} at this network's offset and, when {@code inputBar} is not null, writes
     * ∂L/∂input into it.
     */
    public void backward(
            double[] params,
            int offset,
            Tape tape,
            double[] outputBar,
            double[] grad,
            double[] inputBar) {
        double[] bar = outputBar;
        for (int l = widths.length; l >= 0; l--) {
            int width = width(l);
            int fan = l == 0 ? inputDim : widths[l - 1];
            double[] in = l == 0 ? tape.input : tape.act[l - 1];
            int w = offset + weightOffsets[l];
            int b = offset + biasOffsets[l];
            double[] below = l == 0 ? inputBar : tape.bar[l - 1];
            if (below != null) {
                for (int k = 0; k < fan; k++) {
                    below[k] = 0;
                }
            }
            for (int j = 0; j < width; j++) {
                double g = bar[j];
                if (g == 0) {
                    continue;
                }
                grad[b + j] += g;
                int row = w + j * fan;
                for (int k = 0; k < fan; k++) {
                    grad[row + k] += g * in[k];
                }
                if (below != null) {
                    for (int k = 0; k < fan; k++) {
                        below[k] += params[row + k] * g;
                    }
                }
            }
            if (l > 0) {
                double[] slope = tape.slope[l - 1];
                double[] pre = tape.bar[l - 1];
                for (int k = 0; k < fan; k++) {
                    pre[k] *= slope[k];
                }
                bar = pre;
            }
        }
    }

    private int width(int layer) {
        return layer < widths.length ? widths[layer] : outputDim;
    }

    /** Per-event scratch of one network evaluation. Not thread-safe. */
    public final class Tape {
        private double[] input;
        private final double[][] act = layerArrays();
        private final double[][] slope = layerArrays();
        private final double[][] bar = layerArrays();
        private final double[] output = new double[outputDim];

        private Tape() {}

        /** Output of the last {@link #forward} (live, not a copy). */
        public double[] output() {
            return output;
        }

        private double[][] layerArrays() {
            double[][] arrays = new double[widths.length][];
            for (int l = 0; l < widths.length; l++) {
                arrays[l] = new double[widths[l]];
            }
            return arrays;
        }
    }
}
