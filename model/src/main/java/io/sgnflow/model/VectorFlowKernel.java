package io.sgnflow.model;

import jdk.incubator.vector.DoubleVector;
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
    private final VectorForceNet potential;
    private final VectorForceNet kinetic;

    /** Single-event state z = (q, p, c) and force. */
    private final double[] z1;

    private final double[] force1;

    VectorFlowKernel(FlowKernelParameters kp, int tileEvents) {
        this.kp = kp;
        dim = kp.dim;
        half = kp.half;
        columns = Math.max(1, Math.min(VectorForceNet.MAX_COLUMNS, (tileEvents + VL - 1) / VL));
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
        force1 = new double[VectorForceNet.padded(half)];
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
        potential = new VectorForceNet(kp.potential, half, kp.activation, qRows, tile);
        kinetic = new VectorForceNet(kp.kinetic, half, kp.activation, pRows, tile);
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
            VectorForceNet.shear(z, half, half, force, kp.kicks[s], nv);
            if (s == steps) {
                break;
            }
            kinetic.force(nv, force);
            VectorForceNet.shear(z, 0, half, force, kp.drifts[s], nv);
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
            out[start + e] = SgnFlowModel.bounded(kp.constantLogDet - 0.5 * squared[e]);
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
        return SgnFlowModel.bounded(kp.constantLogDet - 0.5 * sq);
    }

    private double standardise(double[] x, int i) {
        return (x[i] - kp.mean[i]) / kp.scale[i] - kp.shift[i];
    }

    private static double[] negate(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = -values[i];
        }
        return out;
    }
}
