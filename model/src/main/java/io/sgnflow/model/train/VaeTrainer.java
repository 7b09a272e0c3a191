package io.sgnflow.model.train;

import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.vae.SgnVaeModel;
import io.sgnflow.model.vae.VaeArchitecture;
import io.sgnflow.model.vae.VaeEvaluator;
import io.sgnflow.model.vae.VaeScoring;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains an SGN-VAE (DESIGN §2.5) by maximising the ELBO with the reparameterisation trick: per
 * event and step one draw ε ~ N(0, I_L), z0 = μ + σ ⊙ ε, and the gradient of −w from {@link
 * VaeEvaluator#backward} (through decoder, the leapfrog steps of the latent core, reversibly, and
 * the encoder). Adam on minibatches, global-norm clipping, projection of the core onto its stable
 * region and of the decoder scales onto their floor after each step, early stopping on the
 * validation ELBO, a time budget, and a guard that stops on a non-finite loss and keeps the best
 * parameters.
 *
 * <p>The validation ELBO uses {@value #VALIDATION_SAMPLES} fixed draws, so it is a deterministic
 * function of the parameters and early stopping does not chase sampling noise. The threshold is
 * calibrated on the validation rows with the model's own scoring rule.
 *
 * <p>Initialisation: the encoder starts at q(z0|y) ≈ N(0, I) (small mean head, log-scales near 0),
 * the decoder at m ≈ 0 with unit scales, the core near the identity; so epoch 0 is close to an
 * independent standard Gaussian per feature. A feature constant in training keeps decoder scale 1
 * (its log-scale gets no gradient), as SGN-Flow freezes its terminal scale.
 *
 * <p>A fixed seed and thread count give bit-identical models. Not thread-safe.
 */
public final class VaeTrainer {
    /** Fixed noise draws per validation event. */
    static final int VALIDATION_SAMPLES = 4;

    private final TrainingConfig config;
    private final VaeConfig vae;
    private final FlowTrainer.Listener listener;

    public VaeTrainer(TrainingConfig config, VaeConfig vae, FlowTrainer.Listener listener) {
        this.config = config;
        this.vae = vae;
        this.listener = listener;
    }

    /** Trains a new model from scratch (version 1). */
    public SgnVaeModel train(double[][] rows, List<String> featureNames) {
        return run(rows, featureNames, null, 1L);
    }

    /**
     * Trains a new version from {@code current}'s parameters, standardisation, architecture and
     * scoring rule (the architecture settings of both configurations are ignored).
     */
    public SgnVaeModel warmStart(double[][] rows, SgnVaeModel current, long newVersion) {
        return run(rows, current.featureNames(), current, newVersion);
    }

    private SgnVaeModel run(
            double[][] input, List<String> featureNames, SgnVaeModel start, long version) {
        long t0 = System.nanoTime();
        int d = featureNames.size();
        Random random = new Random(config.seed());
        TrainingSplit split = TrainingSplit.of(input, d, config, random);

        VaeArchitecture arch;
        Standardizer standardizer;
        VaeScoring scoring;
        double[] params;
        if (start == null) {
            int latent = vae.latentDim(d);
            int[] coreWidths = config.hiddenWidths();
            FlowArchitecture core =
                    new FlowArchitecture(
                            latent,
                            coreWidths,
                            config.activation(),
                            config.steps(),
                            config.outputNormBound(),
                            config.spectralBound());
            arch =
                    new VaeArchitecture(
                            d,
                            latent,
                            vae.encoderWidths(coreWidths),
                            vae.decoderWidths(coreWidths),
                            config.activation(),
                            core);
            TrainingConfig.checkSize(arch.parameterCount(), arch);
            standardizer = Standardizer.fit(split.train(), featureNames);
            scoring = new VaeScoring(vae.scoreKind(), vae.scoreSamples(), config.seed() + 3);
            params = new double[arch.parameterCount()];
            initialise(arch, params, random);
        } else {
            arch = start.architecture();
            standardizer = start.standardizer();
            scoring = start.scoring();
            params = start.parameters();
        }
        double[][] trainY = FlowTrainer.standardize(standardizer, split.train());
        double[][] validationY = FlowTrainer.standardize(standardizer, split.validation());
        boolean[] frozen = standardizer.constant();
        double logDet = standardizer.logDet();
        int latent = arch.latentDim();
        int trainCount = trainY.length;

        SpectralNorm projector = new SpectralNorm(arch.core(), config.seed() + 1);
        project(arch, projector, params, 20);
        double[][] validationNoise =
                drawNoise(new Random(config.seed() + 2), VALIDATION_SAMPLES, latent);
        VaeEvaluator validator = new VaeEvaluator(arch);

        int threads = Math.min(config.threads(), Math.max(1, config.batchSize() / 16));
        int[][] epochOrder = new int[1][];
        double[][] epochNoise = new double[trainCount][latent];
        final VaeArchitecture vaeArch = arch;
        try (ParallelGradient gradients =
                new ParallelGradient(
                        threads,
                        arch.parameterCount(),
                        t -> {
                            VaeEvaluator evaluator = new VaeEvaluator(vaeArch);
                            return (p, position, weight, out) -> {
                                evaluator.encode(p, trainY[epochOrder[0][position]]);
                                double w = evaluator.logWeight(p, epochNoise[position]);
                                evaluator.backward(p, weight, frozen, out);
                                return -w;
                            };
                        })) {
            double[] best = params.clone();
            double bestValidation = meanElbo(validator, params, validationY, validationNoise);
            double bestTrain = Double.NaN;
            int bestEpoch = 0;
            List<TrainingSummary.Epoch> history = new ArrayList<>();
            TrainingSummary.Epoch initial =
                    new TrainingSummary.Epoch(0, Double.NaN, (bestValidation + logDet) / d);
            history.add(initial);
            listener.onEpoch(initial);
            if (!Double.isFinite(bestValidation)) {
                throw new IllegalArgumentException(
                        "initial validation ELBO is " + (bestValidation + logDet));
            }

            double[] rates = new double[params.length];
            Arrays.fill(rates, config.learningRate());
            Adam adam = new Adam(rates);
            double[] grad = new double[params.length];
            String stopReason = "epochs";
            int epoch;
            int sinceBest = 0;
            outer:
            for (epoch = 1; epoch <= config.epochs(); epoch++) {
                epochOrder[0] = TrainingSplit.shuffled(trainCount, random);
                for (double[] row : epochNoise) {
                    for (int j = 0; j < latent; j++) {
                        row[j] = random.nextGaussian();
                    }
                }
                double lossSum = 0;
                int lossCount = 0;
                boolean outOfTime = false;
                for (int from = 0; from < trainCount; from += config.batchSize()) {
                    int to = Math.min(trainCount, from + config.batchSize());
                    double loss = gradients.compute(params, from, to, grad);
                    double clip = Adam.clipFactor(grad, config.gradientClipNorm());
                    if (!Double.isFinite(loss) || Double.isNaN(clip)) {
                        stopReason = "non-finite-loss";
                        break outer;
                    }
                    adam.step(params, grad, clip);
                    project(arch, projector, params, 1);
                    lossSum += -loss * (to - from);
                    lossCount += to - from;
                    if (elapsedSeconds(t0) > config.maxSeconds()) {
                        outOfTime = true;
                        break;
                    }
                }
                double validationElbo = meanElbo(validator, params, validationY, validationNoise);
                TrainingSummary.Epoch e =
                        new TrainingSummary.Epoch(
                                epoch,
                                lossCount == 0 ? Double.NaN : (lossSum / lossCount + logDet) / d,
                                (validationElbo + logDet) / d);
                history.add(e);
                listener.onEpoch(e);
                if (!Double.isFinite(validationElbo)) {
                    stopReason = "non-finite-loss";
                    break;
                }
                if (validationElbo > bestValidation) {
                    bestValidation = validationElbo;
                    bestTrain = e.trainLogLikelihoodPerDim();
                    best = params.clone();
                    bestEpoch = epoch;
                    sinceBest = 0;
                } else if (++sinceBest >= config.patience()) {
                    stopReason = "early-stopping";
                    break;
                }
                if (outOfTime) {
                    stopReason = "time-budget";
                    break;
                }
            }
            int epochsRun = Math.min(epoch, config.epochs());

            project(arch, projector, best, 200);
            // Scored once with a placeholder threshold: the real one is a quantile of its scores.
            SgnVaeModel unscored =
                    new SgnVaeModel(
                            version,
                            Instant.now().toString(),
                            featureNames,
                            arch,
                            best,
                            standardizer,
                            scoring,
                            new AnomalyThreshold(config.alpha(), 0, new double[] {0}),
                            null);
            double[] validationScores = scores(unscored, split.validation());
            AnomalyThreshold threshold =
                    AnomalyThreshold.calibrate(config.alpha(), validationScores);
            TrainingSummary summary =
                    new TrainingSummary(
                            input.length,
                            split.duplicatesRemoved(),
                            trainCount,
                            validationY.length,
                            epochsRun,
                            bestEpoch,
                            bestTrain,
                            (bestValidation + logDet) / d,
                            elapsedSeconds(t0),
                            config.seed(),
                            stopReason,
                            history);
            return new SgnVaeModel(
                    version,
                    unscored.createdAt(),
                    featureNames,
                    arch,
                    best,
                    standardizer,
                    scoring,
                    threshold,
                    summary);
        }
    }

    /** The model's own scores (its kind and draws) of raw rows. */
    static double[] scores(SgnVaeModel model, double[][] rows) {
        double[] out = new double[rows.length];
        model.newScorer().scores(rows, rows.length, out);
        return out;
    }

    /** Mean over standardised rows of the ELBO (mean log weight over the fixed draws). */
    static double meanElbo(
            VaeEvaluator evaluator, double[] params, double[][] rowsY, double[][] noise) {
        double sum = 0;
        for (double[] y : rowsY) {
            evaluator.encode(params, y);
            double rowSum = 0;
            for (double[] eps : noise) {
                rowSum += evaluator.logWeight(params, eps);
            }
            sum += rowSum / noise.length;
        }
        return sum / rowsY.length;
    }

    /**
     * Start: core near the identity (as SGN-Flow's), encoder with a small output layer (q ≈ N(0,
     * I)), decoder with a small output layer (m ≈ 0), decoder log-scales 0.
     */
    static void initialise(VaeArchitecture arch, double[] params, Random random) {
        FlowTrainer.initialiseCore(arch.core(), params, random);
        arch.encoder().initialise(params, arch.encoderOffset(), random, 0.1);
        arch.decoder().initialise(params, arch.decoderOffset(), random, 0.1);
        Arrays.fill(params, arch.logScaleOffset(), arch.logScaleOffset() + arch.dim(), 0.0);
    }

    /** Onto the stable region of the core and the floor of the decoder scales. */
    private static void project(
            VaeArchitecture arch, SpectralNorm projector, double[] params, int iterations) {
        projector.project(params, iterations);
        double floor = Math.log(VaeArchitecture.MIN_DECODER_SCALE);
        for (int i = 0; i < arch.dim(); i++) {
            int at = arch.logScaleOffset() + i;
            if (params[at] < floor) {
                params[at] = floor;
            }
        }
    }

    private static double[][] drawNoise(Random random, int count, int latent) {
        double[][] noise = new double[count][latent];
        for (double[] row : noise) {
            for (int j = 0; j < latent; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return noise;
    }

    private static double elapsedSeconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
