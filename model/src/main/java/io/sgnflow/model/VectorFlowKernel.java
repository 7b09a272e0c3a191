package io.sgnflow.model;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGN-Flow scoring kernel on the JDK Vector API (incubator module {@code
 * jdk.incubator.vector}): the same exact log p(x) as {@link FlowScorer}, with SIMD matrix products,
 * a SIMD activation and fused multiply-adds. Loaded only when the JVM runs with {@code
 * --add-modules jdk.incubator.vector}; otherwise {@link BatchFlowScorer} uses its scalar kernel.
 *
 * <p>Two layouts, one arithmetic. A tile of up to {@code columns × VL} events (VL doubles per
 * vector, 8 with AVX-512) is stored feature-major and vectorised across events, with register
 * blocks of two rows by four vectors in the matrix products; a handful of events is scored one at a
 * time, vectorised across the hidden units and the phase-space coordinates instead. Both compute
 * every output with the same sequence of fused multiply-adds in the same order (biases first, then
 * the reduction index in increasing order) and the same lane-wise activation, so an event's score
 * does not depend, to the last bit, on which path, tile or position it took: the same alone, in a
 * batch, or in an exactly-once replay that batches differently. It agrees with the scalar {@link
 * FlowScorer} to about 1e-14 relative (fused rounding, and the Vector API's exp).
 *
 * <p>tanh is (e − 1)/(e + 1) with e = exp(2x), x clamped to ±20, as in {@link
 * io.sgnflow.model.core.Activation#tanh}, on the vector exp; the Vector API's own TANH was three
 * times slower here.
 *
 * <p>Not thread-safe: all scratch is preallocated per instance.
 */
final class VectorFlowKernel implements FlowKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /** Vectors per tile row in the register-blocked products. */
    static final int MAX_COLUMNS = 4;

    /** Fewer events than this are scored one at a time (vectorised across units instead). */
    static final int SINGLE_BELOW = 3;

    private final FlowKernelParameters kp;
    private final int dim;
    private final int half;
    private final int columns;
    private final int tile;
    private final double[][] negLower;
    private final double[][] negUpper;

    /** Tile state, feature-major: rows 0..n−1 are q, n..2n−1 are p, 2n is c. */
    private final double[][] z;

    private final double[][] force;
    private final double[] squared;
    private final Net potential;
    private final Net kinetic;

    /** Single-event state z = (q, p, c) and force. */
    private final double[] z1;

    private final double[] force1;

    VectorFlowKernel(FlowKernelParameters kp, int tileEvents) {
        this.kp = kp;
        dim = kp.dim;
        half = kp.half;
        columns = Math.max(1, Math.min(MAX_COLUMNS, (tileEvents + VL - 1) / VL));
        tile = columns * VL;
        negLower = new double[dim][];
        negUpper = new double[dim][];
        for (int i = 0; i < dim; i++) {
            negLower[i] = negate(kp.lower[i]);
            negUpper[i] = negate(kp.upper[i]);
        }
        z = new double[dim][tile];
        force = new double[half][tile];
        squared = new double[tile];
        z1 = new double[dim];
        force1 = new double[padded(half)];
        double[][] qRows = new double[half + kp.casimir][];
        double[][] pRows = new double[half + kp.casimir][];
        for (int i = 0; i < half; i++) {
            qRows[i] = z[i];
            pRows[i] = z[half + i];
        }
        if (kp.casimir > 0) {
            qRows[half] = z[2 * half];
            pRows[half] = z[2 * half];
        }
        potential = new Net(kp.potential, kp, qRows, tile);
        kinetic = new Net(kp.kinetic, kp, pRows, tile);
    }

    @Override
    public String name() {
        return "vector (" + S.vectorBitSize() + "-bit, " + VL + " doubles)";
    }

    @Override
    public void logLikelihoods(double[][] rows, int count, double[] out) {
        for (int start = 0; start < count; start += tile) {
            int m = Math.min(tile, count - start);
            if (m < SINGLE_BELOW) {
                for (int e = 0; e < m; e++) {
                    out[start + e] = single(rows[start + e]);
                }
            } else {
                tile(rows, start, m, out);
            }
        }
    }

    // ------------------------------------------------------------------ tile path

    private void tile(double[][] rows, int start, int m, double[] out) {
        int nv = (m + VL - 1) / VL;
        int width = nv * VL;
        double[][] w = z;
        for (int e = 0; e < width; e++) {
            if (e < m) {
                double[] x = rows[start + e];
                for (int i = 0; i < dim; i++) {
                    w[kp.permutation[i]][e] = standardise(x, i);
                }
            } else {
                // Unused lanes: zeros keep them finite; nothing reads them back.
                for (int i = 0; i < dim; i++) {
                    w[i][e] = 0;
                }
            }
        }
        // L v = w, in place, then U z = v, in place: z_i = (v_i − Σ_{j>i} U_ij z_j) / U_ii.
        for (int i = 1; i < dim; i++) {
            double[] nl = negLower[i];
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector acc = DoubleVector.fromArray(S, z[i], at);
                for (int j = 0; j < i; j++) {
                    acc =
                            DoubleVector.fromArray(S, z[j], at)
                                    .fma(DoubleVector.broadcast(S, nl[j]), acc);
                }
                acc.intoArray(z[i], at);
            }
        }
        for (int i = dim - 1; i >= 0; i--) {
            double[] nu = negUpper[i];
            double inv = kp.inverseDiagonal[i];
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector acc = DoubleVector.fromArray(S, z[i], at);
                for (int j = i + 1; j < dim; j++) {
                    acc =
                            DoubleVector.fromArray(S, z[j], at)
                                    .fma(DoubleVector.broadcast(S, nu[j]), acc);
                }
                acc.mul(inv).intoArray(z[i], at);
            }
        }
        // Φ⁻¹ with fused half-kicks: K + 1 kicks interleaved with K drifts.
        int steps = kp.drifts.length;
        for (int s = 0; s <= steps; s++) {
            potential.force(nv, force);
            shear(z, half, kp.kicks[s], nv);
            if (s == steps) {
                break;
            }
            kinetic.force(nv, force);
            shear(z, 0, kp.drifts[s], nv);
        }
        for (int v = 0; v < nv; v++) {
            int at = v * VL;
            DoubleVector sq = DoubleVector.zero(S);
            for (int i = 0; i < dim; i++) {
                DoubleVector zi = DoubleVector.fromArray(S, z[i], at);
                sq = zi.fma(zi, sq);
            }
            sq.intoArray(squared, at);
        }
        for (int e = 0; e < m; e++) {
            out[start + e] = kp.constantLogDet - 0.5 * squared[e];
        }
    }

    /** Rows first..first+n−1 of the tile state += coefficient · force. */
    private void shear(double[][] state, int first, double coefficient, int nv) {
        DoubleVector c = DoubleVector.broadcast(S, coefficient);
        for (int i = 0; i < half; i++) {
            double[] row = state[first + i];
            double[] f = force[i];
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector.fromArray(S, f, at)
                        .fma(c, DoubleVector.fromArray(S, row, at))
                        .intoArray(row, at);
            }
        }
    }

    // ------------------------------------------------------------------ single path

    private double single(double[] x) {
        double[] v = z1;
        for (int i = 0; i < dim; i++) {
            v[kp.permutation[i]] = standardise(x, i);
        }
        for (int i = 1; i < dim; i++) {
            double[] nl = negLower[i];
            double acc = v[i];
            for (int j = 0; j < i; j++) {
                acc = Math.fma(v[j], nl[j], acc);
            }
            v[i] = acc;
        }
        for (int i = dim - 1; i >= 0; i--) {
            double[] nu = negUpper[i];
            double acc = v[i];
            for (int j = i + 1; j < dim; j++) {
                acc = Math.fma(v[j], nu[j], acc);
            }
            v[i] = acc * kp.inverseDiagonal[i];
        }
        int steps = kp.drifts.length;
        for (int s = 0; s <= steps; s++) {
            potential.forceSingle(v, 0, force1);
            double coefficient = kp.kicks[s];
            for (int i = 0; i < half; i++) {
                v[half + i] = Math.fma(force1[i], coefficient, v[half + i]);
            }
            if (s == steps) {
                break;
            }
            kinetic.forceSingle(v, half, force1);
            coefficient = kp.drifts[s];
            for (int i = 0; i < half; i++) {
                v[i] = Math.fma(force1[i], coefficient, v[i]);
            }
        }
        double sq = 0;
        for (int i = 0; i < dim; i++) {
            sq = Math.fma(v[i], v[i], sq);
        }
        return kp.constantLogDet - 0.5 * sq;
    }

    private double standardise(double[] x, int i) {
        return (x[i] - kp.mean[i]) / kp.scale[i] - kp.shift[i];
    }

    /** n rounded up to whole vectors. */
    private static int padded(int n) {
        return (n + VL - 1) / VL * VL;
    }

    private static double[] negate(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = -values[i];
        }
        return out;
    }

    /**
     * σ(h) into {@code act} (when not null) and σ'(h) (times {@code scaleOut}) into {@code slope},
     * lane-wise: the one activation both paths use.
     */
    private static void activate(
            FlowKernelParameters kp,
            DoubleVector h,
            double scaleOut,
            double[] act,
            double[] slope,
            int at,
            VectorMask<Double> mask) {
        DoubleVector value;
        DoubleVector derivative;
        switch (kp.activation) {
            case TANH -> {
                DoubleVector e = h.max(-20.0).min(20.0).mul(2.0).lanewise(VectorOperators.EXP);
                value = e.sub(1.0).div(e.add(1.0));
                derivative = value.neg().fma(value, DoubleVector.broadcast(S, 1.0));
            }
            case SOFTPLUS -> {
                DoubleVector sigmoid = sigmoid(h);
                value =
                        h.abs()
                                .neg()
                                .lanewise(VectorOperators.EXP)
                                .lanewise(VectorOperators.LOG1P)
                                .add(h.max(0.0));
                derivative = sigmoid;
            }
            case SILU -> {
                DoubleVector sigmoid = sigmoid(h);
                value = h.mul(sigmoid);
                // s + x·s·(1 − s)
                derivative = value.mul(sigmoid.neg().add(1.0)).add(sigmoid);
            }
            default -> throw new IllegalStateException("activation " + kp.activation);
        }
        if (act != null) {
            value.intoArray(act, at, mask);
        }
        derivative.mul(scaleOut).intoArray(slope, at, mask);
    }

    private static DoubleVector sigmoid(DoubleVector x) {
        return DoubleVector.broadcast(S, 1.0).div(x.neg().lanewise(VectorOperators.EXP).add(1.0));
    }

    /** One energy network's force, on the tile and for a single event. */
    private final class Net {
        private final FlowKernelParameters.Network net;
        private final int blockDim;
        private final int layers;
        private final int[] widths;

        /**
         * Single path, per layer: W transposed, [fanIn][padded width] with zero padding, so that
         * every vector load is whole (masked loads and stores are slow in JDK 17's Vector API).
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
        private final VectorMask<Double> allLanes = S.maskAll(true);

        /** Single-event scratch (padded): per layer pre-activation → σ' → δ, σ(h), Wᵀδ. */
        private final double[][] single;

        private final double[][] singleAct;
        private final double[][] singleBack;
        private final double[] singleInput;

        Net(FlowKernelParameters.Network net, FlowKernelParameters kp, double[][] input, int tile) {
            this.net = net;
            this.blockDim = kp.half;
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
        }

        /** ∇_block f for the first nv vectors of the tile into {@code out} ([n][tile]). */
        void force(int nv, double[][] out) {
            double[][] in = input;
            int last = layers - 1;
            for (int l = 0; l < layers; l++) {
                affine(net.weights[l], net.biases[l], widths[l], net.fanIns[l], in, delta[l], nv);
                double[][] h = delta[l];
                for (int j = 0; j < widths[l]; j++) {
                    double scaleOut = l == last ? net.output[j] : 1.0;
                    double[] aj = l == last ? null : act[l][j];
                    for (int v = 0; v < nv; v++) {
                        int at = v * VL;
                        activate(
                                kp,
                                DoubleVector.fromArray(S, h[j], at),
                                scaleOut,
                                aj,
                                h[j],
                                at,
                                allLanes);
                    }
                }
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
                    activate(kp, acc, 1.0, l == last ? null : a, h, j0, allLanes);
                    if (l == last) {
                        // δ_L = w ⊙ σ'(h): one multiply per element, as in the tile path.
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
        private void affine(
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
    }

    private static void store4(
            double[] row, DoubleVector a0, DoubleVector a1, DoubleVector a2, DoubleVector a3) {
        a0.intoArray(row, 0);
        a1.intoArray(row, VL);
        a2.intoArray(row, 2 * VL);
        a3.intoArray(row, 3 * VL);
    }
}
