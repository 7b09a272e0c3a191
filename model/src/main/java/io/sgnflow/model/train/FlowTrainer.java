package io.sgnflow.model.train;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.core.TerminalMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Maximum-likelihood training of an SGN-Flow model (DESIGN §2.4): Adam on minibatches of the exact
 * negative log-likelihood, global-norm gradient clipping, projection onto the stable parameter
 * region after each step, early stopping on a held-out split, and a guard that stops on a
 * non-finite loss and keeps the best parameters seen.
 *
 * <p>Initialisation: features are standardised; the terminal map starts as the Cholesky factor of
 * the (ridge-regularised) correlation matrix, i.e. at the best Gaussian fit; the networks start
 * small, so Φ starts close to the identity and training learns the non-Gaussian part. Epoch 0 of
 * the history is that Gaussian start, and training never returns parameters worse on validation
 * than it.
 *
 * <p>A fixed seed and thread count give bit-identical models. Not thread-safe; one run per instance
 * at a time.
 */
public final class FlowTrainer {
    /** Receives progress once per epoch (epoch 0 is the initial state). */
    @FunctionalInterface
    public interface Listener {
        void onEpoch(TrainingSummary.Epoch epoch);

        Listener NONE = e -> {};
    }

    private final TrainingConfig config;
    private final Listener listener;

    public FlowTrainer(TrainingConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
    }

    /** Trains a new model from scratch (version 1). */
    public SgnFlowModel train(double[][] rows, List<String> featureNames) {
        return run(rows, featureNames, null, 1L);
    }

    /**
     * Trains a new version starting from {@code current}'s parameters, standardisation and
     * architecture (the architecture settings of the configuration are ignored).
     */
    public SgnFlowModel warmStart(double[][] rows, SgnFlowModel current, long newVersion) {
        return run(rows, current.featureNames(), current, newVersion);
    }

