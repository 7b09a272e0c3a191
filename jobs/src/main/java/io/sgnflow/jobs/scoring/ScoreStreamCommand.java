package io.sgnflow.jobs.scoring;

import io.sgnflow.connectors.kafka.ClientProperties;
import io.sgnflow.connectors.serde.EventFormat;
import io.sgnflow.jobs.kafka.LocalEnvironments;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sgn-flink score-stream}: runs the scoring job. Every option can also be given in a
 * properties or YAML file ({@code --config}) under its long name without dashes, e.g. {@code
 * bootstrap-servers: broker:9092}; options on the command line win.
 */
@Command(
        name = "score-stream",
        mixinStandardHelpOptions = true,
        description =
                "Score a Kafka topic of feature-vector events with an SGN-Flow or SGN-VAE model,"
                        + " exactly once.")
public final class ScoreStreamCommand implements Callable<Integer> {

    @Option(names = "--config", description = "Properties or YAML file with any of these options.")
    File configFile;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--input-topic", description = "Topic of events to score.")
    String inputTopic;

    @Option(
            names = "--scores-topic",
            defaultValue = "sgn-scores",
            description = "Default: ${DEFAULT-VALUE}.")
    String scoresTopic;

    @Option(
            names = "--anomalies-topic",
            defaultValue = "sgn-anomalies",
            description = "Default: ${DEFAULT-VALUE}.")
    String anomaliesTopic;

    @Option(
            names = "--dead-letter-topic",
            defaultValue = "sgn-dead-letters",
            description = "Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(
            names = "--model-updates-topic",
            defaultValue = "sgn-model-updates",
            description = "Topic of model files (bytes). Default: ${DEFAULT-VALUE}.")
    String modelUpdatesTopic;

    @Option(
            names = "--group-id",
            defaultValue = "sgn-scoring",
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
                    "Initial model file; without it events are WARMUP until an update arrives.")
    String initialModel;

    @Option(names = "--parallelism", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "10000",
            description = "Default: ${DEFAULT-VALUE}.")
    long checkpointIntervalMs;

    @Option(
            names = "--delivery-guarantee",
            defaultValue = "EXACTLY_ONCE",
            description = "EXACTLY_ONCE, AT_LEAST_ONCE or NONE. Default: ${DEFAULT-VALUE}.")
    DeliveryGuarantee deliveryGuarantee;

    @Option(
            names = "--transactional-id-prefix",
            defaultValue = "sgn-scoring",
            description = "Default: ${DEFAULT-VALUE}.")
    String transactionalIdPrefix;

    @Option(
            names = "--transaction-timeout-ms",
            defaultValue = "600000",
            description =
                    "Must not exceed the broker's transaction.max.timeout.ms. Default: ${DEFAULT-VALUE}.")
    long transactionTimeoutMs;

    @Option(
            names = "--batch-size",
            defaultValue = "256",
            description = "Micro-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--batch-max-wait-ms",
            defaultValue = "50",
            description = "Longest an event waits for its batch. Default: ${DEFAULT-VALUE}.")
    long batchMaxWaitMs;

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
                    "Shared HMAC-SHA256 key (>= 32 bytes); when set, only model updates with a valid sgn-hmac-sha256 header are served.")
    String modelSigningKeyFile;

    @Option(
            names = "--detached",
            description = "Submit and return instead of waiting for the job to end.")
    boolean detached;

    /** The configuration these options describe. */
    public ScoringConfig toConfig() throws java.io.IOException {
        Properties client =
                kafkaProperties == null ? new Properties() : ClientProperties.load(kafkaProperties);
        return ScoringConfig.builder()
                .bootstrapServers(bootstrapServers)
                .inputTopic(inputTopic)
                .scoresTopic(scoresTopic)
                .anomaliesTopic(anomaliesTopic)
                .deadLetterTopic(deadLetterTopic)
                .modelUpdatesTopic(modelUpdatesTopic)
                .groupId(groupId)
                .startingOffsets(startingOffsets)
                .initialModelPath(initialModel)
                .parallelism(parallelism)
                .checkpointIntervalMs(checkpointIntervalMs)
                .deliveryGuarantee(deliveryGuarantee)
                .transactionalIdPrefix(transactionalIdPrefix)
                .transactionTimeoutMs(transactionTimeoutMs)
                .batchSize(batchSize)
                .batchMaxWaitMs(batchMaxWaitMs)
                .eventFormat(EventFormat.parse(eventFormat))
                .outOfOrderness(Duration.ofMillis(outOfOrdernessMs))
                .idleness(Duration.ofMillis(idlenessMs))
                .clientProperties(client)
                .bounded(bounded)
                .modelSigningKeyFile(modelSigningKeyFile)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        ScoringConfig config = toConfig();
        System.out.println(
                LocalEnvironments.runJob(
                        "score-stream",
                        "sgn-scoring",
                        detached,
                        env -> ScoringJob.build(env, config)));
        return 0;
    }
}
