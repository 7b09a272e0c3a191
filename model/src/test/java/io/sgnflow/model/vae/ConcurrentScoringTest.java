package io.sgnflow.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The thread-safety contract of both model kinds: one immutable model shared by four threads, each
 * with its own scorer (and the model's own per-call methods), gives the single-thread scores to the
 * bit.
 */
class ConcurrentScoringTest {
    private static final int THREADS = 4;

    static Stream<DensityModel> models() {
        return Stream.of(
                TestModels.random(TestModels.architecture(9, 8, Activation.TANH, 16), 3),
                TestVaes.random(
                        TestVaes.architecture(
                                9, 4, 4, Activation.SILU, new int[] {12}, new int[] {10}),
                        ScoreKind.IW_LOG_LIKELIHOOD,
                        16,
                        5));
    }

    @ParameterizedTest
    @MethodSource("models")
    void fourThreadsSharingOneModelGetTheSingleThreadScores(DensityModel model) throws Exception {
        Random random = new Random(7);
        double[][] events = new double[2000][model.dim()];
        for (double[] x : events) {
            for (int i = 0; i < x.length; i++) {
                x[i] = 3 * random.nextGaussian();
            }
        }
        double[] expected = new double[events.length];
        DensityScorer single = model.newScorer();
        for (int i = 0; i < events.length; i++) {
            expected[i] = single.score(events[i]);
        }
        // The batched kernel agrees with the per-event path to rounding only (1e-12), so each
        // path is compared with itself.
        double[] expectedBatched = new double[events.length];
        single.scores(events, events.length, expectedBatched);

        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<double[][]>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int offset = t * 97;
                results.add(
                        pool.submit(
                                () -> {
                                    DensityScorer own = model.newScorer();
                                    double[] perEvent = new double[events.length];
                                    double[] viaModel = new double[events.length];
                                    double[] batched = new double[events.length];
                                    start.await();
                                    // Each thread walks the events from its own offset, so the
                                    // threads score different events at the same moment.
                                    for (int k = 0; k < events.length; k++) {
                                        int i = (k + offset) % events.length;
                                        perEvent[i] = own.score(events[i]);
                                        viaModel[i] = model.score(events[i]);
                                    }
                                    own.scores(events, events.length, batched);
                                    return new double[][] {perEvent, viaModel, batched};
                                }));
            }
            for (Future<double[][]> result : results) {
                double[][] scores = result.get();
                assertThat(scores[0]).containsExactly(expected);
                assertThat(scores[1]).containsExactly(expected);
                assertThat(scores[2]).containsExactly(expectedBatched);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
