package io.sgnflow.model;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;

/**
 * Batched scoring kernel: the same exact log p(x) as {@link FlowScorer}, computed for a block of
 * events at a time (DESIGN §2.3).
 *
 * <p>Events are processed in tiles of {@link #tile()} events. Inside a tile every quantity is
 * stored feature-major, {@code [feature][event]}, so each small matrix product becomes a sequence
 * of axpy loops over the events of the tile: the innermost loop is a plain element-wise loop over
 * {@code double[]} rows that the JIT auto-vectorises, and every weight is read once per tile
 * instead of once per event. The reduction dimension is unrolled by four with a left-to-right chain
 * ({@code ((a + w0·s0) + w1·s1) + …}), which keeps the summation order of the scalar reference, so
 * the network forces are bit-identical to {@link FlowScorer}'s.
 *
 * <p>The one intended difference: the inverse flow applies, between two consecutive leapfrog steps
 * k and k−1, the last half-kick of step k and the first of step k−1, both with ∇V at the same q.
 * They are fused into one kick with coefficient (ε_k + ε_{k−1})/2, so the kernel evaluates K + 1
 * potential forces instead of 2K. That changes the rounding of p by an ulp or so per step; the
 * result agrees with {@link FlowScorer} to about 1e-14 relative (tests require 1e-12).
 *
 * <p>Not thread-safe: all scratch is preallocated per instance; create one per thread.
 */
public final class BatchFlowScorer {
    /** Events per tile when none is given: tile buffers and weights then fit in L1/L2. */
    public static final int DEFAULT_TILE = 32;

    /**
     * Tiles of fewer events than this are scored one event at a time (dot-product matvecs, still
     * with fused kicks): a tile loop of length 1–3 costs more in loop overhead than it gains.
     */
    static final int SINGLE_BELOW = 4;

    private final SgnFlowModel model;
    private final int dim;
    private final int half;
    private final int casimir;
    private final int tile;
    private final double constantLogDet;

    private final double[] mean;
    private final double[] scale;
    private final double[] shift;
    private final int[] permutation;
    private final double[][] lower;
    private final double[][] upper;
    private final double[] inverseDiagonal;

    /** Kick coefficients in application order: K + 1 of them. */
    private final double[] kicks;

    /** Drift coefficients in application order: −ε_{K−1}, …, −ε_0. */
    private final double[] drifts;

    private final Net potential;
    private final Net kinetic;

    /** Phase-space point of the tile: rows 0..n−1 are q, n..2n−1 are p, 2n is c. */
    private final double[][] z;

    private final double[][] w;
    private final double[][] force;
    private final double[] squared;

    /** Single-event state z = (q, p, c) and force, for {@link #single}. */
    private final double[] z1;

    private final double[] force1;

    /** The Vector API kernel when the JVM has it (and it is not disabled), else null. */
    private final FlowKernel vector;

    public BatchFlowScorer(SgnFlowModel model) {
        this(model, DEFAULT_TILE);
    }

    public BatchFlowScorer(SgnFlowModel model, int tile) {
        this(model, tile, VectorSupport.ENABLED);
    }

    /**
     * @param allowVector use the Vector API kernel when the JVM has {@code jdk.incubator.vector};
     *     false forces the scalar kernel
     */
    BatchFlowScorer(SgnFlowModel model, int tile, boolean allowVector) {
        if (tile < 1) {
            throw new IllegalArgumentException("tile must be at least 1, was " + tile);
        }
        this.model = model;
        this.tile = tile;
        FlowKernelParameters kp = new FlowKernelParameters(model);
        dim = kp.dim;
        half = kp.half;
        casimir = kp.casimir;
        constantLogDet = kp.constantLogDet;
        mean = kp.mean;
        scale = kp.scale;
        shift = kp.shift;
        permutation = kp.permutation;
        lower = kp.lower;
        upper = kp.upper;
        inverseDiagonal = kp.inverseDiagonal;
        kicks = kp.kicks;
        drifts = kp.drifts;

        z = new double[dim][tile];
        w = new double[dim][tile];
        force = new double[half][tile];
        squared = new double[tile];
        z1 = new double[dim];
        force1 = new double[half];
        double[][] qInput = new double[half + casimir][];
        double[][] pInput = new double[half + casimir][];
        for (int i = 0; i < half; i++) {
            qInput[i] = z[i];
            pInput[i] = z[half + i];
        }
        if (casimir > 0) {
            qInput[half] = z[2 * half];
            pInput[half] = z[2 * half];
        }
        potential = new Net(kp.potential, kp, qInput, tile);
        kinetic = new Net(kp.kinetic, kp, pInput, tile);
        vector = allowVector ? VectorSupport.flowKernel(kp, tile) : null;
    }

