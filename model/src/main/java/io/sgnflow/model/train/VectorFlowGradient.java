package io.sgnflow.model.train;

import io.sgnflow.model.VectorActivation;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FlowGradient} on the JDK Vector API: the same exact gradient of ½‖z0‖², for VL events at
 * once (VL doubles per vector, 8 with AVX-512), one event per lane. Every scalar of the per-event
 * computation becomes a vector and every per-event array an array of vectors ({@code [i·VL +
 * lane]}); parameters are broadcast; each parameter's gradient is summed per lane and reduced over
 * the lanes, in lane order, once per range. The backward pass is reversible as in {@link
 * FlowGradient} (each leapfrog state is rebuilt from the next by the exact forward step).
 *
 * <p>Used by {@link FlowBatchGradient#create} when the JVM has {@code jdk.incubator.vector}; it
 * agrees with {@link FlowGradient} to rounding (fused multiply-adds, the vector exp in tanh), and
 * tests check it against central finite differences and against {@link FlowGradient}.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class VectorFlowGradient implements FlowBatchGradient {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private final FlowArchitecture arch;
    private final int[] permutation;
    private final int d;
    private final int n;
    private final int m;
    private final Net potential;
    private final Net kinetic;

    /** Per-lane gradient, [parameter · VL + lane]. */
    private final double[] laneGrad;

    private final double[] y;
    private final double[] w;
    private final double[] v;
    private final double[] z;
    private final double[] zBar;
    private final double[] vBar;
    private final double[] wBar;
    private final double[] q;
    private final double[] p;
    private final double[] c;
    private final double[] qBar;
    private final double[] pBar;
    private final double[] cBar;
    private final double[] lane;
    private final double[] force1;
    private final double[] forceT;
    private final double[] force2;
    private final double[] upstream;
    private final Tape tapeV1;
    private final Tape tapeT;
    private final Tape tapeV2;

    VectorFlowGradient(FlowArchitecture arch, int[] permutation) {
        this.arch = arch;
        this.permutation = permutation.clone();
        d = arch.dim();
        n = arch.half();
        m = arch.casimirDim();
        potential = new Net(arch.potential(), arch.potentialOffset(), arch.activation());
        kinetic = new Net(arch.kinetic(), arch.kineticOffset(), arch.activation());
        laneGrad = new double[arch.parameterCount() * VL];
        y = new double[d * VL];
        w = new double[d * VL];
        v = new double[d * VL];
        z = new double[d * VL];
        zBar = new double[d * VL];
        vBar = new double[d * VL];
        wBar = new double[d * VL];
        q = new double[n * VL];
        p = new double[n * VL];
        c = new double[Math.max(1, m) * VL];
        qBar = new double[n * VL];
        pBar = new double[n * VL];
        cBar = new double[Math.max(1, m) * VL];
        lane = new double[VL];
        force1 = new double[n * VL];
        forceT = new double[n * VL];
        force2 = new double[n * VL];
        upstream = new double[n * VL];
        tapeV1 = potential.newTape();
        tapeT = kinetic.newTape();
        tapeV2 = potential.newTape();
    }

    @Override
    public double accumulate(
            double[] params,
            double[][] rows,
            int[] order,
            int from,
            int to,
            double weight,
            double[] grad) {
        Arrays.fill(laneGrad, 0);
        double total = 0;
        for (int start = from; start < to; start += VL) {
            int count = Math.min(VL, to - start);
            total += tile(params, rows, order, start, count, weight);
        }
        // Lanes summed in a fixed order: reduceLanes(ADD) leaves the order open, and its compiled
        // and plain-Java forms differ in the last bits.
        for (int i = 0; i < grad.length; i++) {
            double sum = 0;
            for (int lane = i * VL, end = lane + VL; lane < end; lane++) {
                sum += laneGrad[lane];
            }
            grad[i] += sum;
        }
        return total;
    }

    /** One tile of up to VL events; returns Σ ½‖z0‖² over its events. */
    private double tile(
            double[] params, double[][] rows, int[] order, int start, int count, double weight) {
        // Unused lanes: a zero event with weight 0 contributes nothing and stays finite.
        for (int e = 0; e < VL; e++) {
            double[] row = e < count ? rows[order[start + e]] : null;
            for (int i = 0; i < d; i++) {
                y[i * VL + e] = row == null ? 0 : row[i];
            }
            lane[e] = e < count ? weight : 0;
        }
        DoubleVector weights = DoubleVector.fromArray(S, lane, 0);

        terminalInverse(params);
        for (int i = 0; i < n; i++) {
            copy(z, i, q, i);
            copy(z, n + i, p, i);
        }
        for (int i = 0; i < m; i++) {
            copy(z, 2 * n + i, c, i);
        }
        for (int k = arch.steps() - 1; k >= 0; k--) {
            inverseStep(params, k);
        }
        DoubleVector half = DoubleVector.zero(S);
        for (int i = 0; i < n; i++) {
            DoubleVector qi = load(q, i);
            DoubleVector pi = load(p, i);
            half = qi.fma(qi, half);
            half = pi.fma(pi, half);
        }
        for (int i = 0; i < m; i++) {
            DoubleVector ci = load(c, i);
            half = ci.fma(ci, half);
        }
        half = half.mul(0.5);

        // Seeds: ∂(½‖z0‖²)/∂z0 = z0, times each lane's weight.
        for (int i = 0; i < n; i++) {
            store(load(q, i).mul(weights), qBar, i);
            store(load(p, i).mul(weights), pBar, i);
        }
        for (int i = 0; i < m; i++) {
            store(load(c, i).mul(weights), cBar, i);
        }
        for (int k = 0; k < arch.steps(); k++) {
            backStep(params, k);
        }
        // The rebuilt state is z = g⁻¹(y); its adjoint flows into the terminal map.
        terminalBackward(params);

        half.intoArray(lane, 0);
        double sum = 0;
        for (int e = 0; e < count; e++) {
            sum += lane[e];
        }
        return sum;
    }

    /** z = U⁻¹ L⁻¹ Pᵀ (y − b), keeping w = Pᵀ(y − b) and v = L⁻¹ w. */
    private void terminalInverse(double[] params) {
        int shift = arch.shiftOffset();
        for (int i = 0; i < d; i++) {
            store(load(y, i).sub(params[shift + i]), w, permutation[i]);
        }
        for (int i = 0; i < d; i++) {
            DoubleVector acc = load(w, i);
            int row = arch.lowerIndex(i, 0);
            for (int j = 0; j < i; j++) {
                acc = load(v, j).fma(DoubleVector.broadcast(S, -params[row + j]), acc);
            }
            store(acc, v, i);
        }
        int diag = arch.logDiagOffset();
        for (int i = d - 1; i >= 0; i--) {
            DoubleVector acc = load(v, i);
            for (int j = i + 1; j < d; j++) {
                acc =
                        load(z, j)
                                .fma(
                                        DoubleVector.broadcast(S, -params[arch.upperIndex(i, j)]),
                                        acc);
            }
            store(acc.mul(Math.exp(-params[diag + i])), z, i);
        }
    }

    /**
     * The gradient of z̄·z with respect to L, U, s and b (as {@link
     * io.sgnflow.model.core.TerminalMap#backwardInverse}).
     */
    private void terminalBackward(double[] params) {
        for (int i = 0; i < n; i++) {
            copy(qBar, i, zBar, i);
            copy(pBar, i, zBar, n + i);
        }
        for (int i = 0; i < m; i++) {
            copy(cBar, i, zBar, 2 * n + i);
        }
        int diag = arch.logDiagOffset();
        for (int i = 0; i < d; i++) {
            DoubleVector acc = load(zBar, i);
            for (int j = 0; j < i; j++) {
                acc =
                        load(vBar, j)
                                .fma(
                                        DoubleVector.broadcast(S, -params[arch.upperIndex(j, i)]),
                                        acc);
            }
            store(acc.mul(Math.exp(-params[diag + i])), vBar, i);
        }
        for (int i = 0; i < d; i++) {
            DoubleVector vb = load(vBar, i);
            addGrad(diag + i, vb.mul(load(z, i)).mul(-Math.exp(params[diag + i])));
            for (int j = i + 1; j < d; j++) {
                addGrad(arch.upperIndex(i, j), vb.mul(load(z, j)).neg());
            }
        }
        for (int i = d - 1; i >= 0; i--) {
            DoubleVector acc = load(vBar, i);
            for (int j = i + 1; j < d; j++) {
                acc =
                        load(wBar, j)
                                .fma(
                                        DoubleVector.broadcast(S, -params[arch.lowerIndex(j, i)]),
                                        acc);
            }
            store(acc, wBar, i);
        }
        for (int i = 1; i < d; i++) {
            DoubleVector wb = load(wBar, i);
            int row = arch.lowerIndex(i, 0);
            for (int j = 0; j < i; j++) {
                addGrad(row + j, wb.mul(load(v, j)).neg());
            }
        }
        int shift = arch.shiftOffset();
        for (int i = 0; i < d; i++) {
            addGrad(shift + i, load(wBar, permutation[i]).neg());
        }
    }

    /** Inverse leapfrog step k: p += (ε/2)∇V(q), q −= ε∇T(p), p += (ε/2)∇V(q). */
    private void inverseStep(double[] params, int k) {
        double eps = arch.stepSize(params, k);
        potential.force(params, q, c, force1, tapeV1);
        axpy(0.5 * eps, force1, p);
        kinetic.force(params, p, c, forceT, tapeT);
        axpy(-eps, forceT, q);
        potential.force(params, q, c, force2, tapeV2);
        axpy(0.5 * eps, force2, p);
    }

    /**
     * {@link io.sgnflow.model.core.LeapfrogAdjoint#backStep} for inverse step k (h = −ε_k): rebuild
     * the step's input from its output, then the adjoints of its three shears.
     */
    private void backStep(double[] params, int k) {
        double epsMax = arch.stepSizeMax();
        double sig = Activation.sigmoid(params[arch.stepLogitOffset() + k]);
        double h = -(epsMax * sig);
        double halfH = 0.5 * h;
        potential.force(params, q, c, force2, tapeV2);
        axpy(halfH, force2, p);
        kinetic.force(params, p, c, forceT, tapeT);
        axpy(-h, forceT, q);
        potential.force(params, q, c, force1, tapeV1);
        axpy(halfH, force1, p);

        DoubleVector hBar = DoubleVector.zero(S);
        for (int i = 0; i < n; i++) {
            DoubleVector pb = load(pBar, i);
            hBar = pb.mul(load(force2, i)).fma(DoubleVector.broadcast(S, -0.5), hBar);
            store(pb.mul(-halfH), upstream, i);
        }
        potential.backward(params, tapeV2, upstream, qBar, cBar);
        for (int i = 0; i < n; i++) {
            DoubleVector qb = load(qBar, i);
            hBar = qb.fma(load(forceT, i), hBar);
            store(qb.mul(h), upstream, i);
        }
        kinetic.backward(params, tapeT, upstream, pBar, cBar);
        for (int i = 0; i < n; i++) {
            DoubleVector pb = load(pBar, i);
            hBar = pb.mul(load(force1, i)).fma(DoubleVector.broadcast(S, -0.5), hBar);
            store(pb.mul(-halfH), upstream, i);
        }
        potential.backward(params, tapeV1, upstream, qBar, cBar);
        addGrad(arch.stepLogitOffset() + k, hBar.mul(-epsMax * sig * (1 - sig)));
    }

    private void axpy(double a, double[] x, double[] target) {
        for (int i = 0; i < n; i++) {
            store(load(x, i).fma(DoubleVector.broadcast(S, a), load(target, i)), target, i);
        }
    }

    private void addGrad(int index, DoubleVector value) {
        value.add(DoubleVector.fromArray(S, laneGrad, index * VL)).intoArray(laneGrad, index * VL);
    }

    private static DoubleVector load(double[] a, int i) {
        return DoubleVector.fromArray(S, a, i * VL);
    }

    private static void store(DoubleVector value, double[] a, int i) {
        value.intoArray(a, i * VL);
    }

    private static void copy(double[] from, int i, double[] to, int j) {
        System.arraycopy(from, i * VL, to, j * VL, VL);
    }

    /** Per-tile scratch of one network evaluation (arrays of vectors). */
    private static final class Tape {
        final double[] input;
        final double[] inputBar;
        final double[][] pre;
        final double[][] act;
        final double[][] slope;
        final double[][] delta;
        final double[][] transposed;
        final double[][] deltaBar;
        final double[][] slopeBar;
        final double[][] preBar;
        final double[][] scratch;

        /** For {@link VectorActivation}: as long as the widest layer. */
        final double[] activationScratch;

        /** pre, act and slope of each layer as one-row tables, for {@link VectorActivation}. */
        final double[][][] preRows;

        final double[][][] actRows;
        final double[][][] slopeRows;

        Tape(int inputDim, int[] widths) {
            input = new double[inputDim * VL];
            inputBar = new double[inputDim * VL];
            pre = arrays(widths);
            act = arrays(widths);
            slope = arrays(widths);
            delta = arrays(widths);
            transposed = arrays(widths);
            deltaBar = arrays(widths);
            slopeBar = arrays(widths);
            preBar = arrays(widths);
            scratch = arrays(widths);
            int widest = 0;
            for (int w : widths) {
                widest = Math.max(widest, w);
            }
            activationScratch = new double[widest * VL];
            preRows = new double[widths.length][][];
            actRows = new double[widths.length][][];
            slopeRows = new double[widths.length][][];
            for (int l = 0; l < widths.length; l++) {
                preRows[l] = new double[][] {pre[l]};
                actRows[l] = new double[][] {act[l]};
                slopeRows[l] = new double[][] {slope[l]};
            }
        }

        private static double[][] arrays(int[] widths) {
            double[][] out = new double[widths.length][];
            for (int l = 0; l < widths.length; l++) {
                out[l] = new double[widths[l] * VL];
            }
            return out;
        }
    }

    /**
     * {@link EnergyNetwork}'s force and its double backward pass, lane-parallel; the same
     * operations in the same order as the scalar network, with fused multiply-adds.
     */
    private final class Net {
        private final int offset;
        private final int blockDim;
        private final int casimirDim;
        private final int inputDim;
        private final int[] widths;
        private final int[] weightOffsets;
        private final int[] biasOffsets;
        private final int outputOffset;
        private final Activation activation;

        Net(EnergyNetwork net, int offset, Activation activation) {
            this.offset = offset;
            this.blockDim = n;
            this.casimirDim = m;
            this.inputDim = net.inputDim();
            int layers = net.layers();
            widths = new int[layers];
            weightOffsets = new int[layers];
            biasOffsets = new int[layers];
            for (int l = 0; l < layers; l++) {
                widths[l] = net.width(l);
                weightOffsets[l] = net.weightOffset(l);
                biasOffsets[l] = net.biasOffset(l);
            }
            outputOffset = net.outputOffset();
            this.activation = activation;
        }

        Tape newTape() {
            return new Tape(inputDim, widths);
        }

        /** The force ∇_block f(block, c) for every lane into {@code out}, keeping the tape. */
        void force(double[] params, double[] block, double[] casimir, double[] out, Tape tape) {
            System.arraycopy(block, 0, tape.input, 0, blockDim * VL);
            if (casimirDim > 0) {
                System.arraycopy(casimir, 0, tape.input, blockDim * VL, casimirDim * VL);
            }
            double[] in = tape.input;
            int fan = inputDim;
            int layers = widths.length;
            for (int l = 0; l < layers; l++) {
                int wl = offset + weightOffsets[l];
                int bl = offset + biasOffsets[l];
                double[] pre = tape.pre[l];
                double[] act = tape.act[l];
                double[] slope = tape.slope[l];
                int j = 0;
                for (; j + 3 < widths[l]; j += 4) {
                    int r0 = wl + j * fan;
                    DoubleVector a0 = DoubleVector.broadcast(S, params[bl + j]);
                    DoubleVector a1 = DoubleVector.broadcast(S, params[bl + j + 1]);
                    DoubleVector a2 = DoubleVector.broadcast(S, params[bl + j + 2]);
                    DoubleVector a3 = DoubleVector.broadcast(S, params[bl + j + 3]);
                    for (int k = 0; k < fan; k++) {
                        DoubleVector x = load(in, k);
                        a0 = x.fma(DoubleVector.broadcast(S, params[r0 + k]), a0);
                        a1 = x.fma(DoubleVector.broadcast(S, params[r0 + fan + k]), a1);
                        a2 = x.fma(DoubleVector.broadcast(S, params[r0 + 2 * fan + k]), a2);
                        a3 = x.fma(DoubleVector.broadcast(S, params[r0 + 3 * fan + k]), a3);
                    }
                    store(a0, pre, j);
                    store(a1, pre, j + 1);
                    store(a2, pre, j + 2);
                    store(a3, pre, j + 3);
                }
                for (; j < widths[l]; j++) {
                    int row = wl + j * fan;
                    DoubleVector acc = DoubleVector.broadcast(S, params[bl + j]);
                    for (int k = 0; k < fan; k++) {
                        acc = load(in, k).fma(DoubleVector.broadcast(S, params[row + k]), acc);
                    }
                    store(acc, pre, j);
                }
                VectorActivation.apply(
                        activation,
                        tape.preRows[l],
                        1,
                        widths[l] * VL,
                        null,
                        tape.actRows[l],
                        tape.slopeRows[l],
                        tape.activationScratch);
                in = act;
                fan = widths[l];
            }
            int last = layers - 1;
            int wo = offset + outputOffset;
            for (int j = 0; j < widths[last]; j++) {
                store(load(tape.slope[last], j).mul(params[wo + j]), tape.delta[last], j);
            }
            for (int l = last - 1; l >= 0; l--) {
                transposeTimes(
                        params,
                        offset + weightOffsets[l + 1],
                        widths[l + 1],
                        widths[l],
                        widths[l],
                        tape.delta[l + 1],
                        tape.transposed[l]);
                for (int j = 0; j < widths[l]; j++) {
                    store(
                            load(tape.slope[l], j).mul(load(tape.transposed[l], j)),
                            tape.delta[l],
                            j);
                }
            }
            transposeTimes(
                    params,
                    offset + weightOffsets[0],
                    widths[0],
                    inputDim,
                    blockDim,
                    tape.delta[0],
                    out);
        }

        /** out_col = Σ_row W[row, col] v_row for col &lt; outCols. */
        private void transposeTimes(
                double[] params,
                int at,
                int rows,
                int cols,
                int outCols,
                double[] vec,
                double[] out) {
            int col = 0;
            for (; col + 3 < outCols; col += 4) {
                DoubleVector a0 = DoubleVector.zero(S);
                DoubleVector a1 = a0;
                DoubleVector a2 = a0;
                DoubleVector a3 = a0;
                for (int r = 0; r < rows; r++) {
                    DoubleVector x = load(vec, r);
                    int base = at + r * cols + col;
                    a0 = x.fma(DoubleVector.broadcast(S, params[base]), a0);
                    a1 = x.fma(DoubleVector.broadcast(S, params[base + 1]), a1);
                    a2 = x.fma(DoubleVector.broadcast(S, params[base + 2]), a2);
                    a3 = x.fma(DoubleVector.broadcast(S, params[base + 3]), a3);
                }
                store(a0, out, col);
                store(a1, out, col + 1);
                store(a2, out, col + 2);
                store(a3, out, col + 3);
            }
            for (; col < outCols; col++) {
                DoubleVector acc = DoubleVector.zero(S);
                for (int r = 0; r < rows; r++) {
                    acc =
                            load(vec, r)
                                    .fma(
                                            DoubleVector.broadcast(S, params[at + r * cols + col]),
                                            acc);
                }
                store(acc, out, col);
            }
        }

        /**
         * Differentiates L = g·∇_block f at the tape's input: adds ∂L/∂θ to the lane gradients,
         * ∂L/∂block to {@code blockBar} and ∂L/∂c to {@code casimirBar} (as {@link
         * EnergyNetwork#backward}).
         */
        void backward(
                double[] params, Tape tape, double[] g, double[] blockBar, double[] casimirBar) {
            int layers = widths.length;
            int last = layers - 1;
            int w0 = offset + weightOffsets[0];
            double[] delta0 = tape.delta[0];
            double[] deltaBar0 = tape.deltaBar[0];
            for (int j = 0; j < widths[0]; j++) {
                int row = w0 + j * inputDim;
                DoubleVector acc = DoubleVector.zero(S);
                DoubleVector dj = load(delta0, j);
                for (int k = 0; k < blockDim; k++) {
                    DoubleVector gk = load(g, k);
                    acc = gk.fma(DoubleVector.broadcast(S, params[row + k]), acc);
                    addGrad(row + k, dj.mul(gk));
                }
                store(acc, deltaBar0, j);
            }
            for (int l = 0; l < last; l++) {
                double[] deltaBar = tape.deltaBar[l];
                double[] t = tape.transposed[l];
                double[] slope = tape.slope[l];
                double[] slopeBar = tape.slopeBar[l];
                double[] tBar = tape.scratch[l];
                for (int j = 0; j < widths[l]; j++) {
                    DoubleVector db = load(deltaBar, j);
                    store(db.mul(load(t, j)), slopeBar, j);
                    store(db.mul(load(slope, j)), tBar, j);
                }
                int wl = offset + weightOffsets[l + 1];
                double[] deltaNext = tape.delta[l + 1];
                double[] deltaBarNext = tape.deltaBar[l + 1];
                int fan = widths[l];
                for (int i = 0; i < widths[l + 1]; i++) {
                    int row = wl + i * fan;
                    DoubleVector acc = DoubleVector.zero(S);
                    DoubleVector di = load(deltaNext, i);
                    for (int j = 0; j < fan; j++) {
                        DoubleVector tb = load(tBar, j);
                        acc = tb.fma(DoubleVector.broadcast(S, params[row + j]), acc);
                        addGrad(row + j, di.mul(tb));
                    }
                    store(acc, deltaBarNext, i);
                }
            }
            {
                double[] deltaBar = tape.deltaBar[last];
                double[] slope = tape.slope[last];
                double[] slopeBar = tape.slopeBar[last];
                int wo = offset + outputOffset;
                for (int j = 0; j < widths[last]; j++) {
                    DoubleVector db = load(deltaBar, j);
                    store(db.mul(params[wo + j]), slopeBar, j);
                    addGrad(wo + j, db.mul(load(slope, j)));
                }
            }
            for (int l = 0; l < layers; l++) {
                VectorActivation.curvature(
                        activation,
                        tape.pre[l],
                        tape.act[l],
                        tape.slope[l],
                        tape.slopeBar[l],
                        tape.preBar[l],
                        widths[l] * VL,
                        tape.activationScratch);
            }
            for (int l = last; l >= 0; l--) {
                double[] hBar = tape.preBar[l];
                double[] input = l == 0 ? tape.input : tape.act[l - 1];
                int fan = l == 0 ? inputDim : widths[l - 1];
                int wl = offset + weightOffsets[l];
                int bl = offset + biasOffsets[l];
                double[] inputBar = l == 0 ? tape.inputBar : tape.scratch[l - 1];
                Arrays.fill(inputBar, 0, fan * VL, 0);
                for (int j = 0; j < widths[l]; j++) {
                    DoubleVector hb = load(hBar, j);
                    addGrad(bl + j, hb);
                    int row = wl + j * fan;
                    for (int k = 0; k < fan; k++) {
                        addGrad(row + k, hb.mul(load(input, k)));
                        store(
                                hb.fma(
                                        DoubleVector.broadcast(S, params[row + k]),
                                        load(inputBar, k)),
                                inputBar,
                                k);
                    }
                }
                if (l > 0) {
                    double[] prevBar = tape.preBar[l - 1];
                    double[] prevSlope = tape.slope[l - 1];
                    for (int k = 0; k < fan; k++) {
                        store(
                                load(inputBar, k).fma(load(prevSlope, k), load(prevBar, k)),
                                prevBar,
                                k);
                    }
                }
            }
            for (int k = 0; k < blockDim; k++) {
                store(load(blockBar, k).add(load(tape.inputBar, k)), blockBar, k);
            }
            for (int k = 0; k < casimirDim; k++) {
                store(load(casimirBar, k).add(load(tape.inputBar, blockDim + k)), casimirBar, k);
            }
        }
    }
}
