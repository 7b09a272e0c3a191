package io.sgnflow.model;

import io.sgnflow.model.core.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations of {@link Activation} and their first two derivatives over whole layers, on the
 * JDK Vector API, for the SIMD kernels of scoring and training. tanh is (e − 1)/(e + 1) with e =
 * exp(2x), x clamped to ±20, as {@link Activation#tanh}; the sigmoid is 1/(1 + e^−x). Each
 * operation runs as passes over arrays: the exp argument into {@code scratch}, {@link
 * VectorMath#exp} over all of it, then the values and slopes. So results do not depend on the JIT
 * (see {@link VectorMath}), and no vector crosses a method boundary: each pass is a small method
 * whose vector operations the JIT inlines completely, at a call depth that stays the same whatever
 * the kernel around it (one method doing all of it was too big or too deep to compile without
 * boxing vectors). Lengths are whole vectors of the preferred species; {@code scratch} holds at
 * least rows · len elements and aliases nothing else. Only the SIMD kernels load this class.
 * Stateless and thread-safe.
 */
public final class VectorActivation {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private VectorActivation() {}

    /**
     * For each row r < rows and i in [0, len): act[r][i] = σ(h[r][i]) (unless act is null) and
     * slope[r][i] = scale_r·σ'(h[r][i]) (unless slope is null), with scale_r = scales[r], or 1 when
     * scales is null. Either output may be {@code h} itself.
     */
    public static void apply(
            Activation activation,
            double[][] h,
            int rows,
            int len,
            double[] scales,
            double[][] act,
            double[][] slope,
            double[] scratch) {
        int n = rows * len;
        switch (activation) {
            case TANH -> tanhArgument(h, rows, len, scratch);
            case SILU -> negated(h, rows, len, false, scratch);
            case SOFTPLUS -> negated(h, rows, len, true, scratch);
        }
        VectorMath.exp(scratch, 0, n);
        switch (activation) {
            case TANH -> tanhFinish(scratch, rows, len, scales, act, slope);
            case SILU -> siluFinish(h, scratch, rows, len, scales, act, slope);
            case SOFTPLUS -> {
                softplusSlopeAndPositivePart(h, scratch, rows, len, scales, act, slope);
                if (act != null) {
                    VectorMath.log1pUnit(scratch, 0, n);
                    addInto(scratch, rows, len, act);
                }
            }
        }
    }

    /**
     * preBar[i] = slopeBar[i]·σ''(pre[i]) for i in [0, len), given act = σ(pre) and slope = σ'(pre)
     * (unscaled), as {@link Activation#curvature(double, double, double)}.
     */
    public static void curvature(
            Activation activation,
            double[] pre,
            double[] act,
            double[] slope,
            double[] slopeBar,
            double[] preBar,
            int len,
            double[] scratch) {
        switch (activation) {
            case TANH -> tanhCurvature(act, slope, slopeBar, preBar, len);
            case SOFTPLUS -> softplusCurvature(slope, slopeBar, preBar, len);
            case SILU -> {
                for (int at = 0; at < len; at += VL) {
                    DoubleVector.fromArray(S, pre, at).neg().intoArray(scratch, at);
                }
                VectorMath.exp(scratch, 0, len);
                siluCurvature(pre, scratch, slopeBar, preBar, len);
            }
        }
    }

    private static void tanhArgument(double[][] h, int rows, int len, double[] out) {
        for (int r = 0, base = 0; r < rows; r++, base += len) {
            for (int at = 0; at < len; at += VL) {
                DoubleVector.fromArray(S, h[r], at)
                        .max(-20.0)
                        .min(20.0)
                        .mul(2.0)
                        .intoArray(out, base + at);
            }
        }
    }

    /** −x, or −|x| with {@code abs}. */
    private static void negated(double[][] h, int rows, int len, boolean abs, double[] out) {
        for (int r = 0, base = 0; r < rows; r++, base += len) {
            for (int at = 0; at < len; at += VL) {
                DoubleVector x = DoubleVector.fromArray(S, h[r], at);
                (abs ? x.abs() : x).neg().intoArray(out, base + at);
            }
        }
    }

    private static void tanhFinish(
            double[] exp, int rows, int len, double[] scales, double[][] act, double[][] slope) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int r = 0, base = 0; r < rows; r++, base += len) {
            double scale = scales == null ? 1.0 : scales[r];
            for (int at = 0; at < len; at += VL) {
                DoubleVector e = DoubleVector.fromArray(S, exp, base + at);
                DoubleVector value = e.sub(1.0).div(e.add(1.0));
                if (act != null) {
                    value.intoArray(act[r], at);
                }
                if (slope != null) {
                    value.neg().fma(value, one).mul(scale).intoArray(slope[r], at);
                }
            }
        }
    }

    private static void siluFinish(
            double[][] h,
            double[] exp,
            int rows,
            int len,
            double[] scales,
            double[][] act,
            double[][] slope) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int r = 0, base = 0; r < rows; r++, base += len) {
            double scale = scales == null ? 1.0 : scales[r];
            for (int at = 0; at < len; at += VL) {
                DoubleVector x = DoubleVector.fromArray(S, h[r], at);
                DoubleVector s = one.div(DoubleVector.fromArray(S, exp, base + at).add(1.0));
                DoubleVector value = x.mul(s);
                if (act != null) {
                    value.intoArray(act[r], at);
                }
                if (slope != null) {
                    // s + x·s·(1 − s), with x·s = σ(x)
                    value.mul(s.neg().add(1.0)).add(s).mul(scale).intoArray(slope[r], at);
                }
            }
        }
    }

    /**
     * From e = e^−|x|: slope = scale·sigmoid(x) and act = max(x, 0), in one pass so that either may
     * overwrite h; log1p(e) is added to act afterwards.
     */
    private static void softplusSlopeAndPositivePart(
            double[][] h,
            double[] exp,
            int rows,
            int len,
            double[] scales,
            double[][] act,
            double[][] slope) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int r = 0, base = 0; r < rows; r++, base += len) {
            double scale = scales == null ? 1.0 : scales[r];
            for (int at = 0; at < len; at += VL) {
                DoubleVector x = DoubleVector.fromArray(S, h[r], at);
                DoubleVector e = DoubleVector.fromArray(S, exp, base + at);
                if (slope != null) {
                    DoubleVector q = one.div(e.add(1.0));
                    q.blend(e.mul(q), x.lt(0.0)).mul(scale).intoArray(slope[r], at);
                }
                if (act != null) {
                    x.max(0.0).intoArray(act[r], at);
                }
            }
        }
    }

    private static void addInto(double[] flat, int rows, int len, double[][] out) {
        for (int r = 0, base = 0; r < rows; r++, base += len) {
            for (int at = 0; at < len; at += VL) {
                DoubleVector.fromArray(S, flat, base + at)
                        .add(DoubleVector.fromArray(S, out[r], at))
                        .intoArray(out[r], at);
            }
        }
    }

    private static void tanhCurvature(
            double[] act, double[] slope, double[] slopeBar, double[] preBar, int len) {
        for (int at = 0; at < len; at += VL) {
            DoubleVector.fromArray(S, act, at)
                    .mul(DoubleVector.fromArray(S, slope, at))
                    .mul(-2.0)
                    .mul(DoubleVector.fromArray(S, slopeBar, at))
                    .intoArray(preBar, at);
        }
    }

    private static void softplusCurvature(
            double[] slope, double[] slopeBar, double[] preBar, int len) {
        for (int at = 0; at < len; at += VL) {
            DoubleVector s = DoubleVector.fromArray(S, slope, at);
            s.mul(s.neg().add(1.0))
                    .mul(DoubleVector.fromArray(S, slopeBar, at))
                    .intoArray(preBar, at);
        }
    }

    /** s(1 − s)(2 + x(1 − 2s)) with s = 1/(1 + e), e = e^−x. */
    private static void siluCurvature(
            double[] pre, double[] exp, double[] slopeBar, double[] preBar, int len) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int at = 0; at < len; at += VL) {
            DoubleVector x = DoubleVector.fromArray(S, pre, at);
            DoubleVector s = one.div(DoubleVector.fromArray(S, exp, at).add(1.0));
            s.mul(s.neg().add(1.0))
                    .mul(x.mul(s.mul(-2.0).add(1.0)).add(2.0))
                    .mul(DoubleVector.fromArray(S, slopeBar, at))
                    .intoArray(preBar, at);
        }
    }
}
