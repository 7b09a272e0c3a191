package io.sgnflow.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DESIGN §2.6 on values worked out by hand, and on a trained model's own validation scores. */
class AnomalyThresholdTest {

    @Test
    void thresholdIsTheInterpolatedAlphaQuantile() {
        // Sorted: -10, -4, -2, 0, 1, 3, 5, 6, 8, 9 (n = 10). α = 0.25: position 0.25·9 = 2.25,
        // so τ = -2 + 0.25·(0 − (−2)) = −1.5.
        double[] scores = {5, -2, 9, -10, 0, 3, 8, -4, 6, 1};

        AnomalyThreshold threshold = AnomalyThreshold.calibrate(0.25, scores);

        assertThat(threshold.threshold()).isEqualTo(-1.5);
        assertThat(threshold.isAnomaly(-1.6)).isTrue();
        assertThat(threshold.isAnomaly(-1.5)).isFalse();
    }

    @Test
    void tailProbabilityIsTheShareOfStrictlyLowerValidationScores() {
        AnomalyThreshold threshold =
                AnomalyThreshold.calibrate(0.1, new double[] {1, 2, 2, 3, 4, 5, 6, 7});

        assertThat(threshold.tailProbability(0.5)).isEqualTo(0.0);
        assertThat(threshold.tailProbability(2)).isEqualTo(1.0 / 8);
        assertThat(threshold.tailProbability(2.5)).isEqualTo(3.0 / 8);
        assertThat(threshold.tailProbability(7)).isEqualTo(7.0 / 8);
        assertThat(threshold.tailProbability(100)).isEqualTo(1.0);
    }

    @Test
    void largeValidationSetsKeepFiveThousandEvenlySpacedOrderStatistics() {
        double[] scores = new double[20_001];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scores.length - i; // 20001 … 1, reversed on purpose
        }

        AnomalyThreshold threshold = AnomalyThreshold.calibrate(0.01, scores);

        double[] sample = threshold.sortedSample();
        assertThat(sample).hasSize(AnomalyThreshold.MAX_SAMPLE);
        assertThat(sample[0]).isEqualTo(1);
        assertThat(sample[sample.length - 1]).isEqualTo(20_001);
        // τ from all 20,001 scores, not from the kept sample: position 0.01·20000 = 200 → 201.
        assertThat(threshold.threshold()).isEqualTo(201);
        assertThat(threshold.tailProbability(10_001)).isCloseTo(0.5, offset(1e-3));
    }

    @Test
    void unsortedOrNonFiniteSamplesAreRefusedNamingTheEntry() {
        assertThatThrownBy(() -> new AnomalyThreshold(0.01, 0, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 1");
        assertThatThrownBy(() -> new AnomalyThreshold(0.01, 0, new double[] {Double.NaN}))
                .hasMessageContaining("entry 0");
    }

    @Test
    void aTrainedModelsThresholdIsTheAlphaQuantileOfItsValidationScores() {
        Random random = new Random(5);
        double[][] rows = new double[3000][3];
        for (double[] row : rows) {
            row[0] = random.nextGaussian();
            row[1] = 0.5 * row[0] + random.nextGaussian();
            row[2] = Math.abs(random.nextGaussian());
        }
        TrainingConfig config =
                TrainingConfig.builder()
                        .hiddenWidths(8)
                        .steps(2)
                        .epochs(3)
                        .alpha(0.05)
                        .seed(9)
                        .build();

        SgnFlowModel model =
                new FlowTrainer(config, FlowTrainer.Listener.NONE).train(rows, TestModels.names(3));

        // The kept sample is the whole validation set here (fewer than 5,000 rows): recompute
        // the quantile from it and from the scorer's own scores.
        double[] sample = model.threshold().sortedSample();
        assertThat(sample).hasSize(model.training().validationRows());
        assertThat(model.threshold().threshold())
                .isCloseTo(AnomalyThreshold.quantile(sample, 0.05), offset(1e-12));
        long below = java.util.Arrays.stream(sample).filter(model.threshold()::isAnomaly).count();
        assertThat((double) below / sample.length).isCloseTo(0.05, offset(1.0 / sample.length));
        double validationMean = java.util.Arrays.stream(sample).average().orElseThrow();
        assertThat(validationMean / 3)
                .isCloseTo(model.training().validationLogLikelihoodPerDim(), offset(1e-9));
    }
}