    private SgnFlowModel run(
            double[][] input, List<String> featureNames, SgnFlowModel start, long version) {
        long t0 = System.nanoTime();
        int d = featureNames.size();
        Random random = new Random(config.seed());
        TrainingSplit split = TrainingSplit.of(input, d, config, random);
        double[][] train = split.train();
        double[][] validation = split.validation();
        int trainCount = train.length;
        int validationCount = validation.length;
        int duplicates = split.duplicatesRemoved();

        FlowArchitecture arch;
        Standardizer standardizer;
        int[] permutation;
        double[] params;
        if (start == null) {
            arch =
                    new FlowArchitecture(
                            d,
                            config.hiddenWidths(),
                            config.activation(),
                            config.steps(),
                            config.outputNormBound(),
                            config.spectralBound());
            TrainingConfig.checkSize(arch.parameterCount(), arch);
            standardizer = Standardizer.fit(train, featureNames);
            permutation = TerminalMap.identity(d);
            params = new double[arch.parameterCount()];
            initialise(
                    arch,
                    standardizer,
                    standardize(standardizer, train),
                    params,
                    random,
                    config.correlationJitter());
            if (!config.gaussianStart()) {
                // L = I and s = 0: only the standardiser's scale is known at the start.
                Arrays.fill(params, arch.lowerOffset(), arch.parameterCount(), 0.0);
            }
        } else {
            arch = start.architecture();
            standardizer = start.standardizer();
            permutation = start.permutation();
            params = start.parameters();
        }
        double[][] trainY = standardize(standardizer, train);
        double[][] validationY = standardize(standardizer, validation);
        double staticLogDet = -0.5 * d * Math.log(2 * Math.PI) + standardizer.logDet();

        SpectralNorm projector = new SpectralNorm(arch, config.seed() + 1);
        projector.project(params, 20);
        int threads = Math.min(config.threads(), Math.max(1, config.batchSize() / 16));
        // The epoch's shuffled order of the training rows, read by the gradient workers.
        int[][] epochOrder = new int[1][];
        final double[][] trainRows = trainY;
        final FlowArchitecture flowArch = arch;
        final int[] flowPermutation = permutation;
        try (ParallelGradient gradients =
                new ParallelGradient(
                        threads,
                        arch.parameterCount(),
                        t -> {
                            FlowBatchGradient g =
                                    FlowBatchGradient.create(flowArch, flowPermutation);
                            return new ParallelGradient.Worker() {
                                @Override
                                public double accumulate(
                                        double[] p, int position, double weight, double[] out) {
                                    return accumulateRange(p, position, position + 1, weight, out);
                                }

                                @Override
                                public double accumulateRange(
                                        double[] p, int from, int to, double weight, double[] out) {
                                    return g.accumulate(
                                            p, trainRows, epochOrder[0], from, to, weight, out);
                                }
                            };
                        })) {
            TerminalMap terminal = new TerminalMap(arch, permutation);
            LeapfrogIntegrator integrator = new LeapfrogIntegrator(arch);

            double[] best = params.clone();
            double bestValidation =
                    meanLogLikelihood(arch, terminal, integrator, params, validationY)
                            + staticLogDet
                            - terminal.logDet(params);
            double bestTrainPerDim = Double.NaN;
            int bestEpoch = 0;
            List<TrainingSummary.Epoch> history = new ArrayList<>();
            TrainingSummary.Epoch initial =
                    new TrainingSummary.Epoch(0, Double.NaN, bestValidation / d);
            history.add(initial);
            listener.onEpoch(initial);
            if (!Double.isFinite(bestValidation)) {
                throw new IllegalArgumentException(
                        "initial validation log-likelihood is " + bestValidation);
            }

            double[] rates = new double[params.length];
            for (int i = 0; i < rates.length; i++) {
                rates[i] =
                        i >= arch.lowerOffset()
                                ? config.learningRate() * config.terminalLearningRateScale()
                                : config.learningRate();
            }
            Adam adam = new Adam(rates);
            double[] grad = new double[params.length];
            boolean[] frozenLogDiag = standardizer.constant();
            int epoch = 0;
            int sinceBest = 0;
            String stopReason = "epochs";
            outer:
            for (epoch = 1; epoch <= config.epochs(); epoch++) {
                epochOrder[0] = TrainingSplit.shuffled(trainCount, random);
                double lossSum = 0;
                int lossCount = 0;
                for (int startIdx = 0; startIdx < trainCount; startIdx += config.batchSize()) {
                    int end = Math.min(trainCount, startIdx + config.batchSize());
                    double half = gradients.compute(params, startIdx, end, grad);
                    double logDetTerm = terminal.logDet(params);
                    double loss = half + logDetTerm;
                    addTerminalLogDetGradient(arch, frozenLogDiag, grad);
                    double clip = Adam.clipFactor(grad, config.gradientClipNorm());
                    if (!Double.isFinite(loss) || Double.isNaN(clip)) {
                        stopReason = "non-finite-loss";
                        break outer;
                    }
                    adam.step(params, grad, clip);
                    projector.project(params, 1);
                    lossSum += (-loss + staticLogDet) * (end - startIdx);
                    lossCount += end - startIdx;
                    if (elapsedSeconds(t0) > config.maxSeconds()) {
                        stopReason = "time-budget";
                        epoch =
                                recordEpoch(
                                        epoch,
                                        lossSum,
                                        lossCount,
                                        d,
                                        arch,
                                        terminal,
                                        integrator,
                                        params,
                                        validationY,
                                        staticLogDet,
                                        history);
                        TrainingSummary.Epoch last = history.get(history.size() - 1);
                        if (last.validationLogLikelihoodPerDim() * d > bestValidation) {
                            bestValidation = last.validationLogLikelihoodPerDim() * d;
                            bestTrainPerDim = last.trainLogLikelihoodPerDim();
                            best = params.clone();
                            bestEpoch = epoch;
                        }
                        break outer;
                    }
                }
                recordEpoch(
                        epoch,
                        lossSum,
                        lossCount,
                        d,
                        arch,
                        terminal,
                        integrator,
                        params,
                        validationY,
                        staticLogDet,
                        history);
                TrainingSummary.Epoch last = history.get(history.size() - 1);
                double validationLl = last.validationLogLikelihoodPerDim() * d;
                if (!Double.isFinite(validationLl)) {
                    stopReason = "non-finite-loss";
                    break;
                }
                if (validationLl > bestValidation) {
                    bestValidation = validationLl;
                    bestTrainPerDim = last.trainLogLikelihoodPerDim();
                    best = params.clone();
                    bestEpoch = epoch;
                    sinceBest = 0;
                } else if (++sinceBest >= config.patience()) {
                    stopReason = "early-stopping";
                    break;
                }
            }
            int epochsRun = Math.min(epoch, config.epochs());

            projector.project(best, 200);
            double[] validationLl =
                    logLikelihoods(arch, terminal, integrator, best, validationY, staticLogDet);
            AnomalyThreshold threshold = AnomalyThreshold.calibrate(config.alpha(), validationLl);
            double meanValidation = Arrays.stream(validationLl).average().orElse(Double.NaN);
            TrainingSummary summary =
                    new TrainingSummary(
                            input.length,
                            duplicates,
                            trainCount,
                            validationCount,
                            epochsRun,
                            bestEpoch,
                            bestTrainPerDim,
                            meanValidation / d,
                            elapsedSeconds(t0),
                            config.seed(),
                            stopReason,
                            history);
            return new SgnFlowModel(
                    version,
                    Instant.now().toString(),
                    featureNames,
                    arch,
                    permutation,
                    best,
                    standardizer,
                    threshold,
                    summary);
        }
    }

