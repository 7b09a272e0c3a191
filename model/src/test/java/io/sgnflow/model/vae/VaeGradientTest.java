package io.sgnflow.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.core.Activation;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN §5 contract 5 for SGN-VAE: the hand-written gradient of −w (decoder, latent leapfrog core
 * run backwards reversibly, reparameterised encoder) matches central finite differences.
 */
class VaeGradientTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(5, 2, 1, Activation.TANH, new int[] {6}, new int[] {4}),
                Arguments.of(5, 3, 3, Activation.TANH, new int[] {6}, new int[] {}),
                Arguments.of(4, 6, 4, Activation.SOFTPLUS, new int[] {5, 4}, new int[] {5}),
                Arguments.of(7, 3, 8, Activation.SILU, new int[] {6}, new int[] {3, 4}));
    }

    @ParameterizedTest(name = "D={0}, L={1}, K={2}, {3}")
    @MethodSource("shapes")
    void gradientMatchesCentralFiniteDifferences(
            int dim, int latent, int steps, Activation act, int[] encoder, int[] decoder) {
        VaeArchitecture arch = TestVaes.architecture(dim, latent, steps, act, encoder, decoder);
        Random random = new Random(21);
        double[] params = TestVaes.randomParameters(arch, random);
        double[][] ys = gaussianRows(random, 3, dim);
        double[][] eps = gaussianRows(random, 3, latent);
        boolean[] frozen = new boolean[dim];
        frozen[dim - 1] = true;
        double[] grad = new double[params.length];
        VaeEvaluator evaluator = new VaeEvaluator(arch);

        for (int r = 0; r < ys.length; r++) {
            evaluator.encode(params, ys[r]);
            evaluator.logWeight(params, eps[r]);
            evaluator.backward(params, 1.0 / ys.length, frozen, grad);
        }

        double h = 1e-6;
        double diffSq = 0;
        double normSq = 0;
        int frozenScale = arch.logScaleOffset() + dim - 1;
        for (int i = 0; i < params.length; i++) {
            if (i == frozenScale) {
                assertThat(grad[i]).as("frozen decoder scale").isZero();
                continue;
            }
            double saved = params[i];
            params[i] = saved + h;
            double lp = loss(arch, params, ys, eps);
            params[i] = saved - h;
            double lm = loss(arch, params, ys, eps);
            params[i] = saved;
            double fd = (lp - lm) / (2 * h);
            diffSq += (grad[i] - fd) * (grad[i] - fd);
            normSq += fd * fd;
            assertThat(Math.abs(grad[i] - fd))
                    .as("parameter %d: analytic %s, finite difference %s", i, grad[i], fd)
                    .isLessThanOrEqualTo(1e-5 * Math.max(1.0, Math.abs(fd)));
        }
        assertThat(normSq).isGreaterThan(0);
        assertThat(Math.sqrt(diffSq / normSq)).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void everyPartOfTheModelGetsAGradient() {
        VaeArchitecture arch =
                TestVaes.architecture(5, 4, 2, Activation.TANH, new int[] {6}, new int[] {4});
        Random random = new Random(22);
        double[] params = TestVaes.randomParameters(arch, random);
        double[] grad = new double[params.length];
        VaeEvaluator evaluator = new VaeEvaluator(arch);

        evaluator.encode(params, gaussianRows(random, 1, 5)[0]);
        evaluator.logWeight(params, gaussianRows(random, 1, 4)[0]);
        evaluator.backward(params, 1.0, null, grad);

        assertThat(anyNonZero(grad, 0, arch.core().stepLogitOffset())).as("core networks").isTrue();
        assertThat(
                        anyNonZero(
                                grad,
                                arch.core().stepLogitOffset(),
                                arch.core().coreParameterCount()))
                .as("step logits")
                .isTrue();
        assertThat(anyNonZero(grad, arch.encoderOffset(), arch.decoderOffset()))
                .as("encoder")
                .isTrue();
        assertThat(anyNonZero(grad, arch.decoderOffset(), arch.logScaleOffset()))
                .as("decoder")
                .isTrue();
        assertThat(anyNonZero(grad, arch.logScaleOffset(), arch.parameterCount()))
                .as("decoder scales")
                .isTrue();
    }

    /** Mean −w over the rows, by the plain forward path. */
    private static double loss(
            VaeArchitecture arch, double[] params, double[][] ys, double[][] eps) {
        VaeEvaluator evaluator = new VaeEvaluator(arch);
        double sum = 0;
        for (int r = 0; r < ys.length; r++) {
            evaluator.encode(params, ys[r]);
            sum -= evaluator.logWeight(params, eps[r]);
        }
        return sum / ys.length;
    }

    private static boolean anyNonZero(double[] values, int from, int to) {
        for (int i = from; i < to; i++) {
            if (values[i] != 0) {
                return true;
            }
        }
        return false;
    }

    static double[][] gaussianRows(Random random, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int i = 0; i < cols; i++) {
                row[i] = random.nextGaussian();
            }
        }
        return out;
    }
}
