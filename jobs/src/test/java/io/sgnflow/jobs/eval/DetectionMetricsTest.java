package io.sgnflow.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {
    private static final double TOL = 1e-12;

    private static boolean[] labels(int... values) {
        boolean[] out = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == 1;
        }
        return out;
    }

    @Test
    void aucRocIsOneForPerfectRankingAndZeroForReversedRanking() {
        boolean[] y = labels(0, 0, 1, 1);

        assertThat(DetectionMetrics.aucRoc(new double[] {1, 2, 3, 4}, y)).isEqualTo(1.0);
        assertThat(DetectionMetrics.aucRoc(new double[] {4, 3, 2, 1}, y)).isEqualTo(0.0);
    }

    @Test
    void aucRocMatchesAHandComputedCase() {
        // Pairs (positive, negative): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 -> 3 of 4.
        double auc =
                DetectionMetrics.aucRoc(new double[] {0.1, 0.4, 0.35, 0.8}, labels(0, 0, 1, 1));

        assertThat(auc).isCloseTo(0.75, within(TOL));
    }

    @Test
    void aucRocCountsTiesBetweenClassesAsOneHalf() {
        // Positive 0.5 vs negatives 0.2 and 0.5: 1 + 0.5; positive 0.9 beats both: 2. 3.5 / 4.
        double auc = DetectionMetrics.aucRoc(new double[] {0.2, 0.5, 0.5, 0.9}, labels(0, 0, 1, 1));
        double allTied = DetectionMetrics.aucRoc(new double[] {1, 1, 1, 1}, labels(0, 1, 0, 1));

        assertThat(auc).isCloseTo(0.875, within(TOL));
        assertThat(allTied).isCloseTo(0.5, within(TOL));
    }

    @Test
    void aucRocEqualsThePairwiseDefinitionOnRandomScoresWithManyTies() {
        Random random = new Random(5);
        double[] scores = new double[300];
        boolean[] y = new boolean[300];
        for (int i = 0; i < scores.length; i++) {
            y[i] = random.nextDouble() < 0.2;
            scores[i] = random.nextInt(12) + (y[i] ? 2 : 0);
        }
        double pairs = 0;
        double wins = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < scores.length; j++) {
                if (y[i] && !y[j]) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        assertThat(DetectionMetrics.aucRoc(scores, y)).isCloseTo(wins / pairs, within(TOL));
    }

    @Test
    void averagePrecisionMatchesAHandComputedCase() {
        // Descending: 0.8(+) P=1 R=.5; 0.4(-) P=.5 R=.5; 0.35(+) P=2/3 R=1. AP = .5 + .5*2/3.
        double ap =
                DetectionMetrics.averagePrecision(
                        new double[] {0.1, 0.4, 0.35, 0.8}, labels(0, 0, 1, 1));

        assertThat(ap).isCloseTo(0.5 + 0.5 * 2 / 3.0, within(TOL));
    }

    @Test
    void averagePrecisionTakesTiedScoresTogether() {
        // 0.9(+): P=1 R=.5; the tie {0.5(+), 0.5(-)} enters at once: P=2/3 R=1.
        double ap =
                DetectionMetrics.averagePrecision(
                        new double[] {0.9, 0.5, 0.5, 0.1}, labels(1, 1, 0, 0));

        assertThat(ap).isCloseTo(0.5 + 0.5 * 2 / 3.0, within(TOL));
    }

    @Test
    void bestF1FindsTheBestThreshold() {
        // >=.9: F=2/3; >=.8: .5; >=.7: P=2/3 R=1 F=.8; >=.6: 2/3; >=.5: 4/7.
        DetectionMetrics.BestF1 best =
                DetectionMetrics.bestF1(
                        new double[] {0.9, 0.8, 0.7, 0.6, 0.5}, labels(1, 0, 1, 0, 0));

        assertThat(best.f1()).isCloseTo(0.8, within(TOL));
        assertThat(best.threshold()).isEqualTo(0.7);
        assertThat(best.precision()).isCloseTo(2 / 3.0, within(TOL));
        assertThat(best.recall()).isEqualTo(1.0);
    }

    @Test
    void bestF1CannotSplitTiedScores() {
        // Splitting the tie after its positive would give F1 2/3; together it is 1/2.
        DetectionMetrics.BestF1 best =
                DetectionMetrics.bestF1(new double[] {0.9, 0.5, 0.5}, labels(0, 1, 0));

        assertThat(best.f1()).isCloseTo(0.5, within(TOL));
        assertThat(best.threshold()).isEqualTo(0.5);
    }

    @Test
    void confusionGivesPrecisionRecallAndF1() {
        DetectionMetrics.Confusion c =
                DetectionMetrics.confusion(
                        new boolean[] {true, true, false, false, true}, labels(1, 0, 1, 0, 0));

        assertThat(c.truePositives()).isEqualTo(1);
        assertThat(c.falsePositives()).isEqualTo(2);
        assertThat(c.falseNegatives()).isEqualTo(1);
        assertThat(c.trueNegatives()).isEqualTo(1);
        assertThat(c.precision()).isCloseTo(1 / 3.0, within(TOL));
        assertThat(c.recall()).isCloseTo(0.5, within(TOL));
        assertThat(c.f1()).isCloseTo(0.4, within(TOL));
    }

    @Test
    void confusionWithoutPredictionsHasZeroPrecisionAndF1() {
        DetectionMetrics.Confusion c =
                DetectionMetrics.confusion(new boolean[] {false, false}, labels(1, 0));

        assertThat(c.precision()).isZero();
        assertThat(c.f1()).isZero();
    }

    @Test
    void pointAdjustmentMarksWholeSegmentsWithAnyDetection() {
        boolean[] y = labels(0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1);
        boolean[] predicted = labels(0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1);

        boolean[] adjusted = DetectionMetrics.pointAdjust(predicted, y);

        assertThat(adjusted).containsExactly(labels(0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1));
        // Before: tp 2, fp 1, fn 5 -> F1 = 4/10; after: tp 5, fp 1, fn 2 -> F1 = 10/13.
        assertThat(DetectionMetrics.confusion(predicted, y).f1()).isCloseTo(0.4, within(TOL));
        assertThat(DetectionMetrics.confusion(adjusted, y).f1()).isCloseTo(10 / 13.0, within(TOL));
    }

    @Test
    void rejectsInputsWithOneClassMismatchedLengthsOrNaN() {
        assertThatThrownBy(() -> DetectionMetrics.aucRoc(new double[] {1, 2}, labels(0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both classes");
        assertThatThrownBy(() -> DetectionMetrics.averagePrecision(new double[] {1}, labels(0, 1)))
                .hasMessageContaining("1 scores but 2 labels");
        assertThatThrownBy(
                        () -> DetectionMetrics.bestF1(new double[] {1, Double.NaN}, labels(0, 1)))
                .hasMessageContaining("NaN");
    }
}
