package io.sgnflow.jobs.cli;

import io.sgnflow.jobs.data.CsvTable;
import io.sgnflow.jobs.data.NumericRows;
import io.sgnflow.jobs.data.RowError;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
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

/** {@code sgn-flink train}: fits an SGN-Flow model to the numeric columns of a CSV file. */
@Command(
        name = "train",
        sortOptions = false,
        defaultValueProvider = TrainCommand.Defaults.class,
        description = {
            "Trains an SGN-Flow density model on a CSV or CSV.gz file with a header.",
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
        double[][] values = rows.validValues();
        CliFiles.prepareOutput("--model-out", modelOut);
        LOG.info("Training on {} rows with {}", values.length, config);

        FlowTrainer trainer = new FlowTrainer(config, epoch -> logEpoch(epoch, config.epochs()));
        SgnFlowModel model = trainer.train(values, features);
        if (modelVersion != model.version()) {
            model = model.withVersion(modelVersion);
        }
        ModelFile.write(model, modelOut);
        TrainingSummary training = model.training();
        LOG.info(
                "Wrote model version {} to {}: {} epochs (best {}), stopped by {}, validation"
                        + " {} nats/dim, threshold {} in {} s",
                model.version(),
                modelOut,
                training.epochs(),
                training.bestEpoch(),
                training.stopReason(),
                format(training.validationLogLikelihoodPerDim()),
                format(model.threshold().threshold()),
                String.format(Locale.ROOT, "%.1f", training.seconds()));

        JsonSummary summary = new JsonSummary();
        summary.put("command", "train").put("rows", values.length).put("features", features.size());
        summary.root().putPOJO("featureNames", features);
        summary.put("labelColumn", label)
                .put("skippedRows", rows.rejectedCount())
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

    private Activation activation() {
        try {
            return Activation.parse(activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--activation: " + e.getMessage(), e);
        }
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

    private static void logEpoch(TrainingSummary.Epoch epoch, int maxEpochs) {
        if (epoch.epoch() == 0) {
            LOG.info(
                    "epoch 0/{} (Gaussian start): validation {} nats/dim",
                    maxEpochs,
                    format(epoch.validationLogLikelihoodPerDim()));
        } else {
            LOG.info(
                    "epoch {}/{}: train {} nats/dim, validation {} nats/dim",
                    epoch.epoch(),
                    maxEpochs,
                    format(epoch.trainLogLikelihoodPerDim()),
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
