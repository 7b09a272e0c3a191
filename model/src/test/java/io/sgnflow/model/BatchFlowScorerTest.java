package io.sgnflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched kernels (scalar, and the Vector API one when the test JVM has {@code
 * jdk.incubator.vector}, as the build configures it) equal the scalar reference {@link FlowScorer}
 * to 1e-12, and within a kernel an event's score does not depend on its batch.
 */
class BatchFlowScorerTest {
    private static final double TOLERANCE = 1e-12;

    static Stream<Arguments> shapes() {
        List<Arguments> shapes = new ArrayList<>();
        for (boolean vector : new boolean[] {false, true}) {
            for (int dim : new int[] {6, 7}) {
                for (int steps : new int[] {1, 8}) {
                    for (Activation act : Activation.values()) {
                        shapes.add(Arguments.of(dim, steps, act, new int[] {16}, vector));
                        shapes.add(Arguments.of(dim, steps, act, new int[] {9, 6}, vector));
                    }
                }
            }
            shapes.add(Arguments.of(6, 64, Activation.TANH, new int[] {9, 6}, vector));
            shapes.add(Arguments.of(7, 64, Activation.SOFTPLUS, new int[] {16}, vector));
            shapes.add(Arguments.of(38, 8, Activation.TANH, new int[] {64}, vector));
            shapes.add(Arguments.of(39, 8, Activation.SILU, new int[] {13, 11}, vector));
        }
        return shapes.stream();
    }

    static Stream<Boolean> kernels() {
        return Stream.of(false, true);
    }

    @Test
    void usesTheVectorKernelWhenTheJvmHasTheVectorApi() {
        SgnFlowModel model =
                TestModels.random(TestModels.architecture(6, 2, Activation.TANH, 8), 1);
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

        assertThat(module)
                .as("the build runs tests with --add-modules jdk.incubator.vector")
                .isTrue();
        assertThat(new BatchFlowScorer(model).kernel()).startsWith("vector");
        assertThat(new BatchFlowScorer(model, 32, false).kernel()).isEqualTo("scalar");
    }

    @ParameterizedTest(name = "vector={0}")
    @MethodSource("kernels")
    void anEventScoresTheSameToTheBitAloneAndAtAnyPositionOfAnyBatch(boolean vector) {
        SgnFlowModel model =
                TestModels.random(TestModels.architecture(38, 8, Activation.TANH, 64), 12);
        double[][] events = TestModels.events(model, 100, 12);
        BatchFlowScorer scorer = new BatchFlowScorer(model, 32, vector);
        double[] alone = new double[events.length];
        for (int i = 0; i < events.length; i++) {
            alone[i] = scorer.logLikelihood(events[i]);
        }

        for (int size : new int[] {2, 3, 5, 8, 31, 32, 33, 100}) {
            double[] out = new double[size];
            scorer.logLikelihoods(java.util.Arrays.copyOfRange(events, 100 - size, 100), out);
            for (int i = 0; i < size; i++) {
                assertThat(out[i])
                        .as("batch of %d, event %d", size, i)
                        .isEqualTo(alone[100 - size + i]);
            }
        }
    }

    private static void assertClose(double actual, double expected) {
        double bound = TOLERANCE * Math.max(1.0, Math.abs(expected));
        assertThat(Math.abs(actual - expected))
                .as("|%s − %s|", actual, expected)
                .isLessThanOrEqualTo(bound);
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2}, hidden={3}, vector={4}")
    @MethodSource("shapes")
    void equalsScalarScorerOnBatchesOfEverySize(
            int dim, int steps, Activation act, int[] hidden, boolean vector) {
        FlowArchitecture arch = TestModels.architecture(dim, steps, act, hidden);
        SgnFlowModel model = TestModels.random(arch, 31L * dim + steps + act.ordinal());
        FlowScorer reference = model.newScorer();
        for (int size : new int[] {1, 7, 256}) {
            double[][] events = TestModels.events(model, size, size);
            // Add some far-out events so that the tanh saturates in places.
            Random random = new Random(size);
            for (int i = 0; i < size; i += 5) {
                for (int j = 0; j < dim; j++) {
                    events[i][j] += 20 * random.nextGaussian();
                }
            }
            double[] out = new double[size];
            new BatchFlowScorer(model, 32, vector).logLikelihoods(events, out);
            for (int i = 0; i < size; i++) {
                assertClose(out[i], reference.logLikelihood(events[i]));
            }
        }
    }

