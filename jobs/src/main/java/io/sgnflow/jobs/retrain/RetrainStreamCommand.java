package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.kafka.ClientProperties;
import io.sgnflow.connectors.serde.EventFormat;
import io.sgnflow.jobs.kafka.LocalEnvironments;
import io.sgnflow.model.ModelKind;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sgn-flink retrain-stream}: runs the retraining job. Every option can also be given in a
 * properties or YAML file ({@code --config}) under its long name without dashes, e.g. {@code
 * window-size-ms: 600000}; options on the command line win.
 */
@Command(
        name = "retrain-stream",
        mixinStandardHelpOptions = true,
        description =
                "Train new model versions (of the serving model's kind, SGN-Flow or SGN-VAE) from"
                        + " event-time windows of a Kafka topic and publish those that pass the"
                        + " validation gate.")
public final class RetrainStreamCommand implements Callable<Integer> {

    @Option(names = "--config", description = "Properties or YAML file with any of these options.")
    File configFile;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--input-topic", description = "Topic of events to learn from.")
    String inputTopic;

    @Option(
            names = "--model-updates-topic",
            defaultValue = "sgn-model-updates",
            description =
                    "Topic the scoring job reads model files from. Default: ${DEFAULT-VALUE}.")
    String modelUpdatesTopic;

    @Option(
            names = "--decisions-topic",
            description =
                    "Topic for one JSON record per closed window: PUBLISHED with the new version,"
                            + " or why no version was published (WORSE, TOO_FEW_EVENTS, ...), with"
                            + " the held-out scores (default: none).")
    String decisionsTopic;

    @Option(
            names = "--model-store",
            description =
                    "Directory of published model files (file:///..., s3://..., any Flink file system).")
    String modelStore;

    @Option(
            names = "--keep-versions",
            defaultValue = "10",
            description = "Model files kept in the store. Default: ${DEFAULT-VALUE}.")
    int keepVersions;

    @Option(
            names = "--group-id",
            defaultValue = "sgn-retrain",
            description = "Consumer group. Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(
            names = "--starting-offsets",
            defaultValue = "committed",
            description =
                    "earliest, latest or committed (falls back to earliest). Default: ${DEFAULT-VALUE}.")
    String startingOffsets;

    @Option(
            names = "--model",
            description =
                    "Initial model file (use the scoring job's); without it the newest model in the store, else a cold start.")
    String initialModel;

