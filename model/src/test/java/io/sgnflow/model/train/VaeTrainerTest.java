package io.sgnflow.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.vae.SgnVaeModel;
import io.sgnflow.model.vae.VaeArchitecture;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VaeTrainerTest {
    private static final TrainingConfig SMALL =
            TrainingConfig.builder().hiddenWidths(12).steps(3).epochs(15).seed(9).build();

    @Test
    void trainingRaisesTheValidationElbo() {
        TrainingConfig longer = SMALL.toBuilder().epochs(60).batchSize(64).patience(60).build();

        SgnVaeModel model =
                new VaeTrainer(longer, VaeConfig.builder().build(), e -> {})
                        .train(curved(2000, 1), TestModels.names(4));

        List<TrainingSummary.Epoch> history = model.training().history();
        double initial = history.get(0).validationLogLikelihoodPerDim();
        double best = model.training().validationLogLikelihoodPerDim();
        assertThat(model.training().bestEpoch()).isGreaterThan(0);
        // About +0.9 nats/dim here: the 1-D curve is far from the initial independent Gaussian.
        assertThat(best).isGreaterThan(initial + 0.5);
    }

    @Test
    void sameSeedGivesTheSameModelTwice() {
        double[][] rows = curved(600, 2);

        SgnVaeModel first = train(rows, 4, VaeConfig.builder().build());
        SgnVaeModel second = train(rows, 4, VaeConfig.builder().build());

        assertThat(second.parameters()).containsExactly(first.parameters());
        assertThat(second.threshold().threshold()).isEqualTo(first.threshold().threshold());
    }

    @Test
    void modelCarriesTheConfiguredLatentDimensionDecoderAndScoringRule() {
        VaeConfig vae =
                VaeConfig.builder()
                        .latentDim(3)
                        .decoderWidths()
                        .scoreKind(ScoreKind.ELBO)
                        .scoreSamples(5)
                        .build();

        SgnVaeModel model = train(curved(400, 3), 4, vae);

        assertThat(model.architecture().latentDim()).isEqualTo(3);
        assertThat(model.architecture().decoder().hiddenWidths()).isEmpty();
        assertThat(model.scoreKind()).isEqualTo(ScoreKind.ELBO);
        assertThat(model.scoring().samples()).isEqualTo(5);
    }

    @Test
    void defaultLatentDimensionIsHalfTheFeaturesWithinTwoAndSixteen() {
        VaeConfig vae = VaeConfig.builder().build();

        assertThat(vae.latentDim(1)).isEqualTo(2);
        assertThat(vae.latentDim(6)).isEqualTo(3);
        assertThat(vae.latentDim(9)).isEqualTo(5);
        assertThat(vae.latentDim(38)).isEqualTo(16);
    }

    @Test
    void thresholdIsTheAlphaQuantileOfTheModelsOwnValidationScores() {
        SgnVaeModel model = train(curved(1000, 4), 4, VaeConfig.builder().build());

        double[] sample = model.threshold().sortedSample();
        assertThat(sample).hasSize(model.training().validationRows());
        int below = 0;
        for (double v : sample) {
            below += v < model.threshold().threshold() ? 1 : 0;
        }
        assertThat(below).isBetween(0, 2);
    }

    @Test
    void constantFeatureGivesFiniteScoresAndAVeryLowOneForANewValue() {
        double[][] rows = curved(800, 5);
        for (double[] row : rows) {
            row[2] = 7.5;
        }

        SgnVaeModel model = train(rows, 4, VaeConfig.builder().build());

        double usual = model.score(rows[0]);
        double[] moved = rows[0].clone();
        moved[2] = 8.5;
        double unusual = model.score(moved);
        assertThat(usual).isFinite();
        assertThat(unusual).isFinite().isLessThan(usual - 1e6);
        assertThat(model.parameters()[model.architecture().logScaleOffset() + 2]).isZero();
    }

    @Test
    void decoderScalesNeverFallBelowTheirFloor() {
        // Heavily discrete data pulls the decoder scales down towards the point masses.
        Random random = new Random(6);
        double[][] rows = new double[1500][4];
        for (double[] row : rows) {
            int level = random.nextInt(3);
            row[0] = level;
            row[1] = 2 * level + 1e-4 * random.nextGaussian();
            row[2] = random.nextGaussian();
            row[3] = level == 1 ? 1 : 0;
        }

        SgnVaeModel model = train(rows, 4, VaeConfig.builder().build());

        double floor = Math.log(VaeArchitecture.MIN_DECODER_SCALE);
        for (int i = 0; i < 4; i++) {
            assertThat(model.parameters()[model.architecture().logScaleOffset() + i])
                    .isGreaterThanOrEqualTo(floor);
        }
        assertThat(ModelFile.load(ModelFile.toBytes(model)).score(rows[0])).isFinite();
    }

    @Test
    void warmStartKeepsArchitectureStandardisationAndScoringAndSetsTheVersion() {
        SgnVaeModel first = train(curved(800, 7), 4, VaeConfig.builder().build());

        SgnVaeModel next =
                new VaeTrainer(SMALL, VaeConfig.builder().latentDim(2).build(), e -> {})
                        .warmStart(curved(800, 8), first, 5);

        assertThat(next.version()).isEqualTo(5);
        assertThat(next.architecture().latentDim()).isEqualTo(first.architecture().latentDim());
        assertThat(next.standardizer().mean()).containsExactly(first.standardizer().mean());
        assertThat(next.scoring()).isEqualTo(first.scoring());
        assertThat(next.training().history().get(0).validationLogLikelihoodPerDim())
                .isGreaterThan(first.training().history().get(0).validationLogLikelihoodPerDim());
    }

    @Test
    void rejectsNonFiniteTrainingRowNamingRowAndValue() {
        double[][] rows = curved(100, 9);
        rows[17][1] = Double.POSITIVE_INFINITY;

        assertThatThrownBy(() -> train(rows, 4, VaeConfig.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 17 feature 1 is Infinity");
    }

    @Test
    void rejectsABadLatentDimensionNamingIt() {
        assertThatThrownBy(() -> VaeConfig.builder().latentDim(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latent dimension")
                .hasMessageContaining("1");
    }

    private static SgnVaeModel train(double[][] rows, int dim, VaeConfig vae) {
        return new VaeTrainer(SMALL, vae, e -> {}).train(rows, TestModels.names(dim));
    }

    /** Points near a curved 1-D manifold in 4-D, plus noise: what a small latent explains. */
    static double[][] curved(int n, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[n][4];
        for (double[] row : rows) {
            double t = random.nextGaussian();
            row[0] = t + 0.05 * random.nextGaussian();
            row[1] = t * t + 0.05 * random.nextGaussian();
            row[2] = Math.sin(2 * t) + 0.05 * random.nextGaussian();
            row[3] = 0.5 * t - 0.3 * t * t + 0.05 * random.nextGaussian();
        }
        return rows;
    }
}
