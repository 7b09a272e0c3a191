package io.sgnflow.model;

import io.sgnflow.model.core.Activation;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One energy network's force ∇_block f on the JDK Vector API, for {@link VectorFlowKernel} and the
 * SGN-VAE kernel: on a tile of events stored feature-major (vectorised across events, register
 * blocks of two rows by four vectors), and for a single event (vectorised across hidden units).
 * Both compute every output with the same fused multiply-adds in the same order and the same
 * lane-wise activation, so a result does not depend on which path computed it.
 *
 * <p>Not thread-safe: all scratch is preallocated per instance.
 */
final class VectorForceNet {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /** Vectors per tile row in the register-blocked products. */
    static final int MAX_COLUMNS = 4;

    private final FlowKernelParameters.Network net;
    private final Activation activation;
    private final int blockDim;
    private final int layers;
    private final int[] widths;

    /**
     * Single path, per layer: W transposed, [fanIn][padded width] with zero padding, so that every
     * vector load is whole (masked loads and stores are slow in JDK 17's Vector API).
     */
    private final double[][] transposedWeights;

    /** Single path, per layer: W by rows, [width][padded fanIn], zero padded. */
    private final double[][] paddedWeights;

    private final int[] paddedWidths;
    private final int[] paddedFans;
    private final double[][] paddedBiases;
    private final double[] paddedOutput;

    private final double[][] input;
    private final double[][][] act;
    private final double[][][] delta;
    private final double[][][] back;

    /** Single-event scratch (padded): per layer pre-activation → σ' → δ, σ(h), Wᵀδ. */
    private final double[][] single;

    private final double[][] singleAct;
    private final double[][] singleBack;
    private final double[] singleInput;

    /** {@link #single} and {@link #singleAct} as one-row tables, for {@link VectorActivation}. */
    private final double[][][] singleRows;

    private final double[][][] singleActRows;

    /** For {@link VectorActivation}: as long as a layer of the tile and a padded layer. */
    private final double[] activationScratch;

    /**
     * @param blockDim n, the size of the block the force acts on (the input's first n rows)
     * @param input the tile's input rows: the block rows, then the Casimir row if any
     */
    VectorForceNet(
            FlowKernelParameters.Network net,
            int blockDim,
            Activation activation,
            double[][] input,
            int tile) {
        this.net = net;
        this.activation = activation;
        this.blockDim = blockDim;
        this.layers = net.layers;
        this.widths = net.widths;
        this.input = input;
        transposedWeights = new double[layers][];
        paddedWeights = new double[layers][];
        paddedWidths = new int[layers];
        paddedFans = new int[layers];
        paddedBiases = new double[layers][];
        act = new double[layers][][];
        delta = new double[layers][][];
        back = new double[layers][][];
        single = new double[layers][];
        singleAct = new double[layers][];
        singleBack = new double[layers][];
        for (int l = 0; l < layers; l++) {
            int width = widths[l];
            int fan = net.fanIns[l];
            int widthP = padded(width);
            int fanP = padded(fan);
            paddedWidths[l] = widthP;
            paddedFans[l] = fanP;
            double[] wt = new double[fan * widthP];
            double[] wr = new double[width * fanP];
            for (int j = 0; j < width; j++) {
                for (int k = 0; k < fan; k++) {
                    wt[k * widthP + j] = net.weights[l][j * fan + k];
                    wr[j * fanP + k] = net.weights[l][j * fan + k];
                }
            }
            transposedWeights[l] = wt;
            paddedWeights[l] = wr;
            paddedBiases[l] = Arrays.copyOf(net.biases[l], widthP);
            act[l] = l < layers - 1 ? new double[width][tile] : null;
            delta[l] = new double[width][tile];
            back[l] = l < layers - 1 ? new double[width][tile] : null;
            single[l] = new double[widthP];
            singleAct[l] = new double[widthP];
            singleBack[l] = new double[widthP];
        }
        paddedOutput = Arrays.copyOf(net.output, padded(widths[layers - 1]));
        singleInput = new double[padded(net.inputDim)];
        singleRows = new double[layers][][];
        singleActRows = new double[layers][][];
        int longest = 0;
        for (int l = 0; l < layers; l++) {
            singleRows[l] = new double[][] {single[l]};
            singleActRows[l] = new double[][] {singleAct[l]};
            longest = Math.max(longest, Math.max(widths[l] * tile, paddedWidths[l]));
        }
        activationScratch = new double[longest];
    }