    public SgnFlowModel model() {
        return model;
    }

    /** Events per tile. */
    public int tile() {
        return tile;
    }

    /**
     * Floating-point operations per scored event, counted analytically (multiplications, additions,
     * subtractions, divisions; a transcendental call counts as one): standardisation, the two
     * triangular solves, K + 1 potential and K kinetic force evaluations (forward pass, activation,
     * backward pass to the block), the kicks and drifts, and the final squared norm.
     */
    public static long flopsPerEvent(FlowArchitecture arch) {
        long d = arch.dim();
        long n = arch.half();
        long flops = 3 * d; // (x − μ)/σ − b
        flops += 2 * d * (d - 1); // L and U solves: a multiply and a subtract per entry
        flops += d; // · exp(−s_i)
        long force = networkForceFlops(arch.potential(), n);
        flops += (arch.steps() + 1L) * (force + 2 * n); // kicks
        flops += (long) arch.steps() * (force + 2 * n); // drifts
        flops += 2 * d + 2; // ‖z0‖² and the constant
        return flops;
    }

    private static long networkForceFlops(EnergyNetwork net, long blockDim) {
        long flops = 0;
        int layers = net.layers();
        for (int l = 0; l < layers; l++) {
            long width = net.width(l);
            flops += 2 * width * net.fanIn(l); // W h + b
            flops += 3 * width; // σ(h) = (e − 1)/(e + 1) with e = exp(2h); the exp counts as one
            flops += 2 * width; // σ'(h) = 1 − σ²
        }
        flops += net.width(layers - 1); // δ_L = w ⊙ σ'
        for (int l = layers - 2; l >= 0; l--) {
            flops += 2L * net.width(l + 1) * net.width(l) + net.width(l); // Wᵀδ, ⊙ σ'
        }
        flops += 2 * net.width(0) * blockDim; // W_1ᵀ δ_1 (block part)
        return flops;
    }

    /**
     * Scores {@code count} rows of {@code batch} ([events, features]) into {@code out}; each value
     * equals {@link FlowScorer#logLikelihood} of that row to about 1e-14 relative.
     *
     * @throws IllegalArgumentException if a row has the wrong length or a non-finite value (nothing
     *     is written then)
     */
    public void logLikelihoods(double[][] batch, int count, double[] out) {
        for (int i = 0; i < count; i++) {
            model.checkEvent(batch[i]);
        }
        logLikelihoodsUnchecked(batch, count, out);
    }

    /** {@link #logLikelihoods(double[][], int, double[])} for the whole array. */
    public void logLikelihoods(double[][] batch, double[] out) {
        logLikelihoods(batch, batch.length, out);
    }

    /** Exact log p(x) of one event, through the batched kernel (a tile of one). */
    public double logLikelihood(double[] x) {
        model.checkEvent(x);
        double[] out = new double[1];
        logLikelihoodsUnchecked(new double[][] {x}, 1, out);
        return out[0];
    }

    /**
     * Which kernel scores: "vector (…)" with the JDK Vector API, else "scalar". Both give the same
     * scores to about 1e-14 relative; within one kernel an event's score does not depend on the
     * batch it is in.
     */
    public String kernel() {
        return vector == null ? "scalar" : vector.name();
    }

