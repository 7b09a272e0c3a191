package io.sgnflow.jobs.cli;

import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.jobs.data.NumericRows;
import io.sgnflow.jobs.data.RowError;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ModelKind;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.train.DensityTrainer;
import io.sgnflow.model.train.TrainingConfig;
import io.sgnflow.model.train.VaeConfig;
import io.sgnflow.model.vae.VaeScoring;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sgn-flink train}: fits an SGN-Flow (or, with {@code --model-type vae}, an SGN-VAE) model
 * to the numeric columns of a CSV file.
 */
@Command(
        name = "train",
        sortOptions = false,
        defaultValueProvider = TrainCommand.Defaults.class,
        description = {
            "Trains an SGN-Flow density model (or an SGN-VAE with --model-type vae) on a CSV or"
                    + " CSV.gz file with a header.",
            "Every column except the label column and the excluded ones is a feature. Rows with a"
                    + " wrong field count or a non-numeric, NaN or infinite feature are skipped"
                    + " (WARN, counted in the summary).",
            "Progress per epoch on stderr; a JSON summary as the last line of stdout."
        })
final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    /** Skipped rows logged one by one; the rest only counted. */
    private static final int LOGGED_SKIPS = 10;

    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training CSV.")
    Path data;

    @Option(
            names = "--model-out",
            required = true,
            paramLabel = "FILE",
            description = "Where to write the model file.")
    Path modelOut;

    @Option(
            names = "--label-column",
            paramLabel = "NAME",
            description =
                    "Label column, never a feature (default: 'label' when the header has it).")
    String labelColumn;

    @Option(
            names = "--exclude-columns",
            split = ",",
            paramLabel = "NAME",
            description = "Columns that are not features.")
    List<String> excludeColumns = new ArrayList<>();

    @Option(
            names = "--model-type",
            paramLabel = "TYPE",
            description =
                    "flow (SGN-Flow, exact log-likelihood) or vae (SGN-VAE, scored by a lower"
                            + " bound) (default: ${DEFAULT-VALUE}).")
    String modelType;

    @Option(
            names = "--latent-dim",
            paramLabel = "L",
            description =
                    "SGN-VAE latent dimension, 2 or more (default: ceil(D/2), at most "
                            + VaeConfig.MAX_DEFAULT_LATENT
                            + ").")
    Integer latentDim;

    @Option(
            names = "--encoder-hidden",
            split = ",",
            paramLabel = "H",
            description = "SGN-VAE encoder hidden widths (default: those of --hidden).")
    int[] encoderHidden;

    @Option(
            names = "--decoder-hidden",
            split = ",",
            paramLabel = "H",
            description =
                    "SGN-VAE decoder hidden widths; 0 for a linear decoder (default: those of"
                            + " --hidden).")
    int[] decoderHidden;

    @Option(
            names = "--score-kind",
            paramLabel = "KIND",
            description =
                    "SGN-VAE score: iw_log_likelihood (importance-weighted bound) or elbo"
                            + " (default: ${DEFAULT-VALUE}).")
    String scoreKind;

    @Option(
            names = "--score-samples",
            paramLabel = "K",
            description =
                    "SGN-VAE noise draws per scored event, fixed per model (default:"
                            + " ${DEFAULT-VALUE}).")
    int scoreSamples;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--steps",
            paramLabel = "K",
            description = "Leapfrog steps K (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--hidden",
            split = ",",
            paramLabel = "H",
            description = "Hidden widths of the V and T networks (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(
            names = "--activation",
            paramLabel = "NAME",
            description = "tanh, softplus or silu (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "Largest number of epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--learning-rate",
            paramLabel = "RATE",
            description = "Adam step size (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--validation-fraction",
            paramLabel = "FRACTION",
            description = "Share of rows held out (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(
            names = "--patience",
            paramLabel = "N",
            description = "Epochs without improvement before stopping (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(
            names = "--spectral-bound",
            paramLabel = "RHO",
            description =
                    "Spectral-norm bound of the hidden layers; larger resolves finer structure with"
                            + " smaller stable steps (default: ${DEFAULT-VALUE}).")
    double spectralBound;

    @Option(
            names = "--output-norm-bound",
            paramLabel = "BETA",
            description = "Norm bound of the output weights (default: ${DEFAULT-VALUE}).")
    double outputNormBound;

    @Option(
            names = "--alpha",
            paramLabel = "ALPHA",
            description =
                    "Anomaly quantile of validation log-likelihoods (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "Gradient threads (default: available processors, at most 2; here"
                            + " ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--max-seconds",
            paramLabel = "SECONDS",
            description = "Training time budget in seconds (default: no limit).")
    Double maxSeconds;

    @Option(
            names = "--model-version",
            paramLabel = "N",
            description = "Version number stored in the model (default: ${DEFAULT-VALUE}).")
    long modelVersion;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        TrainingConfig config = config();
        ModelKind kind = CliFiles.option("--model-type", () -> ModelKind.parse(modelType));
        VaeConfig vae = vaeConfig(kind);
        if (modelVersion < 1) {
            throw new IllegalArgumentException("--model-version must be >= 1, was " + modelVersion);
        }
        CsvTable table = CliFiles.readTable("--data", data);
        String label = CliFiles.labelColumn(table, labelColumn);
        List<String> features;
        try {
            features = table.featureColumns(label, excludeColumns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--exclude-columns: " + e.getMessage(), e);
        }
        LOG.info(
                "Read {} data rows from {}; {} features {}, label column {}",
                table.rowCount(),
                data,
                features.size(),
                features,
                label == null ? "none" : "'" + label + "'");
        NumericRows rows = table.numeric(features, null);
        logSkipped(rows);
        rows.requireValidRows("--data", data);
        double[][] values = withoutHugeValues(rows, features);
        int skipped = rows.rejectedCount() + rows.validCount() - values.length;
        if (values.length == 0) {
            throw new IllegalArgumentException(
                    "--data: " + data + " has no row with every value below " + TOO_LARGE);
        }
        CliFiles.prepareOutput("--model-out", modelOut, data);
        LOG.info(
                "Training an {} model on {} rows with {}{}",
                kind.modelType(),
                values.length,
                config,
                kind == ModelKind.VAE ? " and " + vae : "");

        DensityTrainer trainer =
                new DensityTrainer(
                        kind, config, vae, epoch -> logEpoch(epoch, config.epochs(), kind));
        DensityModel model = trainer.train(values, features);
        if (modelVersion != model.version()) {
            model = model.withVersion(modelVersion);
        }
        ModelFile.write(model, modelOut);
        TrainingSummary training = model.training();
        LOG.info(
                "Wrote {} model version {} to {}: {} epochs (best {}), stopped by {}, validation"
                        + " {} {} nats/dim, threshold {} in {} s",
                model.modelType(),
                model.version(),
                modelOut,
                training.epochs(),
                training.bestEpoch(),
                training.stopReason(),
                kind == ModelKind.VAE ? "ELBO" : "log-likelihood",
                format(training.validationLogLikelihoodPerDim()),
                format(model.threshold().threshold()),
                String.format(Locale.ROOT, "%.1f", training.seconds()));

        JsonSummary summary = new JsonSummary();
        summary.put("command", "train")
                .put("modelType", model.modelType())
                .put("scoreKind", model.scoreKind().id())
                .put("rows", values.length)
                .put("features", features.size());
        summary.root().putPOJO("featureNames", features);
        summary.put("labelColumn", label)
                .put("skippedRows", skipped)
                .put("duplicatesRemoved", training.duplicatesRemoved())
                .put("trainRows", training.trainRows())
                .put("validationRows", training.validationRows())
                .put("epochs", training.epochs())
                .put("bestEpoch", training.bestEpoch())
                .put("stopReason", training.stopReason())
                .put("trainLogLikelihoodPerDim", training.trainLogLikelihoodPerDim())
                .put("validationLogLikelihoodPerDim", training.validationLogLikelihoodPerDim())
                .put("threshold", model.threshold().threshold())
                .put("alpha", model.threshold().alpha())
                .put("seconds", training.seconds())
                .put("wallSeconds", (System.nanoTime() - t0) / 1e9)
                .put("modelVersion", model.version())
                .put("modelOut", modelOut.toAbsolutePath().toString());
        summary.print(spec);
        return SgnCli.EXIT_OK;
    }

    private TrainingConfig config() {
        TrainingConfig.Builder builder =
                TrainingConfig.builder()
                        .hiddenWidths(hidden)
                        .activation(activation())
                        .steps(steps)
                        .spectralBound(spectralBound)
                        .outputNormBound(outputNormBound)
                        .epochs(epochs)
                        .batchSize(batchSize)
                        .learningRate(learningRate)
                        .validationFraction(validationFraction)
                        .patience(patience)
                        .seed(seed)
                        .alpha(alpha)
                        .threads(threads);
        if (maxSeconds != null) {
            builder.maxSeconds(maxSeconds);
        }
        return builder.build();
    }

    /** The SGN-VAE settings, or null for a flow (where VAE options are an error). */
    private VaeConfig vaeConfig(ModelKind kind) {
        boolean vaeOptionGiven =
                latentDim != null
                        || encoderHidden != null
                        || decoderHidden != null
                        || spec.commandLine().getParseResult().hasMatchedOption("--score-kind")
                        || spec.commandLine().getParseResult().hasMatchedOption("--score-samples");
        if (kind != ModelKind.VAE) {
            if (vaeOptionGiven) {
                throw new IllegalArgumentException(
                        "--latent-dim, --encoder-hidden, --decoder-hidden, --score-kind and"
                                + " --score-samples apply to --model-type vae only");
            }
            return null;
        }
        VaeConfig.Builder builder = VaeConfig.builder();
        if (latentDim != null) {
            if (latentDim < 2) {
                throw new IllegalArgumentException("--latent-dim must be >= 2, was " + latentDim);
            }
            builder.latentDim(latentDim);
        }
        if (encoderHidden != null) {
            builder.encoderWidths(encoderHidden);
        }
        if (decoderHidden != null) {
            builder.decoderWidths(
                    decoderHidden.length == 1 && decoderHidden[0] == 0
                            ? new int[0]
                            : decoderHidden);
        }
        builder.scoreKind(CliFiles.option("--score-kind", () -> ScoreKind.parse(scoreKind)));
        builder.scoreSamples(scoreSamples);
        return CliFiles.option("--model-type vae", builder::build);
    }

    private Activation activation() {
        try {
            return Activation.parse(activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--activation: " + e.getMessage(), e);
        }
    }

    /** See {@link TrainingConfig#MAX_TRAINING_VALUE}. */
    static final double TOO_LARGE = TrainingConfig.MAX_TRAINING_VALUE;

    /** The valid rows without those holding a value beyond {@link #TOO_LARGE}, which are logged. */
    private static double[][] withoutHugeValues(NumericRows rows, List<String> features) {
        double[][] values = rows.validValues();
        int[] lines = rows.validLines();
        List<double[]> kept = new ArrayList<>(values.length);
        int dropped = 0;
        for (int i = 0; i < values.length; i++) {
            int column = -1;
            for (int j = 0; j < values[i].length && column < 0; j++) {
                if (Math.abs(values[i][j]) > TOO_LARGE) {
                    column = j;
                }
            }
            if (column < 0) {
                kept.add(values[i]);
                continue;
            }
            if (++dropped <= LOGGED_SKIPS) {
                LOG.warn(
                        "Skipping row at line {}: column '{}': {} is too large to train on (|value|"
                                + " > {})",
                        lines[i],
                        features.get(column),
                        values[i][column],
                        TOO_LARGE);
            }
        }
        if (dropped > LOGGED_SKIPS) {
            LOG.warn("Skipped {} rows with values beyond {} in total", dropped, TOO_LARGE);
        }
        return kept.toArray(new double[0][]);
    }

    private static void logSkipped(NumericRows rows) {
        List<RowError> errors = rows.errors();
        for (int i = 0; i < Math.min(LOGGED_SKIPS, errors.size()); i++) {
            LOG.warn("Skipping row at {}", errors.get(i));
        }
        if (errors.size() > LOGGED_SKIPS) {
            LOG.warn(
                    "Skipped {} rows in total ({} not listed)",
                    errors.size(),
                    errors.size() - LOGGED_SKIPS);
        }
    }

    private static void logEpoch(TrainingSummary.Epoch epoch, int maxEpochs, ModelKind kind) {
        String what = kind == ModelKind.VAE ? "ELBO " : "";
        if (epoch.epoch() == 0) {
            LOG.info(
                    "epoch 0/{} ({}): validation {}{} nats/dim",
                    maxEpochs,
                    kind == ModelKind.VAE ? "initial networks" : "Gaussian start",
                    what,
                    format(epoch.validationLogLikelihoodPerDim()));
        } else {
            LOG.info(
                    "epoch {}/{}: train {}{} nats/dim, validation {}{} nats/dim",
                    epoch.epoch(),
                    maxEpochs,
                    what,
                    format(epoch.trainLogLikelihoodPerDim()),
                    what,
                    format(epoch.validationLogLikelihoodPerDim()));
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** Defaults shown in --help and used when an option is absent: those of TrainingConfig. */
    static final class Defaults implements IDefaultValueProvider {
        private static final TrainingConfig CONFIG = TrainingConfig.builder().build();

        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (!(argSpec instanceof OptionSpec option)) {
                return null;
            }
            return switch (option.longestName()) {
                case "--seed" -> String.valueOf(CONFIG.seed());
                case "--steps" -> String.valueOf(CONFIG.steps());
                case "--hidden" -> joined(CONFIG.hiddenWidths());
                case "--activation" -> CONFIG.activation().id();
                case "--epochs" -> String.valueOf(CONFIG.epochs());
                case "--batch-size" -> String.valueOf(CONFIG.batchSize());
                case "--learning-rate" -> String.valueOf(CONFIG.learningRate());
                case "--validation-fraction" -> String.valueOf(CONFIG.validationFraction());
                case "--patience" -> String.valueOf(CONFIG.patience());
                case "--spectral-bound" -> String.valueOf(CONFIG.spectralBound());
                case "--output-norm-bound" -> String.valueOf(CONFIG.outputNormBound());
                case "--alpha" -> String.valueOf(CONFIG.alpha());
                case "--threads" ->
                        String.valueOf(Math.min(2, Runtime.getRuntime().availableProcessors()));
                case "--model-version" -> "1";
                case "--model-type" -> ModelKind.FLOW.id();
                case "--score-kind" -> VaeScoring.DEFAULT_KIND.id();
                case "--score-samples" -> String.valueOf(VaeScoring.DEFAULT_SAMPLES);
                default -> null;
            };
        }

        private static String joined(int[] values) {
            StringBuilder out = new StringBuilder();
            for (int v : values) {
                out.append(out.length() == 0 ? "" : ",").append(v);
            }
            return out.toString();
        }
    }
}