    @Test
    void tileSizeDoesNotChangeTheResult() {
        FlowArchitecture arch = TestModels.architecture(9, 8, Activation.TANH, 16);
        SgnFlowModel model = TestModels.random(arch, 5);
        double[][] events = TestModels.events(model, 100, 5);
        double[] a = new double[100];
        double[] b = new double[100];
        new BatchFlowScorer(model, 1).logLikelihoods(events, a);
        new BatchFlowScorer(model, 13).logLikelihoods(events, b);
        assertThat(b).containsExactly(a);
    }

    @Test
    void extremeEventsScoreTheSameAloneAndInABatch() {
        FlowArchitecture arch = TestModels.architecture(38, 8, Activation.TANH, 64);
        SgnFlowModel model = TestModels.random(arch, 77);
        double[][] events = TestModels.events(model, 40, 9);
        double[] plus = new double[38];
        double[] minus = new double[38];
        java.util.Arrays.fill(plus, 1e6);
        java.util.Arrays.fill(minus, -1e6);
        events[3] = plus;
        events[34] = minus;
        BatchFlowScorer scorer = new BatchFlowScorer(model);
        double[] out = new double[40];
        scorer.logLikelihoods(events, out);

        assertThat(out[3]).isEqualTo(scorer.logLikelihood(plus)).isFinite();
        assertThat(out[34]).isEqualTo(scorer.logLikelihood(minus)).isFinite();
        assertClose(out[3], model.newScorer().logLikelihood(plus));
        assertClose(out[34], model.newScorer().logLikelihood(minus));
    }

    @ParameterizedTest(name = "vector={0}")
    @MethodSource("kernels")
    void eventsAtTheEdgeOfTheDoubleRangeGetTheLowestFiniteScoreEverywhere(boolean vector) {
        FlowArchitecture arch = TestModels.architecture(6, 4, Activation.TANH, 8);
        SgnFlowModel model = TestModels.random(arch, 21);
        double[][] events = TestModels.events(model, 12, 21);
        events[2] = new double[] {1e308, 0, 0, 0, 0, 0};
        events[7] = new double[] {-1e308, 1e308, -1e308, 1e308, -1e308, 1e308};
        events[9] = new double[] {1e200, 1e200, 1e200, 1e200, 1e200, 1e200};
        double[] out = new double[events.length];

        new BatchFlowScorer(model, 32, vector).logLikelihoods(events, out);

        for (int i : new int[] {2, 7, 9}) {
            assertThat(out[i]).as("event %d", i).isEqualTo(SgnFlowModel.LOWEST_LOG_LIKELIHOOD);
            assertThat(model.newScorer().logLikelihood(events[i]))
                    .isEqualTo(SgnFlowModel.LOWEST_LOG_LIKELIHOOD);
            assertThat(new BatchFlowScorer(model, 32, vector).logLikelihood(events[i]))
                    .isEqualTo(SgnFlowModel.LOWEST_LOG_LIKELIHOOD);
        }
        assertThat(out[0]).isFinite().isGreaterThan(SgnFlowModel.LOWEST_LOG_LIKELIHOOD);
    }

    @Test
    void flowScorerBatchesThroughTheKernel() {
        FlowArchitecture arch = TestModels.architecture(7, 8, Activation.TANH, 16);
        SgnFlowModel model = TestModels.random(arch, 3);
        double[][] events = TestModels.events(model, 70, 3);
        FlowScorer scorer = model.newScorer();
        double[] out = new double[70];
        scorer.logLikelihoods(events, out);
        for (int i = 0; i < 70; i++) {
            assertClose(out[i], scorer.logLikelihood(events[i]));
        }
    }

    @Test
    void rejectsABadRowBeforeWritingAnything() {
        FlowArchitecture arch = TestModels.architecture(6, 2, Activation.TANH, 8);
        SgnFlowModel model = TestModels.random(arch, 3);
        double[][] events = TestModels.events(model, 5, 3);
        events[4][2] = Double.NaN;
        double[] out = new double[5];

        assertThatThrownBy(() -> new BatchFlowScorer(model).logLikelihoods(events, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("f2");
        assertThat(out).containsOnly(0.0);
    }

    @Test
    void countsFlopsOfTheReferenceShape() {
        FlowArchitecture arch = TestModels.architecture(38, 8, Activation.TANH, 64);
        long flops = BatchFlowScorer.flopsPerEvent(arch);
        // 17 force evaluations of about 5.3 kFLOP each plus the O(D²) terminal map.
        assertThat(flops).isBetween(85_000L, 100_000L);
    }
}
