package io.sgnflow.model;

import io.sgnflow.model.core.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations of {@link Activation} and their first two derivatives over a range of an array,
 * on the JDK Vector API, for the SIMD kernels of scoring and training. tanh is (e − 1)/(e + 1) with
 * e = exp(2x), x clamped to ±20, as {@link Activation#tanh}; the sigmoid is 1/(1 + e^−x). Each
 * operation is a few passes over the range with {@link VectorMath}'s exp (and log1p) in between, so
 * results do not depend on the JIT (see there) and no vector crosses a method boundary. Ranges are
 * whole vectors of the preferred species; {@code scratch} holds at least {@code to} elements and
 * aliases nothing else. Only the SIMD kernels load this class. Stateless and thread-safe.
 */
public final class VectorActivation {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private VectorActivation() {}

    /**
     * For i in [from, to): act[i] = σ(h[i]) (unless act is null) and slope[i] = scale·σ'(h[i])
     * (unless slope is null). Either output may be {@code h} itself.
     */
    public static void apply(
            Activation activation,
            double[] h,
            int from,
            int to,
            double scale,
            double[] act,
            double[] slope,
            double[] scratch) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        switch (activation) {
            case TANH -> {
                for (int at = from; at < to; at += VL) {
                    DoubleVector.fromArray(S, h, at)
                            .max(-20.0)
                            .min(20.0)
                            .mul(2.0)
                            .intoArray(scratch, at);
                }
                VectorMath.exp(scratch, from, to);
                for (int at = from; at < to; at += VL) {
                    DoubleVector e = DoubleVector.fromArray(S, scratch, at);
                    DoubleVector value = e.sub(1.0).div(e.add(1.0));
                    if (act != null) {
                        value.intoArray(act, at);
                    }
                    if (slope != null) {
                        value.neg().fma(value, one).mul(scale).intoArray(slope, at);
                    }
                }
            }
            case SILU -> {
                negate(h, from, to, scratch);
                VectorMath.exp(scratch, from, to);
                for (int at = from; at < to; at += VL) {
                    DoubleVector x = DoubleVector.fromArray(S, h, at);
                    DoubleVector s = one.div(DoubleVector.fromArray(S, scratch, at).add(1.0));
                    DoubleVector value = x.mul(s);
                    if (act != null) {
                        value.intoArray(act, at);
                    }
                    if (slope != null) {
                        // s + x·s·(1 − s), with x·s = σ(x)
                        value.mul(s.neg().add(1.0)).add(s).mul(scale).intoArray(slope, at);
                    }
                }
            }
            case SOFTPLUS -> {
                for (int at = from; at < to; at += VL) {
                    DoubleVector.fromArray(S, h, at).abs().neg().intoArray(scratch, at);
                }
                VectorMath.exp(scratch, from, to);
                // σ(x) from e = e^−|x|, then the positive part of x, before either output
                // overwrites h; log1p(e) is added to the positive part afterwards.
                for (int at = from; at < to; at += VL) {
                    DoubleVector x = DoubleVector.fromArray(S, h, at);
                    DoubleVector e = DoubleVector.fromArray(S, scratch, at);
                    if (slope != null) {
                        DoubleVector r = one.div(e.add(1.0));
                        r.blend(e.mul(r), x.lt(0.0)).mul(scale).intoArray(slope, at);
                    }
                    if (act != null) {
                        x.max(0.0).intoArray(act, at);
                    }
                }
                if (act != null) {
                    VectorMath.log1pUnit(scratch, from, to);
                    for (int at = from; at < to; at += VL) {
                        DoubleVector.fromArray(S, scratch, at)
                                .add(DoubleVector.fromArray(S, act, at))
                                .intoArray(act, at);
                    }
                }
            }
        }
    }

    /**
     * preBar[i] = slopeBar[i]·σ''(pre[i]) for i in [from, to), given act = σ(pre) and slope =
     * σ'(pre) (unscaled), as {@link Activation#curvature(double, double, double)}.
     */
    public static void curvature(
            Activation activation,
            double[] pre,
            double[] act,
            double[] slope,
            double[] slopeBar,
            double[] preBar,
            int from,
            int to,
            double[] scratch) {
        switch (activation) {
            case TANH -> {
                for (int at = from; at < to; at += VL) {
                    DoubleVector.fromArray(S, act, at)
                            .mul(DoubleVector.fromArray(S, slope, at))
                            .mul(-2.0)
                            .mul(DoubleVector.fromArray(S, slopeBar, at))
                            .intoArray(preBar, at);
                }
            }
            case SOFTPLUS -> {
                for (int at = from; at < to; at += VL) {
                    DoubleVector s = DoubleVector.fromArray(S, slope, at);
                    s.mul(s.neg().add(1.0))
                            .mul(DoubleVector.fromArray(S, slopeBar, at))
                            .intoArray(preBar, at);
                }
            }
            case SILU -> {
                negate(pre, from, to, scratch);
                VectorMath.exp(scratch, from, to);
                DoubleVector one = DoubleVector.broadcast(S, 1.0);
                for (int at = from; at < to; at += VL) {
                    DoubleVector x = DoubleVector.fromArray(S, pre, at);
                    DoubleVector s = one.div(DoubleVector.fromArray(S, scratch, at).add(1.0));
                    // s(1 − s)(2 + x(1 − 2s))
                    s.mul(s.neg().add(1.0))
                            .mul(x.mul(s.mul(-2.0).add(1.0)).add(2.0))
                            .mul(DoubleVector.fromArray(S, slopeBar, at))
                            .intoArray(preBar, at);
                }
            }
        }
    }

    private static void negate(double[] h, int from, int to, double[] out) {
        for (int at = from; at < to; at += VL) {
            DoubleVector.fromArray(S, h, at).neg().intoArray(out, at);
        }
    }
}
