package io.sgnflow.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sgnflow.model.FlowScorer;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.io.ModelFile;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowTrainerTest {

    private static final double[][] COVARIANCE = {
        {2.0, 0.8, 0.3, 0.0},
        {0.8, 1.0, -0.4, 0.2},
        {0.3, -0.4, 1.5, 0.6},
        {0.0, 0.2, 0.6, 0.7}
    };
    private static final double[] MEAN = {1, -2, 0.5, 3};

    @Test
    void recoversAGaussianWithKnownCovarianceToFiveHundredthsOfANatPerDimension() {
        double[][] chol = FlowTrainer.cholesky(lower(COVARIANCE), 0);
        double[][] train = gaussian(chol, 6000, new Random(1));
        double[][] test = gaussian(chol, 4000, new Random(2));
        // The terminal map starts at the identity, not at the best Gaussian: what the test
        // measures is then learned by the gradient steps, not given by the starting point.
        TrainingConfig config =
                TrainingConfig.builder()
                        .hiddenWidths(16)
                        .steps(4)
                        .epochs(40)
                        .terminalLearningRateScale(1.0)
                        .gaussianStart(false)
                        .seed(7)
                        .build();

        SgnFlowModel model =
                new FlowTrainer(config, FlowTrainer.Listener.NONE)
                        .train(train, TestModels.names(4));

        double logDetChol = 0;
        for (int i = 0; i < 4; i++) {
            logDetChol += Math.log(chol[i][i]);
        }
        double trueMean = 0;
        double modelMean = 0;
        FlowScorer scorer = model.newScorer();
        for (double[] x : test) {
            trueMean += trueLogDensity(chol, logDetChol, x);
            modelMean += scorer.logLikelihood(x);
        }
        trueMean /= test.length;
        modelMean /= test.length;
        List<TrainingSummary.Epoch> history = model.training().history();
        double start = history.get(0).validationLogLikelihoodPerDim();
        double kept = model.training().validationLogLikelihoodPerDim();
        assertThat(model.training().bestEpoch()).isGreaterThan(0);
        // The uncorrelated start is about 0.35 nats/dim below the truth; training closes that gap.
        assertThat(kept - start).isGreaterThan(0.1);
        assertThat(Math.abs(modelMean - trueMean) / 4).isLessThanOrEqualTo(0.05);
    }

    @Test
    void learnsTwoMoonsClearlyBetterThanTheBestGaussian() {
        double[][] train = twoMoons(4000, new Random(3));
        double[][] test = twoMoons(2000, new Random(4));
        TrainingConfig config =
                TrainingConfig.builder()
                        .hiddenWidths(32)
                        .steps(8)
                        .epochs(30)
                        .patience(15)
                        .learningRate(1e-2)
                        .seed(5)
                        .build();

        SgnFlowModel model =
                new FlowTrainer(config, FlowTrainer.Listener.NONE)
                        .train(train, TestModels.names(2));

        double flow = 0;
        FlowScorer scorer = model.newScorer();
        for (double[] x : test) {
            flow += scorer.logLikelihood(x);
        }
        flow /= test.length;
        double gaussian = bestGaussianMeanLogLikelihood(train, test);
        // Two moons has a differential entropy far below its Gaussian fit; demand a margin that
        // is many standard errors (about 0.02 nats here) wide.
        assertThat(flow - gaussian).isGreaterThan(0.15);
    }

    @Test
    void sameSeedGivesTheSameModelTwice() {
        double[][] rows = twoMoons(600, new Random(9));
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(8).steps(3).epochs(3).seed(21).build();

        byte[] first =
                ModelFile.toBytes(
                        withFixedTime(
                                new FlowTrainer(config, FlowTrainer.Listener.NONE)
                                        .train(rows, TestModels.names(2))));
        byte[] second =
                ModelFile.toBytes(
                        withFixedTime(
                                new FlowTrainer(config, FlowTrainer.Listener.NONE)
                                        .train(rows, TestModels.names(2))));

        assertThat(first).isEqualTo(second);
    }

    @Test
    void constantFeatureGivesFiniteLikelihoodsAndAVeryLowOneForANewValue() {
        Random random = new Random(13);
        double[][] rows = new double[800][3];
        for (double[] row : rows) {
            row[0] = random.nextGaussian();
            row[1] = 0.25;
            row[2] = row[0] + 0.5 * random.nextGaussian();
        }
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(8).steps(2).epochs(5).seed(1).build();

        SgnFlowModel model =
                new FlowTrainer(config, FlowTrainer.Listener.NONE)
                        .train(rows, List.of("a", "constant", "b"));

        double usual = model.logLikelihood(new double[] {0.1, 0.25, 0.2});
        double changed = model.logLikelihood(new double[] {0.1, 0.26, 0.2});
        assertThat(model.standardizer().isConstant(1)).isTrue();
        assertThat(usual).isFinite();
        assertThat(changed).isFinite().isLessThan(usual - 1e6);
        assertThat(model.training().history())
                .allSatisfy(e -> assertThat(e.validationLogLikelihoodPerDim()).isFinite());
    }

    @Test
    void extremeEventGetsTheSameFiniteLikelihoodAloneAndInABatch() {
        double[][] rows = twoMoons(500, new Random(17));
        SgnFlowModel model =
                new FlowTrainer(
                                TrainingConfig.builder().hiddenWidths(8).steps(2).epochs(2).build(),
                                FlowTrainer.Listener.NONE)
                        .train(rows, TestModels.names(2));
        double[] extreme = {1e6, -1e6};
        double[][] batch = {rows[0], extreme, rows[1], {-1e6, 1e6}};

        double alone = model.logLikelihood(extreme);
        double[] out = new double[batch.length];
        model.newScorer().logLikelihoods(batch, out);

        assertThat(alone).isFinite().isLessThan(-1e9);
        assertThat(out[1]).isEqualTo(alone);
        assertThat(out[0]).isEqualTo(model.logLikelihood(rows[0]));
    }

    @Test
    void dropsDuplicateRowsBeforeSplitting() {
        double[][] rows = twoMoons(300, new Random(19));
        double[][] doubled = Arrays.copyOf(rows, 600);
        System.arraycopy(rows, 0, doubled, 300, 300);

        SgnFlowModel model =
                new FlowTrainer(
                                TrainingConfig.builder().hiddenWidths(4).steps(1).epochs(1).build(),
                                FlowTrainer.Listener.NONE)
                        .train(doubled, TestModels.names(2));

        assertThat(model.training().duplicatesRemoved()).isEqualTo(300);
        assertThat(model.training().trainRows() + model.training().validationRows()).isEqualTo(300);
    }

    @Test
    void rejectsNonFiniteTrainingRowNamingRowAndValue() {
        double[][] rows = twoMoons(50, new Random(23));
        rows[7][1] = Double.NaN;
        FlowTrainer trainer =
                new FlowTrainer(TrainingConfig.builder().build(), FlowTrainer.Listener.NONE);

        assertThatThrownBy(() -> trainer.train(rows, TestModels.names(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 7")
                .hasMessageContaining("NaN");
    }

    @Test
    void rejectsAFeatureWhoseSpreadOverflowsNamingIt() {
        double[][] rows = twoMoons(50, new Random(29));
        rows[3][0] = 1e308;
        rows[4][0] = -1e308;
        FlowTrainer trainer =
                new FlowTrainer(TrainingConfig.builder().build(), FlowTrainer.Listener.NONE);

        assertThatThrownBy(() -> trainer.train(rows, List.of("cpu", "memory")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature 'cpu'")
                .hasMessageContaining("1.0E308")
                .hasMessageContaining("rescale");
    }

    @Test
    void warmStartContinuesFromTheCurrentModelsParameters() {
        double[][] rows = twoMoons(800, new Random(29));
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(8).steps(2).epochs(2).seed(3).build();
        FlowTrainer trainer = new FlowTrainer(config, FlowTrainer.Listener.NONE);
        SgnFlowModel first = trainer.train(rows, TestModels.names(2));
        double[][] newRows = twoMoons(800, new Random(31));

        SgnFlowModel second = trainer.warmStart(newRows, first, 2);

        assertThat(second.version()).isEqualTo(2);
        assertThat(second.architecture().toString()).isEqualTo(first.architecture().toString());
        assertThat(second.standardizer().mean()).containsExactly(first.standardizer().mean());
        assertThat(second.standardizer().scale()).containsExactly(first.standardizer().scale());
        // Epoch 0 of the warm start is the first model itself on the new validation split (the
        // split is drawn from the same seed); a fresh start would be the new rows' Gaussian fit.
        double[][] validation =
                TrainingSplit.of(newRows, 2, config, new Random(config.seed())).validation();
        FlowScorer firstScorer = first.newScorer();
        double firstOnNew = 0;
        for (double[] x : validation) {
            firstOnNew += firstScorer.logLikelihood(x);
        }
        firstOnNew /= validation.length * 2.0;
        assertThat(second.training().history().get(0).validationLogLikelihoodPerDim())
                .isCloseTo(firstOnNew, within(1e-9));
    }

    static double[][] twoMoons(int n, Random random) {
        double[][] rows = new double[n][2];
        for (int i = 0; i < n; i++) {
            double t = Math.PI * random.nextDouble();
            boolean upper = random.nextBoolean();
            double x = upper ? Math.cos(t) : 1 - Math.cos(t);
            double y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
            rows[i][0] = x + 0.08 * random.nextGaussian();
            rows[i][1] = y + 0.08 * random.nextGaussian();
        }
        return rows;
    }

    private static double bestGaussianMeanLogLikelihood(double[][] train, double[][] test) {
        int d = train[0].length;
        double[] mean = new double[d];
        for (double[] x : train) {
            for (int i = 0; i < d; i++) {
                mean[i] += x[i] / train.length;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] x : train) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] += (x[i] - mean[i]) * (x[j] - mean[j]) / train.length;
                }
            }
        }
        double[][] chol = FlowTrainer.cholesky(lower(cov), 0);
        double logDet = 0;
        for (int i = 0; i < d; i++) {
            logDet += Math.log(chol[i][i]);
        }
        double sum = 0;
        for (double[] x : test) {
            double[] centred = new double[d];
            for (int i = 0; i < d; i++) {
                centred[i] = x[i] - mean[i];
            }
            sum += gaussianLogDensity(chol, logDet, centred);
        }
        return sum / test.length;
    }

    private static double trueLogDensity(double[][] chol, double logDetChol, double[] x) {
        double[] centred = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            centred[i] = x[i] - MEAN[i];
        }
        return gaussianLogDensity(chol, logDetChol, centred);
    }

    /** log N(x; 0, R Rᵀ) for lower-triangular R with log|det R| given. */
    private static double gaussianLogDensity(double[][] chol, double logDetChol, double[] x) {
        int d = x.length;
        double[] u = new double[d];
        for (int i = 0; i < d; i++) {
            double acc = x[i];
            for (int j = 0; j < i; j++) {
                acc -= chol[i][j] * u[j];
            }
            u[i] = acc / chol[i][i];
        }
        double sq = 0;
        for (double v : u) {
            sq += v * v;
        }
        return -0.5 * sq - 0.5 * d * Math.log(2 * Math.PI) - logDetChol;
    }

    private static double[][] gaussian(double[][] chol, int n, Random random) {
        int d = chol.length;
        double[][] rows = new double[n][d];
        for (double[] row : rows) {
            double[] e = new double[d];
            for (int i = 0; i < d; i++) {
                e[i] = random.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double acc = MEAN[i];
                for (int j = 0; j <= i; j++) {
                    acc += chol[i][j] * e[j];
                }
                row[i] = acc;
            }
        }
        return rows;
    }

    private static double[][] lower(double[][] m) {
        double[][] out = new double[m.length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j <= i; j++) {
                out[i][j] = m[i][j];
            }
        }
        return out;
    }

    private static SgnFlowModel withFixedTime(SgnFlowModel m) {
        return new SgnFlowModel(
                m.version(),
                "2026-01-01T00:00:00Z",
                m.featureNames(),
                m.architecture(),
                m.permutation(),
                m.parameters(),
                m.standardizer(),
                m.threshold(),
                zeroSeconds(m));
    }

    private static io.sgnflow.model.TrainingSummary zeroSeconds(SgnFlowModel m) {
        io.sgnflow.model.TrainingSummary t = m.training();
        return new io.sgnflow.model.TrainingSummary(
                t.rows(),
                t.duplicatesRemoved(),
                t.trainRows(),
                t.validationRows(),
                t.epochs(),
                t.bestEpoch(),
                t.trainLogLikelihoodPerDim(),
                t.validationLogLikelihoodPerDim(),
                0,
                t.seed(),
                t.stopReason(),
                t.history());
    }
}
