package io.sgnflow.connectors.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The score of one event, written to the scores topic (and, when anomalous, to the anomalies
 * topic).
 *
 * <p>JSON field names (see {@code RecordJson}): {@code id, key, ts, log_likelihood, threshold,
 * anomaly, tail_probability, model_version, status, score_kind, source_topic, source_partition,
 * source_offset, source_timestamp}: the source record's coordinates, its Kafka timestamp included,
 * which is also the output record's Kafka timestamp. Null fields are written as JSON {@code null}.
 * For {@link ScoreStatus#WARMUP} events the likelihood, threshold, anomaly flag, tail probability,
 * model version and score kind are null. {@code log_likelihood} carries the score in nats whatever
 * its kind: the exact log-likelihood of an SGN-Flow, or a lower bound on it (ELBO or
 * importance-weighted) of an SGN-VAE, as {@code score_kind} says. Non-finite likelihoods (e.g.
 * {@code -Infinity} far from the data) are written as the JSON strings {@code "-Infinity"}/{@code
 * "NaN"}, which Jackson reads back as doubles.
 *
 * <p>A Flink POJO. Not thread-safe.
 */
@JsonPropertyOrder({
    "id",
    "key",
    "ts",
    "log_likelihood",
    "threshold",
    "anomaly",
    "tail_probability",
    "model_version",
    "status",
    "score_kind",
    "source_topic",
    "source_partition",
    "source_offset",
    "source_timestamp"
})
public final class ScoredEvent {
    /** {@value}: the score is the exact log-likelihood {@code log p(x)} of the flow model. */
    public static final String SCORE_KIND_EXACT_LOG_LIKELIHOOD = "exact_log_likelihood";

    /** Score kind of an SGN-VAE scored by its evidence lower bound. */
    public static final String SCORE_KIND_ELBO = "elbo";

    /** Score kind of an SGN-VAE scored by its importance-weighted bound. */
    public static final String SCORE_KIND_IW_LOG_LIKELIHOOD = "iw_log_likelihood";

    @JsonProperty("id")
    private String id;

    @JsonProperty("key")
    private String key;

    @JsonProperty("ts")
    private long ts;

    @JsonProperty("log_likelihood")
    private Double logLikelihood;

    @JsonProperty("threshold")
    private Double threshold;

    @JsonProperty("anomaly")
    private Boolean anomaly;

    @JsonProperty("tail_probability")
    private Double tailProbability;

    @JsonProperty("model_version")
    private String modelVersion;

    @JsonProperty("status")
    private ScoreStatus status;

    @JsonProperty("score_kind")
    private String scoreKind;

    @JsonProperty("source_topic")
    private String sourceTopic;

    @JsonProperty("source_partition")
    private int sourcePartition;

    @JsonProperty("source_offset")
    private long sourceOffset;

    @JsonProperty("source_timestamp")
    private long sourceTimestamp = -1;

    /** Creates an empty instance (for Flink's POJO serializer and Jackson). */
    public ScoredEvent() {}

    /**
     * Creates the score of an event. The event is anomalous when {@code logLikelihood < threshold}
     * (DESIGN §2.6); a NaN likelihood is therefore not anomalous, so callers should route
     * non-finite scores to the dead-letter topic instead.
     *
     * @param event the scored event (id, key, event time and source coordinates are copied)
     * @param logLikelihood {@code log p(x)} in nats
     * @param threshold the model's anomaly threshold {@code τ} in nats
     * @param tailProbability empirical probability of a validation score at or below this one, in
     *     {@code [0, 1]}, or null when the model has no validation scores
     * @param modelVersion version of the scoring model
     * @return a {@link ScoreStatus#SCORED} event of kind {@value #SCORE_KIND_EXACT_LOG_LIKELIHOOD}
     * @throws NullPointerException if {@code event} or {@code modelVersion} is null
     */
    public static ScoredEvent scored(
            EventRecord event,
            double logLikelihood,
            double threshold,
            Double tailProbability,
            String modelVersion) {
        return scored(
                event,
                logLikelihood,
                threshold,
                tailProbability,
                modelVersion,
                SCORE_KIND_EXACT_LOG_LIKELIHOOD);
    }

    /**
     * Creates a scored event whose score is of the given kind: {@value
     * #SCORE_KIND_EXACT_LOG_LIKELIHOOD} (SGN-Flow), {@value #SCORE_KIND_ELBO} or {@value
     * #SCORE_KIND_IW_LOG_LIKELIHOOD} (SGN-VAE lower bounds). The score travels in {@code
     * log_likelihood} in every case, and the threshold is in the same kind.
     *
     * @param scoreKind what the score is
     * @throws NullPointerException if {@code event}, {@code modelVersion} or {@code scoreKind} is
     *     null
     */
    public static ScoredEvent scored(
            EventRecord event,
            double logLikelihood,
            double threshold,
            Double tailProbability,
            String modelVersion,
            String scoreKind) {
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(scoreKind, "scoreKind");
        ScoredEvent scored = fromEvent(event, ScoreStatus.SCORED);
        scored.logLikelihood = logLikelihood;
        scored.threshold = threshold;
        scored.anomaly = logLikelihood < threshold;
        scored.tailProbability = tailProbability;
        scored.modelVersion = modelVersion;
        scored.scoreKind = scoreKind;
        return scored;
    }

    /**
     * Creates the pass-through record of an event that arrived before any model was loaded.
     *
     * @param event the event (id, key, event time and source coordinates are copied)
     * @return a {@link ScoreStatus#WARMUP} event with no score, threshold, anomaly flag or model
     *     version
     * @throws NullPointerException if {@code event} is null
     */
    public static ScoredEvent warmup(EventRecord event) {
        return fromEvent(event, ScoreStatus.WARMUP);
    }

    private static ScoredEvent fromEvent(EventRecord event, ScoreStatus status) {
        Objects.requireNonNull(event, "event");
        ScoredEvent scored = new ScoredEvent();
        scored.id = event.getId();
        scored.key = event.getKey();
        scored.ts = event.getTimestamp();
        scored.status = status;
        scored.sourceTopic = event.getTopic();
        scored.sourcePartition = event.getPartition();
        scored.sourceOffset = event.getOffset();
        scored.sourceTimestamp = event.getSourceTimestamp();
        return scored;
    }

    /**
     * Returns the event id.
     *
     * @return id, or null when the input had none
     */
    public String getId() {
        return id;
    }

    /**
     * Sets the event id.
     *
     * @param id id, or null
     */
    public void setId(String id) {
        this.id = id;
    }

    /**
     * Returns the entity key; also the Kafka key of the output record.
     *
     * @return key, or null
     */
    public String getKey() {
        return key;
    }

    /**
     * Sets the entity key.
     *
     * @param key key, or null
     */
    public void setKey(String key) {
        this.key = key;
    }

    /**
     * Returns the event time.
     *
     * @return epoch milliseconds
     */
    public long getTs() {
        return ts;
    }

    /**
     * Sets the event time.
     *
     * @param ts epoch milliseconds
     */
    public void setTs(long ts) {
        this.ts = ts;
    }

    /**
     * Returns the log-likelihood.
     *
     * @return {@code log p(x)} in nats, or null for {@link ScoreStatus#WARMUP}
     */
    public Double getLogLikelihood() {
        return logLikelihood;
    }

    /**
     * Sets the log-likelihood.
     *
     * @param logLikelihood nats, or null
     */
    public void setLogLikelihood(Double logLikelihood) {
        this.logLikelihood = logLikelihood;
    }

    /**
     * Returns the anomaly threshold used.
     *
     * @return threshold in nats, or null
     */
    public Double getThreshold() {
        return threshold;
    }

    /**
     * Sets the anomaly threshold.
     *
     * @param threshold nats, or null
     */
    public void setThreshold(Double threshold) {
        this.threshold = threshold;
    }

    /**
     * Returns whether the event is anomalous.
     *
     * @return true when {@code log_likelihood < threshold}, null for {@link ScoreStatus#WARMUP}
     */
    public Boolean getAnomaly() {
        return anomaly;
    }

    /**
     * Sets the anomaly flag.
     *
     * @param anomaly flag, or null
     */
    public void setAnomaly(Boolean anomaly) {
        this.anomaly = anomaly;
    }

    /**
     * Returns the empirical tail probability of the score among the model's validation scores.
     *
     * @return probability in {@code [0, 1]}, or null
     */
    public Double getTailProbability() {
        return tailProbability;
    }

    /**
     * Sets the tail probability.
     *
     * @param tailProbability probability in {@code [0, 1]}, or null
     */
    public void setTailProbability(Double tailProbability) {
        this.tailProbability = tailProbability;
    }

    /**
     * Returns the version of the model that scored the event.
     *
     * @return version (e.g. {@code "3"} or {@code "v3"}), or null for {@link ScoreStatus#WARMUP}
     */
    public String getModelVersion() {
        return modelVersion;
    }

    /**
     * Sets the model version.
     *
     * @param modelVersion version, or null
     */
    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    /**
     * Returns whether the event was scored.
     *
     * @return status
     */
    public ScoreStatus getStatus() {
        return status;
    }

    /**
     * Sets the status.
     *
     * @param status status
     */
    public void setStatus(ScoreStatus status) {
        this.status = status;
    }

    /**
     * Returns what the score measures.
     *
     * @return score kind, e.g. {@value #SCORE_KIND_EXACT_LOG_LIKELIHOOD}
     */
    public String getScoreKind() {
        return scoreKind;
    }

    /**
     * Sets the score kind.
     *
     * @param scoreKind score kind
     */
    public void setScoreKind(String scoreKind) {
        this.scoreKind = scoreKind;
    }

    /**
     * Returns the input topic of the event.
     *
     * @return topic name
     */
    public String getSourceTopic() {
        return sourceTopic;
    }

    /**
     * Sets the input topic.
     *
     * @param sourceTopic topic name
     */
    public void setSourceTopic(String sourceTopic) {
        this.sourceTopic = sourceTopic;
    }

    /**
     * Returns the input partition of the event.
     *
     * @return partition number
     */
    public int getSourcePartition() {
        return sourcePartition;
    }

    /**
     * Sets the input partition.
     *
     * @param sourcePartition partition number
     */
    public void setSourcePartition(int sourcePartition) {
        this.sourcePartition = sourcePartition;
    }

    /**
     * Returns the input offset of the event.
     *
     * @return offset in the partition
     */
    public long getSourceOffset() {
        return sourceOffset;
    }

    /**
     * Sets the input offset.
     *
     * @param sourceOffset offset in the partition
     */
    public void setSourceOffset(long sourceOffset) {
        this.sourceOffset = sourceOffset;
    }

    /**
     * Returns the Kafka timestamp of the input record.
     *
     * @return epoch milliseconds, or {@code -1} when unknown
     */
    public long getSourceTimestamp() {
        return sourceTimestamp;
    }

    /**
     * Sets the Kafka timestamp of the input record.
     *
     * @param sourceTimestamp epoch milliseconds, or {@code -1}
     */
    public void setSourceTimestamp(long sourceTimestamp) {
        this.sourceTimestamp = sourceTimestamp;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ScoredEvent)) {
            return false;
        }
        ScoredEvent that = (ScoredEvent) other;
        return ts == that.ts
                && sourcePartition == that.sourcePartition
                && sourceOffset == that.sourceOffset
                && sourceTimestamp == that.sourceTimestamp
                && Objects.equals(id, that.id)
                && Objects.equals(key, that.key)
                && Objects.equals(logLikelihood, that.logLikelihood)
                && Objects.equals(threshold, that.threshold)
                && Objects.equals(anomaly, that.anomaly)
                && Objects.equals(tailProbability, that.tailProbability)
                && Objects.equals(modelVersion, that.modelVersion)
                && status == that.status
                && Objects.equals(scoreKind, that.scoreKind)
                && Objects.equals(sourceTopic, that.sourceTopic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                id,
                key,
                ts,
                logLikelihood,
                threshold,
                anomaly,
                tailProbability,
                modelVersion,
                status,
                scoreKind,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                sourceTimestamp);
    }

    @Override
    public String toString() {
        return "ScoredEvent{id="
                + id
                + ", key="
                + key
                + ", ts="
                + ts
                + ", logLikelihood="
                + logLikelihood
                + ", threshold="
                + threshold
                + ", anomaly="
                + anomaly
                + ", tailProbability="
                + tailProbability
                + ", modelVersion="
                + modelVersion
                + ", status="
                + status
                + ", scoreKind="
                + scoreKind
                + ", source="
                + sourceTopic
                + '-'
                + sourcePartition
                + '@'
                + sourceOffset
                + '}';
    }
}