    private int recordEpoch(
            int epoch,
            double lossSum,
            int lossCount,
            int d,
            FlowArchitecture arch,
            TerminalMap terminal,
            LeapfrogIntegrator integrator,
            double[] params,
            double[][] validationY,
            double staticLogDet,
            List<TrainingSummary.Epoch> history) {
        double validation =
                meanLogLikelihood(arch, terminal, integrator, params, validationY)
                        + staticLogDet
                        - terminal.logDet(params);
        TrainingSummary.Epoch e =
                new TrainingSummary.Epoch(
                        epoch,
                        lossCount == 0 ? Double.NaN : lossSum / lossCount / d,
                        validation / d);
        history.add(e);
        listener.onEpoch(e);
        return epoch;
    }

    /** Mean of −½‖z0‖² over standardised rows (the event-dependent part of log p). */
    static double meanLogLikelihood(
            FlowArchitecture arch,
            TerminalMap terminal,
            LeapfrogIntegrator integrator,
            double[] params,
            double[][] rowsY) {
        PhaseState state = new PhaseState(arch);
        double[] scratch = new double[arch.dim()];
        double[] z = new double[arch.dim()];
        double sum = 0;
        for (double[] y : rowsY) {
            terminal.inverse(params, y, scratch, scratch, z);
            state.load(z);
            integrator.inverse(params, state);
            sum -= 0.5 * state.squaredNorm();
        }
        return sum / rowsY.length;
    }

    private static double[] logLikelihoods(
            FlowArchitecture arch,
            TerminalMap terminal,
            LeapfrogIntegrator integrator,
            double[] params,
            double[][] rowsY,
            double staticLogDet) {
        PhaseState state = new PhaseState(arch);
        double[] scratch = new double[arch.dim()];
        double[] z = new double[arch.dim()];
        double[] out = new double[rowsY.length];
        double logDet = terminal.logDet(params);
        for (int i = 0; i < rowsY.length; i++) {
            terminal.inverse(params, rowsY[i], scratch, scratch, z);
            state.load(z);
            integrator.inverse(params, state);
            out[i] = staticLogDet - logDet - 0.5 * state.squaredNorm();
        }
        return out;
    }

    /**
     * Completes the gradient of the mean negative log-likelihood: the data term (½‖z0‖², from
     * {@link FlowBatchGradient}) plus that of the terminal map's log-determinant Σ s_i, whose
     * derivative is 1 for each s_i. The s_i of features constant in training stay frozen (gradient
     * 0): their floor scale already makes the usual value cost nothing.
     */
    static void addTerminalLogDetGradient(
            FlowArchitecture arch, boolean[] frozenLogDiag, double[] grad) {
        for (int i = 0; i < arch.dim(); i++) {
            grad[arch.logDiagOffset() + i] =
                    frozenLogDiag[i] ? 0 : grad[arch.logDiagOffset() + i] + 1.0;
        }
    }

