package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.serde.EventFormat;
import io.sgnflow.jobs.kafka.KafkaJobSettings;
import io.sgnflow.jobs.kafka.KafkaJobWiring;
import io.sgnflow.jobs.scoring.ScoringConfig;
import io.sgnflow.model.ModelKind;
import io.sgnflow.model.train.TrainingConfig;
import io.sgnflow.model.train.VaeConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Settings of the retraining job. Immutable; build with {@link #builder()}, which validates in
 * {@link Builder#build()} and names any bad value.
 */
public final class RetrainConfig implements KafkaJobSettings, Serializable {
    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final String inputTopic;
    private final String modelUpdatesTopic;
    private final String modelStore;
    private final int keepVersions;
    private final String groupId;
    private final String startingOffsets;
    private final String initialModelPath;
    private final java.util.List<String> featureNames;
    private final int parallelism;
    private final long checkpointIntervalMs;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final long transactionTimeoutMs;
    private final EventFormat eventFormat;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final Duration windowSize;
    private final Duration windowSlide;
    private final int reservoirSize;
    private final int minEvents;
    private final double holdoutFraction;
    private final double tolerance;
    private final boolean excludeAnomalies;
    private final double maxExcludedFraction;
    private final String scoresTopic;
    private final String decisionsTopic;
    private final ModelKind modelType;
    private final int latentDim;
    private final int hidden;
    private final int steps;
    private final int epochs;
    private final double maxTrainingSeconds;
    private final double learningRate;
    private final int trainBatchSize;
    private final int threads;
    private final long seed;
    private final double alpha;
    private final Properties clientProperties;
    private final boolean bounded;
    private final String modelSigningKeyFile;

    private RetrainConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.inputTopic = b.inputTopic;
        this.modelUpdatesTopic = b.modelUpdatesTopic;
        this.modelStore = b.modelStore;
        this.keepVersions = b.keepVersions;
        this.groupId = b.groupId;
        this.startingOffsets = b.startingOffsets;
        this.initialModelPath = b.initialModelPath;
        this.featureNames = b.featureNames == null ? null : List.copyOf(b.featureNames);
        this.parallelism = b.parallelism;
        this.checkpointIntervalMs = b.checkpointIntervalMs;
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.transactionTimeoutMs = b.transactionTimeoutMs;
        this.eventFormat = b.eventFormat;
        this.outOfOrderness = b.outOfOrderness;
        this.idleness = b.idleness;
        this.windowSize = b.windowSize;
        this.windowSlide = b.windowSlide;
        this.reservoirSize = b.reservoirSize;
        this.minEvents = b.minEvents;
        this.holdoutFraction = b.holdoutFraction;
        this.tolerance = b.tolerance;
        this.excludeAnomalies = b.excludeAnomalies;
        this.maxExcludedFraction = b.maxExcludedFraction;
        this.scoresTopic = b.scoresTopic;
        this.decisionsTopic = b.decisionsTopic;
        this.modelType = b.modelType;
        this.latentDim = b.latentDim;
        this.hidden = b.hidden;
        this.steps = b.steps;
        this.epochs = b.epochs;
        this.maxTrainingSeconds = b.maxTrainingSeconds;
        this.learningRate = b.learningRate;
        this.trainBatchSize = b.trainBatchSize;
        this.threads = b.threads;
        this.seed = b.seed;
        this.alpha = b.alpha;
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

    /** Kafka bootstrap servers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Topic of events to learn from. */
    public String inputTopic() {
        return inputTopic;
    }

    /** Topic the scoring job reads model files from. */
    public String modelUpdatesTopic() {
        return modelUpdatesTopic;
    }

    /** Model store directory, a Flink file-system URI (file:///..., s3://...). */
    public String modelStore() {
        return modelStore;
    }

    /** Model files kept in the store; older ones are deleted. */
    public int keepVersions() {
        return keepVersions;
    }

    /** Consumer group of the event source. */
    public String groupId() {
        return groupId;
    }

    /** earliest, latest or committed. */
    public String startingOffsets() {
        return startingOffsets;
    }

    /** Model file to start from, or null (then the newest file in the store, else a cold start). */
    public String initialModelPath() {
        return initialModelPath;
    }

    /** Feature names for a cold start, or null to take them from the first named event. */
    public java.util.List<String> featureNames() {
        return featureNames;
    }

    /** Parallelism of the source and parsing; windows and training run in one subtask. */
    public int parallelism() {
        return parallelism;
    }

    /** Checkpoint interval. */
    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    /** Guarantee of the model-updates sink. */
    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    /** Transactional id prefix of the model-updates sink. */
    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    /** transaction.timeout.ms of the sink. */
    public long transactionTimeoutMs() {
        return transactionTimeoutMs;
    }

    /** Format of the events. */
    public EventFormat eventFormat() {
        return eventFormat;
    }

    /** Watermark lag. */
    public Duration outOfOrderness() {
        return outOfOrderness;
    }

    /** A partition idle this long stops holding back event time. */
    public Duration idleness() {
        return idleness;
    }

    /** Event-time window length. */
    public Duration windowSize() {
        return windowSize;
    }

    /** Slide of sliding windows, or null for tumbling windows. */
    public Duration windowSlide() {
        return windowSlide;
    }

    /** Largest sample kept per window. */
    public int reservoirSize() {
        return reservoirSize;
    }

    /** Fewest usable sampled events a window needs to train (also for the first version). */
    public int minEvents() {
        return minEvents;
    }

    /** Share of the newest sampled events held out for the gate and the threshold. */
    public double holdoutFraction() {
        return holdoutFraction;
    }

    /**
     * Largest loss (nats per dimension) of a candidate against the current model on held-out data.
     */
    public double tolerance() {
        return tolerance;
    }

    /** Leave out events the current model flags as anomalies. */
    public boolean excludeAnomalies() {
        return excludeAnomalies;
    }

    /**
     * When more than this share is flagged, the window is a regime change and nothing is left out.
     */
    public double maxExcludedFraction() {
        return maxExcludedFraction;
    }

    /**
     * The scoring job's scores topic, whose anomaly verdicts decide what is left out of training;
     * null to leave out what the current model flags instead.
     */
    public String scoresTopic() {
        return scoresTopic;
    }

    /** Topic for one {@link RetrainDecision} per window, or null for none. */
    public String decisionsTopic() {
        return decisionsTopic;
    }

    /** Kind of a cold-start model; a warm start keeps the current model's kind. */
    public ModelKind modelType() {
        return modelType;
    }

    /** Latent dimension of a cold-start SGN-VAE; 0 for the default. */
    public int latentDim() {
        return latentDim;
    }

    /** SGN-VAE settings of a cold start (defaults but for the latent dimension). */
    public VaeConfig vaeConfig() {
        return VaeConfig.builder().latentDim(latentDim).build();
    }

    /** Hidden width of a cold-start model. */
    public int hidden() {
        return hidden;
    }

    /** Leapfrog steps of a cold-start model. */
    public int steps() {
        return steps;
    }

    /** Largest number of epochs per training run. */
    public int epochs() {
        return epochs;
    }

    /** Wall-clock budget of one training run. */
    public double maxTrainingSeconds() {
        return maxTrainingSeconds;
    }

    /** Adam step size. */
    public double learningRate() {
        return learningRate;
    }

    /** Training minibatch size. */
    public int trainBatchSize() {
        return trainBatchSize;
    }

    /** Threads per training run. */
    public int threads() {
        return threads;
    }

    /** Seed of sampling and training. */
    public long seed() {
        return seed;
    }

    /** Anomaly quantile of the recalibrated threshold. */
    public double alpha() {
        return alpha;
    }

    /** Extra Kafka client settings (SASL/SSL). */
    public Properties clientProperties() {
        return (Properties) clientProperties.clone();
    }

    /** Stop at the end offsets present at start. */
    public boolean bounded() {
        return bounded;
    }

    @Override
    public Map<String, String> readTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(inputTopic, "--input-topic");
        if (scoresTopic != null) {
            topics.putIfAbsent(scoresTopic, "--scores-topic");
        }
        return topics;
    }

    @Override
    public List<Map.Entry<String, String>> topicOptions() {
        List<Map.Entry<String, String>> topics = new java.util.ArrayList<>();
        topics.add(Map.entry("--input-topic", inputTopic));
        if (scoresTopic != null) {
            topics.add(Map.entry("--scores-topic", scoresTopic));
        }
        topics.add(Map.entry("--model-updates-topic", modelUpdatesTopic));
        if (decisionsTopic != null) {
            topics.add(Map.entry("--decisions-topic", decisionsTopic));
        }
        return topics;
    }

    @Override
    public Map<String, String> writeTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(modelUpdatesTopic, "--model-updates-topic");
        if (decisionsTopic != null) {
            topics.putIfAbsent(decisionsTopic, "--decisions-topic");
        }
        return topics;
    }

    /** The training settings of a run (architecture settings apply to cold starts only). */
    public TrainingConfig trainingConfig() {
        return TrainingConfig.builder()
                .hiddenWidths(hidden)
                .steps(steps)
                .epochs(epochs)
                .maxSeconds(maxTrainingSeconds)
                .learningRate(learningRate)
                .batchSize(trainBatchSize)
                .threads(threads)
                .seed(seed)
                .alpha(alpha)
                .build();
    }

    /** Fluent builder with the defaults of the command line. */
    public static final class Builder {
        private String bootstrapServers;
        private String inputTopic;
        private String modelUpdatesTopic = "sgn-model-updates";
        private String modelStore;
        private int keepVersions = 10;
        private String groupId = "sgn-retrain";
        private String startingOffsets = "committed";
        private String initialModelPath;
        private java.util.List<String> featureNames;
        private int parallelism = 1;
        private long checkpointIntervalMs = 10_000L;
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String transactionalIdPrefix = "sgn-retrain";
        private long transactionTimeoutMs = ScoringConfig.DEFAULT_TRANSACTION_TIMEOUT_MS;
        private EventFormat eventFormat = EventFormat.JSON;
        private Duration outOfOrderness = Duration.ofSeconds(5);
        private Duration idleness = Duration.ofSeconds(30);
        private Duration windowSize = Duration.ofMinutes(10);
        private Duration windowSlide;
        private int reservoirSize = 5000;
        private int minEvents = 200;
        private double holdoutFraction = 0.2;
        private double tolerance = 0.05;
        private boolean excludeAnomalies = true;
        private double maxExcludedFraction = 0.25;
        private String scoresTopic;
        private String decisionsTopic;
        private ModelKind modelType = ModelKind.FLOW;
        private int latentDim = 0;
        private int hidden = 32;
        private int steps = 4;
        private int epochs = 20;
        private double maxTrainingSeconds = 20.0;
        private double learningRate = 5e-3;
        private int trainBatchSize = 128;
        private int threads = 1;
        private long seed = 42L;
        private double alpha = TrainingConfig.DEFAULT_ALPHA;
        private Properties clientProperties = new Properties();
        private boolean bounded = false;
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

        public Builder modelUpdatesTopic(String v) {
            this.modelUpdatesTopic = v;
            return this;
        }

        public Builder modelStore(String v) {
            this.modelStore = v == null || v.isBlank() ? null : v;
            return this;
        }

        public Builder keepVersions(int v) {
            this.keepVersions = v;
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

        public Builder featureNames(java.util.List<String> v) {
            this.featureNames = v == null || v.isEmpty() ? null : v;
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

        public Builder windowSize(Duration v) {
            this.windowSize = v;
            return this;
        }

        public Builder windowSlide(Duration v) {
            this.windowSlide = v;
            return this;
        }

        public Builder reservoirSize(int v) {
            this.reservoirSize = v;
            return this;
        }

        public Builder minEvents(int v) {
            this.minEvents = v;
            return this;
        }

        public Builder holdoutFraction(double v) {
            this.holdoutFraction = v;
            return this;
        }

        public Builder tolerance(double v) {
            this.tolerance = v;
            return this;
        }

        public Builder excludeAnomalies(boolean v) {
            this.excludeAnomalies = v;
            return this;
        }

        public Builder maxExcludedFraction(double v) {
            this.maxExcludedFraction = v;
            return this;
        }

        /** Scores topic to read anomaly verdicts from (null: none). */
        public Builder decisionsTopic(String v) {
            this.decisionsTopic = v == null || v.isBlank() ? null : v;
            return this;
        }

        public Builder scoresTopic(String v) {
            this.scoresTopic = v == null || v.isBlank() ? null : v;
            return this;
        }

        /** Kind of a cold-start model. */
        public Builder modelType(ModelKind v) {
            this.modelType = v;
            return this;
        }

        /** Latent dimension of a cold-start SGN-VAE (0: the default). */
        public Builder latentDim(int v) {
            this.latentDim = v;
            return this;
        }

        public Builder hidden(int v) {
            this.hidden = v;
            return this;
        }

        public Builder steps(int v) {
            this.steps = v;
            return this;
        }

        public Builder epochs(int v) {
            this.epochs = v;
            return this;
        }

        public Builder maxTrainingSeconds(double v) {
            this.maxTrainingSeconds = v;
            return this;
        }

        public Builder learningRate(double v) {
            this.learningRate = v;
            return this;
        }

        public Builder trainBatchSize(int v) {
            this.trainBatchSize = v;
            return this;
        }

        public Builder threads(int v) {
            this.threads = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder alpha(double v) {
            this.alpha = v;
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
        public RetrainConfig build() {
            require(bootstrapServers, "--bootstrap-servers");
            require(inputTopic, "--input-topic");
            require(modelUpdatesTopic, "--model-updates-topic");
            require(modelStore, "--model-store");
            require(groupId, "--group-id");
            KafkaJobWiring.checkStartingOffsets(startingOffsets);
            Objects.requireNonNull(deliveryGuarantee, "delivery guarantee");
            if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                require(transactionalIdPrefix, "--transactional-id-prefix");
                check(transactionTimeoutMs > 0, "--transaction-timeout-ms", transactionTimeoutMs);
            }
            Objects.requireNonNull(eventFormat, "event format");
            if (windowSize == null || windowSize.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "window size must be at least 1 ms, was "
                                + (windowSize == null ? "unset" : windowSize.toMillis() + " ms"));
            }
            if (windowSlide != null
                    && (windowSlide.toMillis() < 1 || windowSlide.compareTo(windowSize) > 0)) {
                throw new IllegalArgumentException(
                        "window slide must be between 1 ms and the window size ("
                                + windowSize.toMillis()
                                + " ms), was "
                                + windowSlide.toMillis()
                                + " ms");
            }
            check(keepVersions >= 1, "--keep-versions (>= 1)", keepVersions);
            check(parallelism >= 1, "--parallelism (>= 1)", parallelism);
            check(
                    checkpointIntervalMs >= 100,
                    "--checkpoint-interval-ms (>= 100)",
                    checkpointIntervalMs);
            check(reservoirSize >= 20, "--reservoir-size (>= 20)", reservoirSize);
            check(minEvents >= 20, "--min-events (>= 20)", minEvents);
            check(
                    holdoutFraction > 0 && holdoutFraction < 0.9,
                    "--holdout-fraction (0 < f < 0.9)",
                    holdoutFraction);
            check(
                    tolerance >= 0 && Double.isFinite(tolerance),
                    "--tolerance (finite, >= 0)",
                    tolerance);
            check(
                    maxExcludedFraction >= 0 && maxExcludedFraction <= 1,
                    "--max-excluded-fraction (0 to 1)",
                    maxExcludedFraction);
            check(modelType != null, "--model-type", modelType);
            check(latentDim == 0 || latentDim >= 2, "--latent-dim (0 or >= 2)", latentDim);
            if (latentDim != 0 && modelType != ModelKind.VAE) {
                throw new IllegalArgumentException(
                        "--latent-dim applies to --model-type vae only, was "
                                + latentDim
                                + " with --model-type "
                                + modelType.id());
            }
            check(hidden >= 1 && hidden <= 4096, "--hidden (1..4096)", hidden);
            check(steps >= 1 && steps <= 1024, "--steps (1..1024)", steps);
            check(epochs >= 1, "--epochs (>= 1)", epochs);
            check(
                    maxTrainingSeconds > 0 && Double.isFinite(maxTrainingSeconds),
                    "--max-training-seconds (> 0)",
                    maxTrainingSeconds);
            check(
                    learningRate > 0 && Double.isFinite(learningRate),
                    "--learning-rate (> 0)",
                    learningRate);
            check(trainBatchSize >= 1, "--train-batch-size (>= 1)", trainBatchSize);
            check(threads >= 1 && threads <= 64, "--threads (1..64)", threads);
            check(alpha > 0 && alpha < 1, "--alpha (0 < a < 1)", alpha);
            check(minEvents <= reservoirSize, "--min-events (<= --reservoir-size)", minEvents);
            RetrainConfig config = new RetrainConfig(this);
            config.trainingConfig(); // validates the training settings too
            config.vaeConfig();
            return KafkaJobWiring.checkShared(config);
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
        return "RetrainConfig{"
                + "bootstrapServers="
                + bootstrapServers
                + ", inputTopic="
                + inputTopic
                + ", modelUpdatesTopic="
                + modelUpdatesTopic
                + ", modelStore="
                + modelStore
                + ", keepVersions="
                + keepVersions
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets
                + ", initialModelPath="
                + initialModelPath
                + ", featureNames="
                + featureNames
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
                + ", eventFormat="
                + eventFormat
                + ", outOfOrderness="
                + outOfOrderness
                + ", idleness="
                + idleness
                + ", windowSize="
                + windowSize
                + ", windowSlide="
                + windowSlide
                + ", reservoirSize="
                + reservoirSize
                + ", minEvents="
                + minEvents
                + ", holdoutFraction="
                + holdoutFraction
                + ", tolerance="
                + tolerance
                + ", excludeAnomalies="
                + excludeAnomalies
                + ", maxExcludedFraction="
                + maxExcludedFraction
                + ", scoresTopic="
                + scoresTopic
                + ", decisionsTopic="
                + decisionsTopic
                + ", modelType="
                + modelType.id()
                + ", latentDim="
                + (latentDim == 0 ? "auto" : String.valueOf(latentDim))
                + ", hidden="
                + hidden
                + ", steps="
                + steps
                + ", epochs="
                + epochs
                + ", maxTrainingSeconds="
                + maxTrainingSeconds
                + ", learningRate="
                + learningRate
                + ", trainBatchSize="
                + trainBatchSize
                + ", threads="
                + threads
                + ", seed="
                + seed
                + ", alpha="
                + alpha
                + ", bounded="
                + bounded
                + ", modelSigningKeyFile="
                + modelSigningKeyFile
                + "}";
    }
}