    /** ∇_block f for the first nv vectors of the tile into {@code out} ([n][tile]). */
    void force(int nv, double[][] out) {
        double[][] in = input;
        int last = layers - 1;
        for (int l = 0; l < layers; l++) {
            affine(net.weights[l], net.biases[l], widths[l], net.fanIns[l], in, delta[l], nv);
            double[][] h = delta[l];
            VectorActivation.apply(
                    activation,
                    h,
                    widths[l],
                    nv * VL,
                    l == last ? net.output : null,
                    l == last ? null : act[l],
                    h,
                    activationScratch);
            in = act[l];
        }
        for (int l = last - 1; l >= 0; l--) {
            // t_l = W_{l+1}ᵀ δ_{l+1}; δ_l = σ'(h_l) ⊙ t_l
            transposed(
                    net.weights[l + 1],
                    widths[l + 1],
                    widths[l],
                    widths[l],
                    delta[l + 1],
                    back[l],
                    nv);
            for (int j = 0; j < widths[l]; j++) {
                for (int v = 0; v < nv; v++) {
                    int at = v * VL;
                    DoubleVector.fromArray(S, delta[l][j], at)
                            .mul(DoubleVector.fromArray(S, back[l][j], at))
                            .intoArray(delta[l][j], at);
                }
            }
        }
        // Force = block part of W_1ᵀ δ_1 (the Casimir column is not a force).
        transposed(net.weights[0], widths[0], net.inputDim, blockDim, delta[0], out, nv);
    }

    /**
     * The same force for one event, z = (q, p, c) in {@code zv}, block at {@code offset}, into
     * {@code out} (padded to whole vectors; entries past n are scratch).
     */
    void forceSingle(double[] zv, int offset, double[] out) {
        double[] in = singleInput;
        for (int k = 0; k < blockDim; k++) {
            in[k] = zv[offset + k];
        }
        if (net.inputDim > blockDim) {
            in[blockDim] = zv[2 * blockDim];
        }
        int last = layers - 1;
        for (int l = 0; l < layers; l++) {
            int widthP = paddedWidths[l];
            int fan = net.fanIns[l];
            double[] wt = transposedWeights[l];
            double[] bias = paddedBiases[l];
            double[] h = single[l];
            double[] a = singleAct[l];
            for (int j0 = 0; j0 < widthP; j0 += VL) {
                DoubleVector acc = DoubleVector.fromArray(S, bias, j0);
                for (int k = 0; k < fan; k++) {
                    acc =
                            DoubleVector.fromArray(S, wt, k * widthP + j0)
                                    .fma(DoubleVector.broadcast(S, in[k]), acc);
                }
                acc.intoArray(h, j0);
            }
            VectorActivation.apply(
                    activation,
                    singleRows[l],
                    1,
                    widthP,
                    null,
                    l == last ? null : singleActRows[l],
                    singleRows[l],
                    activationScratch);
            if (l == last) {
                // δ_L = w ⊙ σ'(h): one multiply per element, as in the tile path.
                for (int j0 = 0; j0 < widthP; j0 += VL) {
                    DoubleVector.fromArray(S, h, j0)
                            .mul(DoubleVector.fromArray(S, paddedOutput, j0))
                            .intoArray(h, j0);
                }
            }
            in = a;
        }
        for (int l = last - 1; l >= 0; l--) {
            int rows = widths[l + 1];
            int colsP = paddedFans[l + 1];
            double[] wn = paddedWeights[l + 1];
            double[] next = single[l + 1];
            double[] t = singleBack[l];
            double[] d = single[l];
            for (int j0 = 0; j0 < paddedWidths[l]; j0 += VL) {
                DoubleVector acc = DoubleVector.zero(S);
                for (int i = 0; i < rows; i++) {
                    acc =
                            DoubleVector.fromArray(S, wn, i * colsP + j0)
                                    .fma(DoubleVector.broadcast(S, next[i]), acc);
                }
                DoubleVector.fromArray(S, d, j0).mul(acc).intoArray(d, j0);
                acc.intoArray(t, j0);
            }
        }
        double[] w0 = paddedWeights[0];
        double[] d0 = single[0];
        int fanP = paddedFans[0];
        for (int k0 = 0; k0 < blockDim; k0 += VL) {
            DoubleVector acc = DoubleVector.zero(S);
            for (int j = 0; j < widths[0]; j++) {
                acc =
                        DoubleVector.fromArray(S, w0, j * fanP + k0)
                                .fma(DoubleVector.broadcast(S, d0[j]), acc);
            }
            acc.intoArray(out, k0);
        }
    }