    @Option(
            names = "--feature-names",
            description =
                    "Comma-separated feature names of a cold start; default: those of the first named event.")
    String featureNames;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description =
                    "Source and parse parallelism; training runs in one subtask. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "10000",
            description = "Default: ${DEFAULT-VALUE}.")
    long checkpointIntervalMs;

    @Option(
            names = "--delivery-guarantee",
            defaultValue = "EXACTLY_ONCE",
            description =
                    "Of the model-updates sink: EXACTLY_ONCE, AT_LEAST_ONCE or NONE. Default: ${DEFAULT-VALUE}.")
    DeliveryGuarantee deliveryGuarantee;

    @Option(
            names = "--transactional-id-prefix",
            defaultValue = "sgn-retrain",
            description = "Default: ${DEFAULT-VALUE}.")
    String transactionalIdPrefix;

    @Option(
            names = "--transaction-timeout-ms",
            defaultValue = "600000",
            description =
                    "Must not exceed the broker's transaction.max.timeout.ms. Default: ${DEFAULT-VALUE}.")
    long transactionTimeoutMs;

    @Option(
            names = "--event-format",
            defaultValue = "json",
            description = "json or csv. Default: ${DEFAULT-VALUE}.")
    String eventFormat;

    @Option(
            names = "--out-of-orderness-ms",
            defaultValue = "5000",
            description = "Watermark lag. Default: ${DEFAULT-VALUE}.")
    long outOfOrdernessMs;

    @Option(
            names = "--idleness-ms",
            defaultValue = "30000",
            description =
                    "A partition idle this long stops holding back time. Default: ${DEFAULT-VALUE}.")
    long idlenessMs;

    @Option(
            names = "--window-size-ms",
            defaultValue = "600000",
            description = "Event-time window length. Default: ${DEFAULT-VALUE}.")
    long windowSizeMs;

    @Option(
            names = "--window-slide-ms",
            defaultValue = "0",
            description =
                    "Slide of sliding windows; 0 for tumbling windows. Default: ${DEFAULT-VALUE}.")
    long windowSlideMs;

    @Option(
            names = "--reservoir-size",
            defaultValue = "5000",
            description = "Largest uniform sample kept per window. Default: ${DEFAULT-VALUE}.")
    int reservoirSize;

    @Option(
            names = "--min-events",
            defaultValue = "200",
            description =
                    "Fewest usable sampled events to train on (also the first version). Default: ${DEFAULT-VALUE}.")
    int minEvents;

    @Option(
            names = "--holdout-fraction",
            defaultValue = "0.2",
            description =
                    "Newest share of the sample held out for the gate and the threshold. Default: ${DEFAULT-VALUE}.")
    double holdoutFraction;

    @Option(
            names = "--tolerance",
            defaultValue = "0.05",
            description =
                    "Largest loss of held-out log-likelihood against the current model, nats per dimension. Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(
            names = "--exclude-anomalies",
            defaultValue = "true",
            arity = "1",
            description =
                    "Leave out events flagged as anomalies: by the scoring job with --scores-topic,"
                            + " else by the current model. Default: ${DEFAULT-VALUE}.")
    boolean excludeAnomalies;

    @Option(
            names = "--max-excluded-fraction",
            defaultValue = "0.25",
            description =
                    "Above this flagged share a window counts as a distribution change and nothing is left out. Default: ${DEFAULT-VALUE}.")
    double maxExcludedFraction;

    @Option(
            names = "--scores-topic",
            description =
                    "The scoring job's scores topic: events it flagged as anomalies are left out of"
                            + " training (default: none; then those the current model flags are).")
    String scoresTopic;

    @Option(
            names = "--model-type",
            defaultValue = "flow",
            description =
                    "Kind of a cold-start model: flow (SGN-Flow) or vae (SGN-VAE); a warm start"
                            + " keeps the current model's kind. Default: ${DEFAULT-VALUE}.")
    String modelType;

    @Option(
            names = "--latent-dim",
            defaultValue = "0",
            description =
                    "Latent dimension of a cold-start SGN-VAE (0: ceil(D/2), at most 16)."
                            + " Default: ${DEFAULT-VALUE}.")
    int latentDim;

    @Option(
            names = "--hidden",
            defaultValue = "32",
            description = "Hidden width of a cold-start model. Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(
            names = "--steps",
            defaultValue = "4",
            description = "Leapfrog steps of a cold-start model. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
            names = "--epochs",
            defaultValue = "20",
            description = "Most epochs per training run. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(
            names = "--max-training-seconds",
            defaultValue = "20",
            description =
                    "Time budget of one training run; checkpoints wait at most about this long. Default: ${DEFAULT-VALUE}.")
    double maxTrainingSeconds;

    @Option(
            names = "--learning-rate",
            defaultValue = "0.005",
            description = "Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(
            names = "--train-batch-size",
            defaultValue = "128",
            description = "Default: ${DEFAULT-VALUE}.")
    int trainBatchSize;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "Threads per training run. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--alpha",
            defaultValue = "0.01",
            description =
                    "Anomaly quantile of the recalibrated threshold. Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(
            names = "--kafka-properties",
            description = "Kafka client properties file (SASL/SSL settings), passed through.")
    Path kafkaProperties;

    @Option(
            names = "--bounded",
            description = "Stop at the end offsets present at start (replay a finite topic).")
    boolean bounded;

    @Option(
            names = "--model-signing-key-file",
            description =
                    "Shared HMAC-SHA256 key (>= 32 bytes); when set, every published model carries an sgn-hmac-sha256 header.")
    String modelSigningKeyFile;

    @Option(
            names = "--detached",
            description = "Submit and return instead of waiting for the job to end.")
    boolean detached;

    /** The configuration these options describe. */
    public RetrainConfig toConfig() throws IOException {
        Properties client =
                kafkaProperties == null ? new Properties() : ClientProperties.load(kafkaProperties);
        List<String> names =
                featureNames == null || featureNames.isBlank()
                        ? null
                        : Arrays.stream(featureNames.split(",")).map(String::trim).toList();
        return RetrainConfig.builder()
                .bootstrapServers(bootstrapServers)
                .inputTopic(inputTopic)
                .modelUpdatesTopic(modelUpdatesTopic)
                .modelStore(modelStore)
                .keepVersions(keepVersions)
                .groupId(groupId)
                .startingOffsets(startingOffsets)
                .initialModelPath(initialModel)
                .featureNames(names)
                .parallelism(parallelism)
                .checkpointIntervalMs(checkpointIntervalMs)
                .deliveryGuarantee(deliveryGuarantee)
                .transactionalIdPrefix(transactionalIdPrefix)
                .transactionTimeoutMs(transactionTimeoutMs)
                .eventFormat(EventFormat.parse(eventFormat))
                .outOfOrderness(Duration.ofMillis(outOfOrdernessMs))
                .idleness(Duration.ofMillis(idlenessMs))
                .windowSize(Duration.ofMillis(windowSizeMs))
                .windowSlide(windowSlideMs == 0 ? null : Duration.ofMillis(windowSlideMs))
                .reservoirSize(reservoirSize)
                .minEvents(minEvents)
                .holdoutFraction(holdoutFraction)
                .tolerance(tolerance)
                .excludeAnomalies(excludeAnomalies)
                .maxExcludedFraction(maxExcludedFraction)
                .scoresTopic(scoresTopic)
                .decisionsTopic(decisionsTopic)
                .modelType(ModelKind.parse(modelType))
                .latentDim(latentDim)
                .hidden(hidden)
                .steps(steps)
                .epochs(epochs)
                .maxTrainingSeconds(maxTrainingSeconds)
                .learningRate(learningRate)
                .trainBatchSize(trainBatchSize)
                .threads(threads)
                .seed(seed)
                .alpha(alpha)
                .clientProperties(client)
                .bounded(bounded)
                .modelSigningKeyFile(modelSigningKeyFile)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        RetrainConfig config = toConfig();
        System.out.println(
                LocalEnvironments.runJob(
                        "retrain-stream",
                        "sgn-retrain",
                        detached,
                        env -> RetrainingJob.build(env, config)));
        return 0;
    }
}
