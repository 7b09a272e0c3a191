package io.sgnflow.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.core.TerminalMap;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN §5 contract 5: parameter gradients match central finite differences. */
class FlowGradientTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(4, 1, Activation.TANH, new int[] {6}),
                Arguments.of(5, 3, Activation.TANH, new int[] {6}),
                Arguments.of(6, 4, Activation.SOFTPLUS, new int[] {5, 4}),
                Arguments.of(7, 8, Activation.SILU, new int[] {6}),
                Arguments.of(3, 2, Activation.TANH, new int[] {4, 3, 3}));
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2}")
    @MethodSource("shapes")
    void gradientMatchesCentralFiniteDifferences(int dim, int steps, Activation act, int[] hidden) {
        FlowArchitecture arch = TestModels.architecture(dim, steps, act, hidden);
        Random random = new Random(11);
        double[] params = TestModels.randomParameters(arch, random);
        int[] perm = TestModels.shuffled(dim, random);
        double[][] batch = new double[3][dim];
        for (double[] y : batch) {
            for (int i = 0; i < dim; i++) {
                y[i] = random.nextGaussian();
            }
        }
        double[] grad = new double[params.length];
        FlowGradient gradient = new FlowGradient(arch, perm);

        for (double[] y : batch) {
            gradient.accumulate(params, y, 1.0 / batch.length, grad);
        }

        double h = 1e-6;
        double diffSq = 0;
        double normSq = 0;
        for (int i = 0; i < params.length; i++) {
            double saved = params[i];
            params[i] = saved + h;
            double lp = loss(arch, perm, params, batch);
            params[i] = saved - h;
            double lm = loss(arch, perm, params, batch);
            params[i] = saved;
            double fd = (lp - lm) / (2 * h);
            diffSq += (grad[i] - fd) * (grad[i] - fd);
            normSq += fd * fd;
            assertThat(Math.abs(grad[i] - fd))
                    .as("parameter %d: analytic %s, finite difference %s", i, grad[i], fd)
                    .isLessThanOrEqualTo(1e-5 * Math.max(1.0, Math.abs(fd)));
        }
        assertThat(Math.sqrt(diffSq / normSq)).isLessThanOrEqualTo(1e-5);
        assertThat(normSq).isGreaterThan(0);
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2}")
    @MethodSource("shapes")
    void trainingGradientIsThatOfTheScorersMeanNegativeLogLikelihood(
            int dim, int steps, Activation act, int[] hidden) {
        // The whole training objective, log-det term and frozen constant feature included, against
        // finite differences of what the scorer computes: −mean log p(x) over the batch.
        FlowArchitecture arch = TestModels.architecture(dim, steps, act, hidden);
        Random random = new Random(17);
        double[] params = TestModels.randomParameters(arch, random);
        int[] perm = TestModels.shuffled(dim, random);
        boolean[] constant = new boolean[dim];
        constant[dim - 1] = true;
        double[] ones = new double[dim];
        java.util.Arrays.fill(ones, 1.0);
        Standardizer identity = new Standardizer(new double[dim], ones, constant);
        double[][] batch = new double[3][dim];
        for (double[] x : batch) {
            for (int i = 0; i < dim; i++) {
                x[i] = random.nextGaussian();
            }
        }
        double[] grad = new double[params.length];
        FlowGradient gradient = new FlowGradient(arch, perm);

        for (double[] x : batch) {
            gradient.accumulate(params, x, 1.0 / batch.length, grad);
        }
        FlowTrainer.addTerminalLogDetGradient(arch, constant, grad);

        double h = 1e-6;
        for (int i = 0; i < params.length; i++) {
            if (i == arch.logDiagOffset() + dim - 1) {
                assertThat(grad[i]).as("frozen s of the constant feature").isZero();
                continue;
            }
            double saved = params[i];
            params[i] = saved + h;
            double lp = -meanLogLikelihood(arch, perm, params, identity, batch);
            params[i] = saved - h;
            double lm = -meanLogLikelihood(arch, perm, params, identity, batch);
            params[i] = saved;
            double fd = (lp - lm) / (2 * h);
            assertThat(Math.abs(grad[i] - fd))
                    .as("parameter %d: analytic %s, finite difference %s", i, grad[i], fd)
                    .isLessThanOrEqualTo(1e-5 * Math.max(1.0, Math.abs(fd)));
        }
    }

    private static double meanLogLikelihood(
            FlowArchitecture arch,
            int[] perm,
            double[] params,
            Standardizer standardizer,
            double[][] batch) {
        SgnFlowModel model =
                new SgnFlowModel(
                        1,
                        "2026-01-01T00:00:00Z",
                        TestModels.names(arch.dim()),
                        arch,
                        perm,
                        params.clone(),
                        standardizer,
                        AnomalyThreshold.calibrate(0.01, new double[] {-1, 0}),
                        null);
        double sum = 0;
        for (double[] x : batch) {
            sum += model.logLikelihood(x);
        }
        return sum / batch.length;
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2}")
    @MethodSource("shapes")
    void simdGradientEqualsTheScalarGradientOverARaggedRange(
            int dim, int steps, Activation act, int[] hidden) {
        FlowArchitecture arch = TestModels.architecture(dim, steps, act, hidden);
        Random random = new Random(13);
        double[] params = TestModels.randomParameters(arch, random);
        int[] perm = TestModels.shuffled(dim, random);
        double[][] rows = new double[40][dim];
        for (double[] y : rows) {
            for (int i = 0; i < dim; i++) {
                y[i] = random.nextGaussian();
            }
        }
        int[] order = new int[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (7 * i) % rows.length;
        }
        FlowBatchGradient simd = FlowBatchGradient.create(arch, perm);
        assertThat(simd).isInstanceOf(VectorFlowGradient.class);
        double[] expected = new double[params.length];
        double[] actual = new double[params.length];

        // 19 events: two full vectors and a partial one on AVX-512, so unused lanes are exercised.
        double lossScalar =
                FlowBatchGradient.scalar(arch, perm)
                        .accumulate(params, rows, order, 3, 22, 1.0 / 19, expected);
        double lossSimd = simd.accumulate(params, rows, order, 3, 22, 1.0 / 19, actual);

        assertThat(lossSimd)
                .isCloseTo(lossScalar, org.assertj.core.data.Offset.offset(1e-10 * lossScalar));
        double diffSq = 0;
        double normSq = 0;
        for (int i = 0; i < params.length; i++) {
            diffSq += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            normSq += expected[i] * expected[i];
            assertThat(Math.abs(actual[i] - expected[i]))
                    .as("parameter %d: simd %s, scalar %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(1e-9 * Math.max(1.0, Math.abs(expected[i])));
        }
        assertThat(normSq).isGreaterThan(0);
        assertThat(Math.sqrt(diffSq / normSq)).isLessThanOrEqualTo(1e-11);
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2}")
    @MethodSource("shapes")
    void returnsHalfTheSquaredLatentNorm(int dim, int steps, Activation act, int[] hidden) {
        FlowArchitecture arch = TestModels.architecture(dim, steps, act, hidden);
        Random random = new Random(12);
        double[] params = TestModels.randomParameters(arch, random);
        int[] perm = TerminalMap.identity(dim);
        double[] y = new double[dim];
        for (int i = 0; i < dim; i++) {
            y[i] = random.nextGaussian();
        }

        double half =
                new FlowGradient(arch, perm).accumulate(params, y, 1, new double[params.length]);

        assertThat(half)
                .isCloseTo(
                        loss(arch, perm, params, new double[][] {y}),
                        org.assertj.core.data.Offset.offset(1e-12));
    }

    /** Mean ½‖z0‖² over the batch, by the plain scoring path. */
    static double loss(FlowArchitecture arch, int[] perm, double[] params, double[][] batch) {
        TerminalMap terminal = new TerminalMap(arch, perm);
        LeapfrogIntegrator integrator = new LeapfrogIntegrator(arch);
        PhaseState state = new PhaseState(arch);
        double[] scratch = new double[arch.dim()];
        double[] z = new double[arch.dim()];
        double sum = 0;
        for (double[] y : batch) {
            terminal.inverse(params, y, scratch, scratch, z);
            state.load(z);
            integrator.inverse(params, state);
            sum += 0.5 * state.squaredNorm();
        }
        return sum / batch.length;
    }
}
