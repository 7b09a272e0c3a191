package io.sgnflow.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and log1p over a range of an array, in place, from additions, multiplications, fused
 * multiply-adds and integer bit operations only, so that every element comes out the same to the
 * bit whether the JIT has compiled the Vector API into SIMD instructions or it still runs as plain
 * Java. The Vector API's own {@code EXP} and {@code LOG1P} call one implementation when compiled
 * and another before, which made scores depend on how warm the JVM was and training with a fixed
 * seed not repeat. Both are within 2 ulp of {@link Math#exp} and {@link Math#log1p}.
 *
 * <p>They work on arrays, not on vectors, on purpose: a method that takes or returns a vector is
 * only fast when the JIT inlines it, and these series are too big for its inlining limits inside
 * the kernels; a loop over an array is compiled on its own and never boxes a vector. Ranges are
 * whole vectors of the preferred species ({@code to − from} a multiple of its length). Stateless
 * and thread-safe.
 */
public final class VectorMath {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final double INV_LN2 = 1.4426950408889634;
    // ln 2 split so that k · LN2_HI is exact for every |k| ≤ 1100.
    private static final double LN2_HI = 0.6931471803691238;
    private static final double LN2_LO = 1.9082149292705877e-10;
    // Adding 1.5 · 2^52 rounds to an integer in the low mantissa bits (round to nearest).
    private static final double SHIFTER = 6755399441055744.0;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    private static final double EXP_MIN = -708.0;
    private static final double EXP_MAX = 709.0;

    /** 1/n! for n = 0..13. */
    private static final double[] EXP_TAYLOR = new double[14];

    /** 1/(2n + 1) for n = 0..17. */
    private static final double[] ATANH_SERIES = new double[18];

    static {
        double factorial = 1;
        for (int n = 0; n < EXP_TAYLOR.length; n++) {
            factorial *= Math.max(n, 1);
            EXP_TAYLOR[n] = 1 / factorial;
        }
        for (int n = 0; n < ATANH_SERIES.length; n++) {
            ATANH_SERIES[n] = 1.0 / (2 * n + 1);
        }
    }

    private VectorMath() {}

    /**
     * a[i] = e^a[i] for i in [from, to), with the argument clamped to [−708, 709] (so results stay
     * normal doubles; NaN stays NaN). x = k·ln 2 + r with |r| ≤ ½ ln 2; e^r by its Taylor series to
     * r^13 (truncation below 1e-17 relative); 2^k written into the exponent bits.
     */
    public static void exp(double[] a, int from, int to) {
        DoubleVector invLn2 = DoubleVector.broadcast(S, INV_LN2);
        DoubleVector shifter = DoubleVector.broadcast(S, SHIFTER);
        DoubleVector negLn2Hi = DoubleVector.broadcast(S, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(S, -LN2_LO);
        int top = EXP_TAYLOR.length - 1;
        for (int at = from; at < to; at += VL) {
            DoubleVector x = DoubleVector.fromArray(S, a, at).max(EXP_MIN).min(EXP_MAX);
            DoubleVector shifted = x.fma(invLn2, shifter);
            DoubleVector k = shifted.sub(SHIFTER);
            DoubleVector r = k.fma(negLn2Hi, x);
            r = k.fma(negLn2Lo, r);
            DoubleVector p = DoubleVector.broadcast(S, EXP_TAYLOR[top]);
            for (int n = top - 1; n >= 0; n--) {
                p = p.fma(r, DoubleVector.broadcast(S, EXP_TAYLOR[n]));
            }
            DoubleVector scale =
                    ((LongVector) shifted.reinterpretAsLongs())
                            .sub(SHIFTER_BITS)
                            .add(1023L)
                            .lanewise(VectorOperators.LSHL, 52)
                            .reinterpretAsDoubles();
            p.mul(scale).intoArray(a, at);
        }
    }

    /**
     * a[i] = log(1 + a[i]) for i in [from, to), for arguments in [0, 1] (as softplus needs it,
     * e^−|x|): 2·atanh(s) with s = y/(2 + y) ≤ 1/3, summed to s^35 (truncation below 2e-18
     * relative).
     */
    public static void log1pUnit(double[] a, int from, int to) {
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        int top = ATANH_SERIES.length - 1;
        for (int at = from; at < to; at += VL) {
            DoubleVector y = DoubleVector.fromArray(S, a, at);
            // s = y/(2 + y) with the rounding error of 2 + y folded back in (exact, as 2 ≥ y).
            DoubleVector u = y.add(two);
            DoubleVector uError = two.sub(u).add(y);
            DoubleVector s = y.div(u);
            s = s.sub(s.mul(uError).div(u));
            DoubleVector s2 = s.mul(s);
            // 2s + 2s·s²·(1/3 + s²/5 + …): the small tail carries the rounding, 2s is exact.
            DoubleVector q = DoubleVector.broadcast(S, ATANH_SERIES[top]);
            for (int n = top - 1; n >= 1; n--) {
                q = q.fma(s2, DoubleVector.broadcast(S, ATANH_SERIES[n]));
            }
            DoubleVector twoS = s.mul(2.0);
            twoS.fma(s2.mul(q), twoS).intoArray(a, at);
        }
    }
}