    /** out_j = b_j + Σ_k W[j,k] in_k for the first nv vectors, fused, in k order. */
    static void affine(
            double[] w, double[] b, int rows, int fan, double[][] in, double[][] out, int nv) {
        int j = 0;
        if (nv == MAX_COLUMNS) {
            for (; j + 1 < rows; j += 2) {
                DoubleVector a00 = DoubleVector.broadcast(S, b[j]);
                DoubleVector a01 = a00;
                DoubleVector a02 = a00;
                DoubleVector a03 = a00;
                DoubleVector a10 = DoubleVector.broadcast(S, b[j + 1]);
                DoubleVector a11 = a10;
                DoubleVector a12 = a10;
                DoubleVector a13 = a10;
                int r0 = j * fan;
                int r1 = r0 + fan;
                for (int k = 0; k < fan; k++) {
                    double[] x = in[k];
                    DoubleVector w0 = DoubleVector.broadcast(S, w[r0 + k]);
                    DoubleVector w1 = DoubleVector.broadcast(S, w[r1 + k]);
                    DoubleVector x0 = DoubleVector.fromArray(S, x, 0);
                    DoubleVector x1 = DoubleVector.fromArray(S, x, VL);
                    DoubleVector x2 = DoubleVector.fromArray(S, x, 2 * VL);
                    DoubleVector x3 = DoubleVector.fromArray(S, x, 3 * VL);
                    a00 = x0.fma(w0, a00);
                    a01 = x1.fma(w0, a01);
                    a02 = x2.fma(w0, a02);
                    a03 = x3.fma(w0, a03);
                    a10 = x0.fma(w1, a10);
                    a11 = x1.fma(w1, a11);
                    a12 = x2.fma(w1, a12);
                    a13 = x3.fma(w1, a13);
                }
                store4(out[j], a00, a01, a02, a03);
                store4(out[j + 1], a10, a11, a12, a13);
            }
        }
        // Partial tiles: four rows at a time, so that four independent FMA chains are in flight.
        for (; j + 3 < rows; j += 4) {
            int r0 = j * fan;
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector a0 = DoubleVector.broadcast(S, b[j]);
                DoubleVector a1 = DoubleVector.broadcast(S, b[j + 1]);
                DoubleVector a2 = DoubleVector.broadcast(S, b[j + 2]);
                DoubleVector a3 = DoubleVector.broadcast(S, b[j + 3]);
                for (int k = 0; k < fan; k++) {
                    DoubleVector x = DoubleVector.fromArray(S, in[k], at);
                    a0 = x.fma(DoubleVector.broadcast(S, w[r0 + k]), a0);
                    a1 = x.fma(DoubleVector.broadcast(S, w[r0 + fan + k]), a1);
                    a2 = x.fma(DoubleVector.broadcast(S, w[r0 + 2 * fan + k]), a2);
                    a3 = x.fma(DoubleVector.broadcast(S, w[r0 + 3 * fan + k]), a3);
                }
                a0.intoArray(out[j], at);
                a1.intoArray(out[j + 1], at);
                a2.intoArray(out[j + 2], at);
                a3.intoArray(out[j + 3], at);
            }
        }
        for (; j < rows; j++) {
            int r = j * fan;
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector acc = DoubleVector.broadcast(S, b[j]);
                for (int k = 0; k < fan; k++) {
                    acc =
                            DoubleVector.fromArray(S, in[k], at)
                                    .fma(DoubleVector.broadcast(S, w[r + k]), acc);
                }
                acc.intoArray(out[j], at);
            }
        }
    }

    /**
     * out_c = Σ_r W[r, c] v_r for columns c &lt; outCols of a [rows, cols] matrix, fused, in r
     * order, for the first nv vectors.
     */
    private void transposed(
            double[] w, int rows, int cols, int outCols, double[][] v, double[][] out, int nv) {
        int c = 0;
        if (nv == MAX_COLUMNS) {
            for (; c + 1 < outCols; c += 2) {
                DoubleVector a00 = DoubleVector.zero(S);
                DoubleVector a01 = a00;
                DoubleVector a02 = a00;
                DoubleVector a03 = a00;
                DoubleVector a10 = a00;
                DoubleVector a11 = a00;
                DoubleVector a12 = a00;
                DoubleVector a13 = a00;
                for (int r = 0; r < rows; r++) {
                    double[] x = v[r];
                    DoubleVector w0 = DoubleVector.broadcast(S, w[r * cols + c]);
                    DoubleVector w1 = DoubleVector.broadcast(S, w[r * cols + c + 1]);
                    DoubleVector x0 = DoubleVector.fromArray(S, x, 0);
                    DoubleVector x1 = DoubleVector.fromArray(S, x, VL);
                    DoubleVector x2 = DoubleVector.fromArray(S, x, 2 * VL);
                    DoubleVector x3 = DoubleVector.fromArray(S, x, 3 * VL);
                    a00 = x0.fma(w0, a00);
                    a01 = x1.fma(w0, a01);
                    a02 = x2.fma(w0, a02);
                    a03 = x3.fma(w0, a03);
                    a10 = x0.fma(w1, a10);
                    a11 = x1.fma(w1, a11);
                    a12 = x2.fma(w1, a12);
                    a13 = x3.fma(w1, a13);
                }
                store4(out[c], a00, a01, a02, a03);
                store4(out[c + 1], a10, a11, a12, a13);
            }
        }
        for (; c + 3 < outCols; c += 4) {
            for (int q = 0; q < nv; q++) {
                int at = q * VL;
                DoubleVector a0 = DoubleVector.zero(S);
                DoubleVector a1 = a0;
                DoubleVector a2 = a0;
                DoubleVector a3 = a0;
                for (int r = 0; r < rows; r++) {
                    DoubleVector x = DoubleVector.fromArray(S, v[r], at);
                    int base = r * cols + c;
                    a0 = x.fma(DoubleVector.broadcast(S, w[base]), a0);
                    a1 = x.fma(DoubleVector.broadcast(S, w[base + 1]), a1);
                    a2 = x.fma(DoubleVector.broadcast(S, w[base + 2]), a2);
                    a3 = x.fma(DoubleVector.broadcast(S, w[base + 3]), a3);
                }
                a0.intoArray(out[c], at);
                a1.intoArray(out[c + 1], at);
                a2.intoArray(out[c + 2], at);
                a3.intoArray(out[c + 3], at);
            }
        }
        for (; c < outCols; c++) {
            for (int q = 0; q < nv; q++) {
                int at = q * VL;
                DoubleVector acc = DoubleVector.zero(S);
                for (int r = 0; r < rows; r++) {
                    acc =
                            DoubleVector.fromArray(S, v[r], at)
                                    .fma(DoubleVector.broadcast(S, w[r * cols + c]), acc);
                }
                acc.intoArray(out[c], at);
            }
        }
    }

    private static void store4(
            double[] row, DoubleVector a0, DoubleVector a1, DoubleVector a2, DoubleVector a3) {
        a0.intoArray(row, 0);
        a1.intoArray(row, VL);
        a2.intoArray(row, 2 * VL);
        a3.intoArray(row, 3 * VL);
    }

    /**
     * σ(h) in place for rows [0, rows) of a tile, the first nv vectors of each; {@code scratch}
     * holds rows · nv vectors.
     */
    static void activateValues(
            Activation activation, double[][] h, int rows, int nv, double[] scratch) {
        VectorActivation.apply(activation, h, rows, nv * VL, null, h, null, scratch);
    }

    /**
     * One shear of a leapfrog step on a tile: rows first..first+count−1 of {@code z} += coefficient
     * · force, fused, for the first nv vectors.
     */
    static void shear(
            double[][] z, int first, int count, double[][] force, double coefficient, int nv) {
        DoubleVector c = DoubleVector.broadcast(S, coefficient);
        for (int i = 0; i < count; i++) {
            double[] row = z[first + i];
            double[] f = force[i];
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector.fromArray(S, f, at)
                        .fma(c, DoubleVector.fromArray(S, row, at))
                        .intoArray(row, at);
            }
        }
    }

    /** n rounded up to whole vectors. */
    static int padded(int n) {
        return (n + VL - 1) / VL * VL;
    }
}