    /**
     * Starting point: small random networks, step logits 0 (ε = ε_max/2), and the terminal map at
     * the Cholesky factor of the correlation matrix of the standardised rows.
     */
    static void initialise(
            FlowArchitecture arch,
            Standardizer standardizer,
            double[][] rowsY,
            double[] params,
            Random random,
            double correlationJitter) {
        initialiseCore(arch, params, random);
        initialiseTerminalMap(arch, standardizer, rowsY, params, correlationJitter);
    }

    /**
     * The Hamiltonian core's start: N(0, 1/fanIn) hidden weights, zero biases, output weights of
     * norm about 0.1 (so Φ starts close to the identity) and step logits 0 (ε = ε_max/2).
     */
    static void initialiseCore(FlowArchitecture arch, double[] params, Random random) {
        for (EnergyNetwork net : new EnergyNetwork[] {arch.potential(), arch.kinetic()}) {
            int base = net == arch.potential() ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                int fan = net.fanIn(l);
                int size = net.width(l) * fan;
                double sd = 1.0 / Math.sqrt(fan);
                for (int i = 0; i < size; i++) {
                    params[base + net.weightOffset(l) + i] = sd * random.nextGaussian();
                }
            }
            int width = net.width(net.layers() - 1);
            double sd = 0.1 / Math.sqrt(width);
            for (int i = 0; i < width; i++) {
                params[base + net.outputOffset() + i] = sd * random.nextGaussian();
            }
        }
    }

    private static void initialiseTerminalMap(
            FlowArchitecture arch,
            Standardizer standardizer,
            double[][] rowsY,
            double[] params,
            double correlationJitter) {
        int d = arch.dim();
        double[][] corr = new double[d][d];
        for (double[] y : rowsY) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    corr[i][j] += y[i] * y[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                corr[i][j] /= rowsY.length;
                boolean constant = standardizer.isConstant(i) || standardizer.isConstant(j);
                if (constant) {
                    corr[i][j] = i == j ? 1.0 : 0.0;
                }
            }
        }
        // Near-collinear features make the plain correlation matrix singular; grow the ridge
        // until the factorisation succeeds.
        double jitter = Math.max(correlationJitter, 1e-9);
        double[][] chol = cholesky(corr, jitter);
        for (int attempt = 0; attempt < 8 && chol == null; attempt++) {
            jitter *= 10;
            chol = cholesky(corr, jitter);
        }
        if (chol == null) {
            // Degenerate beyond repair: start from the identity, which is always valid.
            chol = new double[d][d];
            for (int i = 0; i < d; i++) {
                chol[i][i] = 1;
            }
        }
        for (int i = 0; i < d; i++) {
            params[arch.logDiagOffset() + i] = Math.log(chol[i][i]);
            for (int j = 0; j < i; j++) {
                params[arch.lowerIndex(i, j)] = chol[i][j] / chol[j][j];
            }
        }
    }

    /** Lower Cholesky factor of (corr + jitter·I) scaled by 1/(1 + jitter), or null. */
    static double[][] cholesky(double[][] lowerCorr, double jitter) {
        int d = lowerCorr.length;
        double[][] r = new double[d][d];
        double scale = 1.0 / (1.0 + jitter);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = (lowerCorr[i][j] + (i == j ? jitter : 0)) * scale;
                for (int k = 0; k < j; k++) {
                    sum -= r[i][k] * r[j][k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        return null;
                    }
                    r[i][i] = Math.sqrt(sum);
                } else {
                    r[i][j] = sum / r[j][j];
                }
            }
        }
        return r;
    }

    static double[][] standardize(Standardizer standardizer, double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            standardizer.apply(rows[i], out[i]);
        }
        return out;
    }

    private static double elapsedSeconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
