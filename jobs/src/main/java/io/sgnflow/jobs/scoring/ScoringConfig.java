package io.sgnflow.jobs.scoring;

import io.sgnflow.connectors.serde.EventFormat;
import io.sgnflow.jobs.kafka.KafkaJobSettings;
import io.sgnflow.jobs.kafka.KafkaJobWiring;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Settings of the scoring job. Immutable; build with {@link #builder()}, which validates in {@link
 * Builder#build()} and names any bad value.
 */
public final class ScoringConfig implements KafkaJobSettings, Serializable {
    private static final long serialVersionUID = 1L;

    /** The broker default for transaction.max.timeout.ms is 15 minutes; stay under it. */
    public static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 600_000L;

    private final String bootstrapServers;
    private final String inputTopic;
    private final String scoresTopic;
    private final String anomaliesTopic;
    private final String deadLetterTopic;
    private final String modelUpdatesTopic;
    private final String groupId;
    private final String startingOffsets;
    private final String initialModelPath;
    private final int parallelism;
    private final long checkpointIntervalMs;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final long transactionTimeoutMs;
    private final int batchSize;
    private final long batchMaxWaitMs;
    private final EventFormat eventFormat;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final Properties clientProperties;
    private final boolean bounded;
    private final String modelSigningKeyFile;

    private ScoringConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.inputTopic = b.inputTopic;
        this.scoresTopic = b.scoresTopic;
        this.anomaliesTopic = b.anomaliesTopic;
        this.deadLetterTopic = b.deadLetterTopic;
        this.modelUpdatesTopic = b.modelUpdatesTopic;
        this.groupId = b.groupId;
        this.startingOffsets = b.startingOffsets;
        this.initialModelPath = b.initialModelPath;
        this.parallelism = b.parallelism;
        this.checkpointIntervalMs = b.checkpointIntervalMs;
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.transactionTimeoutMs = b.transactionTimeoutMs;
        this.batchSize = b.batchSize;
        this.batchMaxWaitMs = b.batchMaxWaitMs;
        this.eventFormat = b.eventFormat;
        this.outOfOrderness = b.outOfOrderness;
        this.idleness = b.idleness;
        this.clientProperties = (Properties) b.clientProperties.clone();
        this.bounded = b.bounded;
        this.modelSigningKeyFile = b.modelSigningKeyFile;
    }

    /**
     * File holding the shared HMAC-SHA256 key for model updates, or null when updates are not
     * authenticated. Only the path is kept here (and logged), never the key.
     */
    public String modelSigningKeyFile() {
        return modelSigningKeyFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String inputTopic() {
        return inputTopic;
    }

    public String scoresTopic() {
        return scoresTopic;
    }

    public String anomaliesTopic() {
        return anomaliesTopic;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Topic of model updates; a job that only serves its initial model reads an empty one. */
    public String modelUpdatesTopic() {
        return modelUpdatesTopic;
    }

    public String groupId() {
        return groupId;
    }

    /** earliest, latest or committed. */
    public String startingOffsets() {
        return startingOffsets;
    }

    /** Model file loaded at start, or null to start in warm-up until an update arrives. */
    public String initialModelPath() {
        return initialModelPath;
    }

    public int parallelism() {
        return parallelism;
    }

    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    public long transactionTimeoutMs() {
        return transactionTimeoutMs;
    }

    public int batchSize() {
        return batchSize;
    }

    public long batchMaxWaitMs() {
        return batchMaxWaitMs;
    }

    public EventFormat eventFormat() {
        return eventFormat;
    }

    public Duration outOfOrderness() {
        return outOfOrderness;
    }

    public Duration idleness() {
        return idleness;
    }

    /** Extra Kafka client settings (SASL/SSL); a copy. */
    public Properties clientProperties() {
        return (Properties) clientProperties.clone();
    }

    /** Whether the event source stops at the offsets that are latest when the job starts. */
    public boolean bounded() {
        return bounded;
    }

    @Override
    public Map<String, String> readTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(inputTopic, "--input-topic");
        topics.putIfAbsent(modelUpdatesTopic, "--model-updates-topic");
        return topics;
    }

    @Override
    public List<Map.Entry<String, String>> topicOptions() {
        return List.of(
                Map.entry("--input-topic", inputTopic),
                Map.entry("--model-updates-topic", modelUpdatesTopic),
                Map.entry("--scores-topic", scoresTopic),
                Map.entry("--anomalies-topic", anomaliesTopic),
                Map.entry("--dead-letter-topic", deadLetterTopic));
    }

    @Override
    public Map<String, String> writeTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(scoresTopic, "--scores-topic");
        topics.putIfAbsent(anomaliesTopic, "--anomalies-topic");
        topics.putIfAbsent(deadLetterTopic, "--dead-letter-topic");
        return topics;
    }

    /** Fluent builder with the defaults of the command line. */
    public static final class Builder {
        private String bootstrapServers;
        private String inputTopic;
        private String scoresTopic = "sgn-scores";
        private String anomaliesTopic = "sgn-anomalies";
        private String deadLetterTopic = "sgn-dead-letters";
        private String modelUpdatesTopic = "sgn-model-updates";
        private String groupId = "sgn-scoring";
        private String startingOffsets = "committed";
        private String initialModelPath;
        private int parallelism = 1;
        private long checkpointIntervalMs = 10_000L;
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String transactionalIdPrefix = "sgn-scoring";
        private long transactionTimeoutMs = DEFAULT_TRANSACTION_TIMEOUT_MS;
        private int batchSize = 256;
        private long batchMaxWaitMs = 50L;
        private EventFormat eventFormat = EventFormat.JSON;
        private Duration outOfOrderness = Duration.ofSeconds(5);
        private Duration idleness = Duration.ofSeconds(30);
        private Properties clientProperties = new Properties();
        private boolean bounded;
        private String modelSigningKeyFile;

        private Builder() {}

        public Builder bootstrapServers(String v) {
            this.bootstrapServers = v;
            return this;
        }

        public Builder inputTopic(String v) {
            this.inputTopic = v;
            return this;
        }

        public Builder scoresTopic(String v) {
            this.scoresTopic = v;
            return this;
        }

        public Builder anomaliesTopic(String v) {
            this.anomaliesTopic = v;
            return this;
        }

        public Builder deadLetterTopic(String v) {
            this.deadLetterTopic = v;
            return this;
        }

        public Builder modelUpdatesTopic(String v) {
            this.modelUpdatesTopic = v;
            return this;
        }

        public Builder groupId(String v) {
            this.groupId = v;
            return this;
        }

        public Builder startingOffsets(String v) {
            this.startingOffsets = v;
            return this;
        }

        public Builder initialModelPath(String v) {
            this.initialModelPath = v == null || v.isBlank() ? null : v;
            return this;
        }

        public Builder parallelism(int v) {
            this.parallelism = v;
            return this;
        }

        public Builder checkpointIntervalMs(long v) {
            this.checkpointIntervalMs = v;
            return this;
        }

        public Builder deliveryGuarantee(DeliveryGuarantee v) {
            this.deliveryGuarantee = v;
            return this;
        }

        public Builder transactionalIdPrefix(String v) {
            this.transactionalIdPrefix = v;
            return this;
        }

        public Builder transactionTimeoutMs(long v) {
            this.transactionTimeoutMs = v;
            return this;
        }

        public Builder batchSize(int v) {
            this.batchSize = v;
            return this;
        }

        public Builder batchMaxWaitMs(long v) {
            this.batchMaxWaitMs = v;
            return this;
        }

        public Builder eventFormat(EventFormat v) {
            this.eventFormat = v;
            return this;
        }

        public Builder outOfOrderness(Duration v) {
            this.outOfOrderness = v;
            return this;
        }

        public Builder idleness(Duration v) {
            this.idleness = v;
            return this;
        }

        public Builder clientProperties(Properties v) {
            this.clientProperties = v == null ? new Properties() : (Properties) v.clone();
            return this;
        }

        public Builder bounded(boolean v) {
            this.bounded = v;
            return this;
        }

        /** Null or blank: model updates are neither signed nor checked. */
        public Builder modelSigningKeyFile(String v) {
            this.modelSigningKeyFile = v == null || v.isBlank() ? null : v;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first invalid setting and its value
         */
        public ScoringConfig build() {
            require(bootstrapServers, "--bootstrap-servers");
            require(inputTopic, "--input-topic");
            require(scoresTopic, "--scores-topic");
            require(anomaliesTopic, "--anomalies-topic");
            require(deadLetterTopic, "--dead-letter-topic");
            require(modelUpdatesTopic, "--model-updates-topic");
            require(groupId, "--group-id");
            KafkaJobWiring.checkStartingOffsets(startingOffsets);
            check(parallelism >= 1, "--parallelism (>= 1)", parallelism);
            check(
                    checkpointIntervalMs >= 100,
                    "--checkpoint-interval-ms (>= 100)",
                    checkpointIntervalMs);
            Objects.requireNonNull(deliveryGuarantee, "delivery guarantee");
            if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                require(transactionalIdPrefix, "--transactional-id-prefix");
                check(transactionTimeoutMs > 0, "--transaction-timeout-ms", transactionTimeoutMs);
            }
            check(batchSize >= 1 && batchSize <= 100_000, "--batch-size (1..100000)", batchSize);
            check(batchMaxWaitMs >= 1, "--batch-max-wait-ms", batchMaxWaitMs);
            Objects.requireNonNull(eventFormat, "event format");
            return KafkaJobWiring.checkShared(new ScoringConfig(this));
        }

        private static void require(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must be set");
            }
        }

        private static void check(boolean ok, String what, Object value) {
            if (!ok) {
                throw new IllegalArgumentException("invalid " + what + ": " + value);
            }
        }
    }

    @Override
    public String toString() {
        return "ScoringConfig{bootstrapServers="
                + bootstrapServers
                + ", inputTopic="
                + inputTopic
                + ", scoresTopic="
                + scoresTopic
                + ", anomaliesTopic="
                + anomaliesTopic
                + ", deadLetterTopic="
                + deadLetterTopic
                + ", modelUpdatesTopic="
                + modelUpdatesTopic
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets
                + ", initialModelPath="
                + initialModelPath
                + ", parallelism="
                + parallelism
                + ", checkpointIntervalMs="
                + checkpointIntervalMs
                + ", deliveryGuarantee="
                + deliveryGuarantee
                + ", transactionalIdPrefix="
                + transactionalIdPrefix
                + ", transactionTimeoutMs="
                + transactionTimeoutMs
                + ", batchSize="
                + batchSize
                + ", batchMaxWaitMs="
                + batchMaxWaitMs
                + ", eventFormat="
                + eventFormat
                + ", bounded="
                + bounded
                + ", modelSigningKeyFile="
                + modelSigningKeyFile
                + "}";
    }
}