    /** Rows must already be validated ({@link SgnFlowModel#checkEvent}). */
    void logLikelihoodsUnchecked(double[][] batch, int count, double[] out) {
        if (vector != null) {
            vector.logLikelihoods(batch, count, out);
            return;
        }
        for (int start = 0; start < count; start += tile) {
            int m = Math.min(tile, count - start);
            if (m < SINGLE_BELOW) {
                for (int e = 0; e < m; e++) {
                    out[start + e] = single(batch[start + e]);
                }
                continue;
            }
            loadTile(batch, start, m);
            inverseFlow(m);
            double[] sq = squared;
            for (int e = 0; e < m; e++) {
                sq[e] = 0;
            }
            for (int i = 0; i < dim; i++) {
                double[] row = z[i];
                for (int e = 0; e < m; e++) {
                    sq[e] += row[e] * row[e];
                }
            }
            for (int e = 0; e < m; e++) {
                out[start + e] = SgnFlowModel.bounded(constantLogDet - 0.5 * sq[e]);
            }
        }
    }

    /**
     * One event, in the reference's order of operations (dot-product matvecs), with the fused
     * kicks.
     */
    private double single(double[] x) {
        double[] v = z1;
        for (int i = 0; i < dim; i++) {
            v[permutation[i]] = (x[i] - mean[i]) / scale[i] - shift[i];
        }
        for (int i = 1; i < dim; i++) {
            double[] li = lower[i];
            double acc = v[i];
            for (int j = 0; j < i; j++) {
                acc -= li[j] * v[j];
            }
            v[i] = acc;
        }
        // Back substitution in place: entries above i already hold z.
        for (int i = dim - 1; i >= 0; i--) {
            double[] ui = upper[i];
            double acc = v[i];
            for (int j = i + 1; j < dim; j++) {
                acc -= ui[j] * v[j];
            }
            v[i] = acc * inverseDiagonal[i];
        }
        int steps = drifts.length;
        for (int s = 0; s <= steps; s++) {
            potential.forceSingle(v, 0, force1);
            double coefficient = kicks[s];
            for (int i = 0; i < half; i++) {
                v[half + i] += coefficient * force1[i];
            }
            if (s == steps) {
                break;
            }
            kinetic.forceSingle(v, half, force1);
            coefficient = drifts[s];
            for (int i = 0; i < half; i++) {
                v[i] += coefficient * force1[i];
            }
        }
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += v[i] * v[i];
        }
        return SgnFlowModel.bounded(constantLogDet - 0.5 * sum);
    }

    /** Standardise, subtract the shift, permute, and solve L v = w, U z = v, for m events. */
    private void loadTile(double[][] batch, int start, int m) {
        for (int e = 0; e < m; e++) {
            double[] x = batch[start + e];
            for (int i = 0; i < dim; i++) {
                w[permutation[i]][e] = (x[i] - mean[i]) / scale[i] - shift[i];
            }
        }
        // Forward substitution with unit diagonal, in place: v_i = w_i − Σ_{j<i} L_ij v_j.
        for (int i = 1; i < dim; i++) {
            double[] li = lower[i];
            double[] acc = w[i];
            int j = 0;
            for (; j + 3 < i; j += 4) {
                double l0 = li[j];
                double l1 = li[j + 1];
                double l2 = li[j + 2];
                double l3 = li[j + 3];
                double[] v0 = w[j];
                double[] v1 = w[j + 1];
                double[] v2 = w[j + 2];
                double[] v3 = w[j + 3];
                for (int e = 0; e < m; e++) {
                    acc[e] = acc[e] - l0 * v0[e] - l1 * v1[e] - l2 * v2[e] - l3 * v3[e];
                }
            }
            for (; j < i; j++) {
                double l0 = li[j];
                double[] v0 = w[j];
                for (int e = 0; e < m; e++) {
                    acc[e] = acc[e] - l0 * v0[e];
                }
            }
        }
        // Back substitution: z_i = (v_i − Σ_{j>i} U_ij z_j) · exp(−s_i).
        for (int i = dim - 1; i >= 0; i--) {
            double[] ui = upper[i];
            double[] acc = z[i];
            double[] vi = w[i];
            for (int e = 0; e < m; e++) {
                acc[e] = vi[e];
            }
            int j = i + 1;
            for (; j + 3 < dim; j += 4) {
                double u0 = ui[j];
                double u1 = ui[j + 1];
                double u2 = ui[j + 2];
                double u3 = ui[j + 3];
                double[] z0 = z[j];
                double[] z1 = z[j + 1];
                double[] z2 = z[j + 2];
                double[] z3 = z[j + 3];
                for (int e = 0; e < m; e++) {
                    acc[e] = acc[e] - u0 * z0[e] - u1 * z1[e] - u2 * z2[e] - u3 * z3[e];
                }
            }
            for (; j < dim; j++) {
                double u0 = ui[j];
                double[] z0 = z[j];
                for (int e = 0; e < m; e++) {
                    acc[e] = acc[e] - u0 * z0[e];
                }
            }
            double inv = inverseDiagonal[i];
            for (int e = 0; e < m; e++) {
                acc[e] = acc[e] * inv;
            }
        }
    }

    /** Φ⁻¹ on the tile with fused half-kicks: K + 1 kicks interleaved with K drifts. */
    private void inverseFlow(int m) {
        int steps = drifts.length;
        kick(m, kicks[0]);
        for (int s = 0; s < steps; s++) {
            drift(m, drifts[s]);
            kick(m, kicks[s + 1]);
        }
    }

    /** p ← p + coefficient · ∇_qV(q; c). */
    private void kick(int m, double coefficient) {
        potential.force(m, force);
        for (int i = 0; i < half; i++) {
            double[] p = z[half + i];
            double[] f = force[i];
            for (int e = 0; e < m; e++) {
                p[e] += coefficient * f[e];
            }
        }
    }

    /** q ← q + coefficient · ∇_pT(p; c). */
    private void drift(int m, double coefficient) {
        kinetic.force(m, force);
        for (int i = 0; i < half; i++) {
            double[] q = z[i];
            double[] f = force[i];
            for (int e = 0; e < m; e++) {
                q[e] += coefficient * f[e];
            }
        }
    }

    /** One energy network, its weights copied out of the flat vector, and its tile scratch. */
    private static final class Net {
        private final int blockDim;
        private final int inputDim;
        private final int layers;
        private final int[] widths;
        private final Activation activation;
        private final double[][] weights;
        private final double[][] biases;
        private final double[] output;

        /** Input rows of the tile: the block rows then the Casimir row (live views of z). */
        private final double[][] input;

        /** Per layer: activations (input of the next layer), unused for the last layer. */
        private final double[][][] act;

        /** Per layer: pre-activation, then σ'(h), then δ, in place. */
        private final double[][][] delta;

        /** Per layer below the last: W_{l+1}ᵀ δ_{l+1}. */
        private final double[][][] transposed;

        /** Single-event scratch per layer: h → σ' → δ, σ(h), Wᵀδ. */
        private final double[][] single;

        private final double[][] singleAct;
        private final double[][] singleT;

        Net(FlowKernelParameters.Network net, FlowKernelParameters kp, double[][] input, int tile) {
            this.blockDim = kp.half;
            this.inputDim = net.inputDim;
            this.layers = net.layers;
            this.activation = kp.activation;
            this.input = input;
            widths = net.widths;
            weights = net.weights;
            biases = net.biases;
            output = net.output;
            act = new double[layers][][];
            delta = new double[layers][][];
            transposed = new double[layers][][];
            single = new double[layers][];
            singleAct = new double[layers][];
            singleT = new double[layers][];
            for (int l = 0; l < layers; l++) {
                act[l] = l < layers - 1 ? new double[widths[l]][tile] : null;
                delta[l] = new double[widths[l]][tile];
                transposed[l] = l < layers - 1 ? new double[widths[l]][tile] : null;
                single[l] = new double[widths[l]];
                singleAct[l] = new double[widths[l]];
                singleT[l] = new double[widths[l]];
            }
        }

        /**
         * ∇_block f for one event whose z = (q, p, c) is {@code zv}, the block starting at {@code
         * blockOffset}; the same operations in the same order as {@link EnergyNetwork#force}.
         */
        void forceSingle(double[] zv, int blockOffset, double[] out) {
            int last = layers - 1;
            int casimirIndex = 2 * blockDim;
            for (int l = 0; l < layers; l++) {
                double[] wl = weights[l];
                double[] bl = biases[l];
                double[] h = single[l];
                double[] a = singleAct[l];
                int width = widths[l];
                if (l == 0) {
                    int fan = inputDim;
                    for (int j = 0; j < width; j++) {
                        int row = j * fan;
                        double acc = bl[j];
                        for (int k = 0; k < blockDim; k++) {
                            acc += wl[row + k] * zv[blockOffset + k];
                        }
                        if (fan > blockDim) {
                            acc += wl[row + blockDim] * zv[casimirIndex];
                        }
                        h[j] = acc;
                    }
                } else {
                    double[] in = singleAct[l - 1];
                    int fan = widths[l - 1];
                    for (int j = 0; j < width; j++) {
                        int row = j * fan;
                        double acc = bl[j];
                        for (int k = 0; k < fan; k++) {
                            acc += wl[row + k] * in[k];
                        }
                        h[j] = acc;
                    }
                }
                boolean lastLayer = l == last;
                for (int j = 0; j < width; j++) {
                    double x = h[j];
                    double t;
                    double slope;
                    if (activation == Activation.TANH) {
                        t = Activation.tanh(x);
                        slope = 1.0 - t * t;
                    } else {
                        t = activation.value(x);
                        slope = activation.slope(x, t);
                    }
                    if (!lastLayer) {
                        a[j] = t;
                    }
                    h[j] = lastLayer ? output[j] * slope : slope;
                }
            }
            for (int l = last - 1; l >= 0; l--) {
                double[] wn = weights[l + 1];
                int cols = widths[l];
                double[] t = singleT[l];
                double[] next = single[l + 1];
                for (int j = 0; j < cols; j++) {
                    t[j] = 0;
                }
                for (int i = 0; i < widths[l + 1]; i++) {
                    double vi = next[i];
                    int row = i * cols;
                    for (int j = 0; j < cols; j++) {
                        t[j] += wn[row + j] * vi;
                    }
                }
                double[] d = single[l];
                for (int j = 0; j < cols; j++) {
                    d[j] = d[j] * t[j];
                }
            }
            double[] w0 = weights[0];
            double[] d0 = single[0];
            for (int k = 0; k < blockDim; k++) {
                out[k] = 0;
            }
            for (int j = 0; j < widths[0]; j++) {
                double d = d0[j];
                int row = j * inputDim;
                for (int k = 0; k < blockDim; k++) {
                    out[k] += w0[row + k] * d;
                }
            }
        }

        /** Writes ∇_block f for the m events of the tile into {@code out} ([n][tile]). */
        void force(int m, double[][] out) {
            double[][] in = input;
            int fan = inputDim;
            int last = layers - 1;
            for (int l = 0; l < layers; l++) {
                double[] wl = weights[l];
                double[] bl = biases[l];
                double[][] h = delta[l];
                for (int j = 0; j < widths[l]; j++) {
                    affineRow(wl, j * fan, fan, bl[j], in, h[j], m);
                }
                activate(l, l == last, m);
                in = act[l];
                fan = widths[l];
            }
            for (int l = last - 1; l >= 0; l--) {
                // t_l = W_{l+1}ᵀ δ_{l+1}; δ_l = σ'(h_l) ⊙ t_l
                double[] wn = weights[l + 1];
                int cols = widths[l];
                double[][] t = transposed[l];
                double[][] next = delta[l + 1];
                for (int j = 0; j < cols; j++) {
                    columnRow(wn, j, cols, widths[l + 1], next, t[j], m);
                }
                double[][] d = delta[l];
                for (int j = 0; j < cols; j++) {
                    double[] dj = d[j];
                    double[] tj = t[j];
                    for (int e = 0; e < m; e++) {
                        dj[e] = dj[e] * tj[e];
                    }
                }
            }
            // Force = block part of W_1ᵀ δ_1.
            double[] w0 = weights[0];
            for (int k = 0; k < blockDim; k++) {
                columnRow(w0, k, inputDim, widths[0], delta[0], out[k], m);
            }
        }

        /** h_j = b_j + Σ_k W[j,k] in_k, summed in k order. */
        private static void affineRow(
                double[] wts, int row, int fan, double bias, double[][] in, double[] h, int m) {
            for (int e = 0; e < m; e++) {
                h[e] = bias;
            }
            int k = 0;
            for (; k + 3 < fan; k += 4) {
                double w0 = wts[row + k];
                double w1 = wts[row + k + 1];
                double w2 = wts[row + k + 2];
                double w3 = wts[row + k + 3];
                double[] s0 = in[k];
                double[] s1 = in[k + 1];
                double[] s2 = in[k + 2];
                double[] s3 = in[k + 3];
                for (int e = 0; e < m; e++) {
                    h[e] = h[e] + w0 * s0[e] + w1 * s1[e] + w2 * s2[e] + w3 * s3[e];
                }
            }
            for (; k < fan; k++) {
                double w0 = wts[row + k];
                double[] s0 = in[k];
                for (int e = 0; e < m; e++) {
                    h[e] = h[e] + w0 * s0[e];
                }
            }
        }

        /** out = Σ_i W[i, col] v_i over the rows i of a [rows, cols] matrix, summed in i order. */
        private static void columnRow(
                double[] wts, int col, int cols, int rows, double[][] v, double[] out, int m) {
            for (int e = 0; e < m; e++) {
                out[e] = 0;
            }
            int i = 0;
            for (; i + 3 < rows; i += 4) {
                double w0 = wts[i * cols + col];
                double w1 = wts[(i + 1) * cols + col];
                double w2 = wts[(i + 2) * cols + col];
                double w3 = wts[(i + 3) * cols + col];
                double[] s0 = v[i];
                double[] s1 = v[i + 1];
                double[] s2 = v[i + 2];
                double[] s3 = v[i + 3];
                for (int e = 0; e < m; e++) {
                    out[e] = out[e] + w0 * s0[e] + w1 * s1[e] + w2 * s2[e] + w3 * s3[e];
                }
            }
            for (; i < rows; i++) {
                double w0 = wts[i * cols + col];
                double[] s0 = v[i];
                for (int e = 0; e < m; e++) {
                    out[e] = out[e] + w0 * s0[e];
                }
            }
        }

        /**
         * Replaces h by σ'(h) (times the output weight for the last layer, giving δ_L) and, below
         * the last layer, stores σ(h) as the next layer's input.
         */
        private void activate(int l, boolean lastLayer, int m) {
            double[][] h = delta[l];
            double[][] a = act[l];
            for (int j = 0; j < widths[l]; j++) {
                double[] hj = h[j];
                double[] aj = lastLayer ? null : a[j];
                double scaleOut = lastLayer ? output[j] : 1.0;
                if (activation == Activation.TANH) {
                    for (int e = 0; e < m; e++) {
                        double t = Activation.tanh(hj[e]);
                        if (aj != null) {
                            aj[e] = t;
                        }
                        double slope = 1.0 - t * t;
                        hj[e] = lastLayer ? scaleOut * slope : slope;
                    }
                } else {
                    for (int e = 0; e < m; e++) {
                        double x = hj[e];
                        double t = activation.value(x);
                        if (aj != null) {
                            aj[e] = t;
                        }
                        double slope = activation.slope(x, t);
                        hj[e] = lastLayer ? scaleOut * slope : slope;
                    }
                }
            }
        }
    }
}
