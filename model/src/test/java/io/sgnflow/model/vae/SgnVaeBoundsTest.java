package io.sgnflow.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.train.TrainingConfig;
import io.sgnflow.model.train.VaeConfig;
import io.sgnflow.model.train.VaeTrainer;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.5 on a linear-Gaussian latent model, where log p(x) is known in closed form: an SGN-VAE
 * with a linear decoder has the marginal N(b, A Aᵀ + diag s²) whatever its encoder and latent core,
 * so its ELBO and importance-weighted bound can be compared with its exact log-likelihood.
 */
class SgnVaeBoundsTest {
    private static LinearGaussian truth;
    private static double[][] test;
    private static SgnVaeModel trained;

    @BeforeAll
    static void trainOnLinearGaussianData() {
        Random random = new Random(5);
        truth = new LinearGaussian(4, 2, 0.3, random);
        double[][] train = truth.sample(4000, random);
        test = truth.sample(200, random);
        trained =
                new VaeTrainer(
                                TrainingConfig.builder()
                                        .hiddenWidths(16)
                                        .steps(4)
                                        .epochs(60)
                                        .patience(10)
                                        .seed(3)
                                        .build(),
                                VaeConfig.builder().latentDim(2).decoderWidths().build(),
                                e -> {})
                        .train(train, TestModels.names(4));
    }

    @Test
    void trainedModelRecoversTheTrueDensity() {
        double trueMean = 0;
        double modelMean = 0;
        for (double[] x : test) {
            trueMean += truth.logDensity(x) / test.length;
            modelMean += LinearGaussian.exactLogDensity(trained, x) / test.length;
        }

        assertThat(Math.abs(modelMean - trueMean) / 4).isLessThanOrEqualTo(0.05);
    }

    @Test
    void elboIsBelowTheExactLogLikelihoodAndTheImportanceWeightedBoundReachesIt() {
        double exact = 0;
        for (double[] x : test) {
            exact += LinearGaussian.exactLogDensity(trained, x) / test.length;
        }

        double elboGap = exact - meanScore(trained, ScoreKind.ELBO, 4096, 11);
        double iwGap = exact - meanScore(trained, ScoreKind.IW_LOG_LIKELIHOOD, 4096, 11);

        // The ELBO falls short by the mean KL(q‖posterior); 4096 draws make its sampling error
        // (about 0.005 nats here) far smaller than that gap.
        assertThat(elboGap).isGreaterThan(0.03);
        assertThat(Math.abs(iwGap)).isLessThan(0.01);
        assertThat(Math.abs(iwGap)).isLessThan(elboGap / 4);
    }

    @Test
    void importanceWeightedGapShrinksAsDrawsGrowForAPoorEncoder() {
        // A random encoder and core give a posterior far from the true one: the ELBO gap is
        // several nats, and the importance-weighted bound must close it step by step.
        VaeArchitecture arch =
                TestVaes.architecture(4, 2, 3, Activation.TANH, new int[] {8}, new int[] {});
        double[] params = TestVaes.randomParameters(arch, new Random(8));
        System.arraycopy(
                trained.parameters(),
                trained.architecture().decoderOffset(),
                params,
                arch.decoderOffset(),
                arch.parameterCount() - arch.decoderOffset());
        SgnVaeModel poor =
                new SgnVaeModel(
                        1,
                        null,
                        trained.featureNames(),
                        arch,
                        params,
                        trained.standardizer(),
                        trained.scoring(),
                        trained.threshold(),
                        null);
        double exact = 0;
        for (double[] x : test) {
            exact += LinearGaussian.exactLogDensity(poor, x) / test.length;
        }

        double elboGap = exact - meanScore(poor, ScoreKind.ELBO, 4096, 12);
        double[] iwGaps = new double[4];
        int[] draws = {1, 16, 256, 4096};
        for (int i = 0; i < draws.length; i++) {
            iwGaps[i] = exact - meanScore(poor, ScoreKind.IW_LOG_LIKELIHOOD, draws[i], 13 + i);
        }

        assertThat(elboGap).isGreaterThan(1.0);
        for (int i = 1; i < draws.length; i++) {
            assertThat(iwGaps[i]).as("gap at k=%d", draws[i]).isLessThan(iwGaps[i - 1]);
            assertThat(iwGaps[i]).as("gap at k=%d", draws[i]).isGreaterThan(-0.01);
        }
        assertThat(iwGaps[3]).isLessThan(elboGap / 3);
    }

    private static double meanScore(SgnVaeModel model, ScoreKind kind, int draws, long seed) {
        SgnVaeModel rescored =
                model.withScoring(new VaeScoring(kind, draws, seed), model.threshold());
        VaeScorer scorer = rescored.newScorer();
        double sum = 0;
        for (double[] x : test) {
            sum += scorer.score(x);
        }
        return sum / test.length;
    }
}
