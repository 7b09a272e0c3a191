package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.ModelKind;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.vae.SgnVaeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The window-to-verdict path without Flink or I/O, on small models. */
class RetrainerTest {
    private static SgnFlowModel v1;

    @BeforeAll
    static void model() {
        v1 = RetrainFixtures.modelOfA();
    }

    private static RetrainConfig.Builder config() {
        return RetrainConfig.builder()
                .bootstrapServers("unused:9092")
                .inputTopic("unused")
                .modelStore("file:///unused")
                .minEvents(100)
                .hidden(8)
                .steps(2)
                .epochs(6)
                .learningRate(0.03)
                .trainBatchSize(64)
                .maxTrainingSeconds(5)
                .seed(5);
    }

    private static List<SampledEvent> sample(double[][] rows, long start, boolean named) {
        List<SampledEvent> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            out.add(
                    new SampledEvent(
                            start + i,
                            named ? RetrainFixtures.FEATURES.toArray(new String[0]) : null,
                            rows[i]));
        }
        return out;
    }

    @Test
    void onASteadyStreamTheFlaggedShareStaysNearAlphaWindowAfterWindow() {
        // Leaving the flagged tail out of training must not leave it out of the threshold's
        // calibration too: the alpha-quantile of a sample without its lowest alpha would sit
        // higher each window, flag more, leave more out, and so on.
        RetrainConfig config = config().epochs(3).alpha(0.02).build();
        DensityModel current = v1;
        double[][] fresh = RetrainFixtures.regimeA(20_000, 99);
        for (int window = 0; window < 6; window++) {
            var outcome =
                    new Retrainer(config)
                            .retrain(
                                    sample(RetrainFixtures.regimeA(4000, 100 + window), 0, true),
                                    current,
                                    current.version() + 1);
            if (outcome.published()) {
                current = outcome.model();
            }
            DensityScorer scorer = current.newScorer();
            long flagged = 0;
            for (double[] x : fresh) {
                if (current.threshold().isAnomaly(scorer.score(x))) {
                    flagged++;
                }
            }
            assertThat((double) flagged / fresh.length)
                    .as("share of fresh events flagged by version %d", current.version())
                    .isBetween(0.01, 0.035);
        }
    }

    @Test
    void warmStartOnAShiftedWindowPublishesTheNextVersionWithARecalibratedThreshold() {
        var outcome =
                new Retrainer(config().build())
                        .retrain(sample(RetrainFixtures.regimeB(600, 1), 0, true), v1, 2);
        assertThat(outcome.published()).as(outcome.message()).isTrue();
        SgnFlowModel m = (SgnFlowModel) outcome.model();
        assertThat(m.version()).isEqualTo(2);
        assertThat(m.threshold().alpha()).isEqualTo(0.01);
        assertThat(m.threshold().threshold()).isFinite().isNotEqualTo(v1.threshold().threshold());
        assertThat(outcome.decision().candidatePerDim())
                .isGreaterThan(outcome.decision().currentPerDim());
        // Every event of B is flagged by v1: a distribution change, nothing left out.
        assertThat(outcome.excludedAnomalies()).isZero();
        assertThat(outcome.usableEvents()).isEqualTo(600);
    }

    @Test
    void leavesOutEventsTheCurrentModelFlagsWhenTheyAreFew() {
        double[][] rows = RetrainFixtures.regimeA(600, 2);
        double[][] outliers = RetrainFixtures.regimeB(20, 3);
        System.arraycopy(outliers, 0, rows, 100, outliers.length);
        var outcome = new Retrainer(config().build()).retrain(sample(rows, 0, true), v1, 2);
        assertThat(outcome.excludedAnomalies()).isGreaterThanOrEqualTo(20);
        assertThat(outcome.usableEvents()).isEqualTo(600 - outcome.excludedAnomalies());
    }

    @Test
    void leavesOutWhatTheScoringJobFlaggedInsteadOfWhatTheCurrentModelFlags() {
        double[][] rows = RetrainFixtures.regimeA(600, 18);
        double[][] outliers = RetrainFixtures.regimeB(20, 19);
        System.arraycopy(outliers, 0, rows, 100, outliers.length);
        List<SampledEvent> window = sampleAt(rows);
        // The scoring job flagged three ordinary events and none of the outliers.
        Set<String> flagged = Set.of("t/0/5", "t/0/6", "t/0/7");

        var outcome =
                new Retrainer(config().build())
                        .retrain(window, v1, 2, new Retrainer.WindowFlags(flagged, 3, 600));

        assertThat(outcome.excludedAnomalies()).isEqualTo(3);
        assertThat(outcome.usableEvents()).isEqualTo(597);
    }

    @Test
    void aWindowTheScoringJobFlaggedMostlyIsADistributionChange() {
        List<SampledEvent> window = sampleAt(RetrainFixtures.regimeA(400, 20));
        Set<String> flagged = Set.of("t/0/1", "t/0/2");

        var outcome =
                new Retrainer(config().build())
                        .retrain(window, v1, 2, new Retrainer.WindowFlags(flagged, 300, 400));

        assertThat(outcome.excludedAnomalies()).isZero();
        assertThat(outcome.usableEvents()).isEqualTo(400);
    }

    /** Events at topic "t", partition 0, offsets 0, 1, …, one second apart. */
    private static List<SampledEvent> sampleAt(double[][] rows) {
        List<SampledEvent> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            out.add(
                    SampledEvent.of(
                            1000L * i,
                            RetrainFixtures.FEATURES.toArray(new String[0]),
                            rows[i],
                            "t",
                            0,
                            i));
        }
        return out;
    }

    @Test
    void rejectsACandidateWorseOnTheNewestEvents() {
        List<SampledEvent> window =
                new ArrayList<>(sample(RetrainFixtures.regimeB(800, 4), 0, true));
        window.addAll(sample(RetrainFixtures.regimeA(200, 5), 10_000, true));
        var outcome = new Retrainer(config().tolerance(0).build()).retrain(window, v1, 2);
        assertThat(outcome.published()).isFalse();
        assertThat(outcome.reason()).isEqualTo(RejectReason.WORSE);
        assertThat(outcome.candidateTrained()).isTrue();
    }

    @Test
    void coldStartTrainsVersionOneWithNamesFromTheEvents() {
        var outcome =
                new Retrainer(config().build())
                        .retrain(sample(RetrainFixtures.regimeA(300, 6), 0, true), null, 1);
        assertThat(outcome.published()).as(outcome.message()).isTrue();
        assertThat(outcome.model().version()).isEqualTo(1);
        assertThat(outcome.model().featureNames()).isEqualTo(RetrainFixtures.FEATURES);
        assertThat(((SgnFlowModel) outcome.model()).architecture().steps()).isEqualTo(2);
    }

    @Test
    void coldStartTrainsAnSgnVaeWhenConfiguredAndAWarmStartKeepsIt() {
        var cold =
                new Retrainer(config().modelType(ModelKind.VAE).latentDim(2).build())
                        .retrain(sample(RetrainFixtures.regimeA(400, 16), 0, true), null, 1);
        assertThat(cold.published()).as(cold.message()).isTrue();
        assertThat(cold.model()).isInstanceOf(SgnVaeModel.class);
        assertThat(cold.model().scoreKind()).isEqualTo(ScoreKind.IW_LOG_LIKELIHOOD);
        assertThat(((SgnVaeModel) cold.model()).architecture().latentDim()).isEqualTo(2);

        // The configured kind is for cold starts only: a warm start keeps the current kind.
        var warm =
                new Retrainer(config().modelType(ModelKind.FLOW).build())
                        .retrain(
                                sample(RetrainFixtures.regimeA(400, 17), 0, true), cold.model(), 2);
        assertThat(warm.published()).as(warm.message()).isTrue();
        assertThat(warm.model()).isInstanceOf(SgnVaeModel.class);
        assertThat(warm.model().version()).isEqualTo(2);
        assertThat(Double.isFinite(warm.decision().currentPerDim())).isTrue();
    }

    @Test
    void positionalColdStartNamesFeaturesByIndex() {
        var outcome =
                new Retrainer(config().build())
                        .retrain(sample(RetrainFixtures.regimeA(300, 7), 0, false), null, 1);
        assertThat(outcome.model().featureNames()).containsExactly("f0", "f1", "f2");
    }

    @Test
    void tooFewEventsIsAReasonNotAModel() {
        var outcome =
                new Retrainer(config().build())
                        .retrain(sample(RetrainFixtures.regimeA(50, 8), 0, true), v1, 2);
        assertThat(outcome.reason()).isEqualTo(RejectReason.TOO_FEW_EVENTS);
        assertThat(outcome.message()).contains("50 usable").contains("at least 100");
        assertThat(outcome.candidateTrained()).isFalse();
        assertThat(new Retrainer(config().build()).retrain(List.of(), null, 1).reason())
                .isEqualTo(RejectReason.TOO_FEW_EVENTS);
    }

    @Test
    void aConstantFeatureNeverYieldsANaNModel() {
        double[][] rows = RetrainFixtures.regimeA(400, 9);
        for (double[] row : rows) {
            row[2] = 7.0;
        }
        var outcome = new Retrainer(config().build()).retrain(sample(rows, 0, true), null, 1);

        assertThat(outcome.published()).as(outcome.message()).isTrue();
        assertThat(outcome.model().threshold().threshold()).isFinite();
        assertThat(outcome.decision().candidatePerDim()).isFinite();
        // Its usual value costs nothing; any other value is finite and far below the threshold.
        double[] usual = rows[0].clone();
        double[] moved = rows[0].clone();
        moved[2] = 7.5;
        double usualScore = outcome.model().score(usual);
        double movedScore = outcome.model().score(moved);
        assertThat(usualScore).isFinite();
        assertThat(movedScore).isFinite().isLessThan(outcome.model().threshold().threshold() - 100);
    }

    @Test
    void anEventTooLargeToTrainOnIsLeftOutAndCannotDragTheThresholdDown() {
        List<SampledEvent> window = sample(RetrainFixtures.regimeA(400, 12), 0, true);
        window.add(new SampledEvent(9_999, null, new double[] {1e308, 0.1, 0.1}));

        var outcome =
                new Retrainer(config().excludeAnomalies(false).build()).retrain(window, v1, 2);

        assertThat(outcome.usableEvents()).isEqualTo(400);
        assertThat(outcome.published()).as(outcome.message()).isTrue();
        assertThat(outcome.model().threshold().threshold())
                .isGreaterThan(v1.threshold().threshold() - 50);
    }

    @Test
    void oneEventFarOutInASmallWindowCannotSetTheThreshold() {
        // 300 events, 60 held out: their 1 % quantile would be about their lowest score, here
        // that of a value at 1e100 (trainable, below 1e150), some -1e200.
        double[][] rows = RetrainFixtures.regimeA(300, 14);
        List<SampledEvent> clean = sample(rows, 0, true);
        List<SampledEvent> withOutlier = sample(rows, 0, true);
        withOutlier.add(new SampledEvent(10_000, null, new double[] {1e100, 0.1, 0.1}));

        var control = new Retrainer(config().build()).retrain(clean, null, 1);
        var outcome = new Retrainer(config().build()).retrain(withOutlier, null, 1);

        assertThat(outcome.published()).as(outcome.message()).isTrue();
        assertThat(outcome.model().threshold().threshold())
                .isGreaterThan(control.model().threshold().threshold() - 20);
    }

    @Test
    void aColdStartTakesTheFeatureNamesMostEventsHaveNotTheFirstOnes() {
        List<SampledEvent> window = new ArrayList<>();
        window.add(new SampledEvent(0, new String[] {"x"}, new double[] {1.0}));
        window.addAll(sample(RetrainFixtures.regimeA(300, 15), 1, false));

        var outcome = new Retrainer(config().build()).retrain(window, null, 1);

        assertThat(outcome.published()).as(outcome.message()).isTrue();
        assertThat(outcome.model().featureNames()).containsExactly("f0", "f1", "f2");
        assertThat(outcome.usableEvents()).isEqualTo(300);
    }

    @Test
    void nonFiniteAndMismatchedEventsAreLeftOut() {
        List<SampledEvent> window = sample(RetrainFixtures.regimeA(300, 10), 0, true);
        window.add(new SampledEvent(1, null, new double[] {1, Double.NaN, 2}));
        window.add(new SampledEvent(2, new String[] {"a", "zz", "c"}, new double[] {1, 2, 3}));
        window.add(new SampledEvent(3, null, new double[] {1, 2}));
        var outcome =
                new Retrainer(config().excludeAnomalies(false).build()).retrain(window, v1, 2);
        assertThat(outcome.usableEvents()).isEqualTo(300);
        assertThat(outcome.decision().candidatePerDim()).isFinite();
    }

    @Test
    void identicalRowsAreATrainingFailureWithItsReason() {
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {1, 2, 3};
        }
        var outcome = new Retrainer(config().build()).retrain(sample(rows, 0, true), null, 1);
        assertThat(outcome.published()).isFalse();
        assertThat(outcome.reason()).isEqualTo(RejectReason.TRAINING_FAILED);
        assertThat(outcome.message()).contains("distinct rows");
    }
}
