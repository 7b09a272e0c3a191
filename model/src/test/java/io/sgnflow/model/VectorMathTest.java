package io.sgnflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** {@link VectorMath} against {@link Math}: within 2 ulp over the ranges the kernels use. */
class VectorMathTest {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private interface InPlace {
        void apply(double[] a, int from, int to);
    }

    /**
     * f on a vector of x in the middle of a longer array, whose other elements it must not touch.
     */
    private static double[] lanes(InPlace f, double x) {
        int vl = S.length();
        double[] a = new double[3 * vl];
        java.util.Arrays.fill(a, 0.25);
        java.util.Arrays.fill(a, vl, 2 * vl, x);
        f.apply(a, vl, 2 * vl);
        for (int i = 0; i < vl; i++) {
            assertThat(a[i]).isEqualTo(0.25);
            assertThat(a[2 * vl + i]).isEqualTo(0.25);
        }
        return java.util.Arrays.copyOfRange(a, vl, 2 * vl);
    }

    private static void assertWithinUlps(double actual, double expected, double ulps, double x) {
        assertThat(Math.abs(actual - expected))
                .as("at x = %s: %s vs %s", x, actual, expected)
                .isLessThanOrEqualTo(ulps * Math.ulp(expected));
    }

    @Test
    void expIsWithinTwoUlpsOfMathExpAcrossTheNormalRange() {
        Random random = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            double x = -708 + 1417 * random.nextDouble();
            if (i % 4 == 0) {
                x = 40 * random.nextGaussian(); // where the activations live
            }
            double expected = Math.exp(x);
            for (double lane : lanes(VectorMath::exp, x)) {
                assertWithinUlps(lane, expected, 2, x);
            }
        }
        assertThat(lanes(VectorMath::exp, 0)[0]).isEqualTo(1.0);
        assertWithinUlps(lanes(VectorMath::exp, 1)[0], Math.E, 1, 1);
    }

    @Test
    void expClampsToTheNormalRangeAndKeepsNaN() {
        assertThat(lanes(VectorMath::exp, 1e6)[0]).isEqualTo(lanes(VectorMath::exp, 709)[0]);
        assertThat(lanes(VectorMath::exp, 1e6)[0]).isFinite();
        assertThat(lanes(VectorMath::exp, Double.NEGATIVE_INFINITY)[0])
                .isEqualTo(lanes(VectorMath::exp, -708)[0])
                .isGreaterThanOrEqualTo(Double.MIN_NORMAL);
        assertThat(lanes(VectorMath::exp, Double.NaN)[0]).isNaN();
    }

    @Test
    void log1pIsWithinTwoUlpsOfMathLog1pOnTheUnitInterval() {
        Random random = new Random(4);
        for (int i = 0; i < 50_000; i++) {
            double y = i % 3 == 0 ? Math.exp(-700 * random.nextDouble()) : random.nextDouble();
            double expected = Math.log1p(y);
            for (double lane : lanes(VectorMath::log1pUnit, y)) {
                assertWithinUlps(lane, expected, 2, y);
            }
        }
        assertThat(lanes(VectorMath::log1pUnit, 0)[0]).isEqualTo(0.0);
        assertWithinUlps(lanes(VectorMath::log1pUnit, 1)[0], Math.log(2), 1, 1);
    }
}
