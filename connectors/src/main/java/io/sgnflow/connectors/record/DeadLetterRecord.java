package io.sgnflow.connectors.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * An input record that could not be scored, with the reason and a message naming the offending
 * field and value (e.g. {@code feature 'f3' has non-numeric value "abc"}).
 *
 * <p>The original value travels as {@link #getRawText()} when it is valid UTF-8, else as {@link
 * #getRawBase64()}; exactly one of the two is non-null. In JSON (see {@code RecordJson}) the fields
 * are {@code raw_text} or {@code raw_base64}, {@code source_topic}, {@code source_partition},
 * {@code source_offset}, {@code reason}, {@code message}, {@code model_version} and {@code ts}; the
 * absent raw field is omitted.
 *
 * <p>Sizes are bounded so that a dead letter always fits in a Kafka record (1 MB by default) even
 * for the largest input: the raw value keeps its first {@value #MAX_RAW_CHARS} characters (then
 * {@code raw_truncated} is {@code true}; otherwise the field is omitted) and the message its first
 * {@value #MAX_MESSAGE_CHARS}. A dead letter that cannot be written would fail its job over and
 * over.
 *
 * <p>A Flink POJO. Not thread-safe.
 */
@JsonPropertyOrder({
    "raw_text",
    "raw_base64",
    "raw_truncated",
    "source_topic",
    "source_partition",
    "source_offset",
    "reason",
    "message",
    "model_version",
    "ts"
})
public final class DeadLetterRecord {
    /** Most characters of the raw value a dead letter carries: 64 Ki. */
    public static final int MAX_RAW_CHARS = 65_536;

    /** Most characters of the message a dead letter carries. */
    public static final int MAX_MESSAGE_CHARS = 2_000;

    @JsonProperty("raw_text")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private String rawText;

    @JsonProperty("raw_base64")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private String rawBase64;

    @JsonProperty("raw_truncated")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private Boolean rawTruncated;

    @JsonProperty("source_topic")
    private String topic;

    @JsonProperty("source_partition")
    private int partition;

    @JsonProperty("source_offset")
    private long offset;

    @JsonProperty("reason")
    private DeadLetterReason reason;

    @JsonProperty("message")
    private String message;

    @JsonProperty("model_version")
    private String modelVersion;

    @JsonProperty("ts")
    private long timestamp;

    /** Creates an empty instance (for Flink's POJO serializer and Jackson). */
    public DeadLetterRecord() {}

    /**
     * Creates a dead letter.
     *
     * @param rawText original value as text when valid UTF-8, else null
     * @param rawBase64 original value as base64 when not valid UTF-8, else null
     * @param topic source topic
     * @param partition source partition
     * @param offset source offset
     * @param reason why the record was rejected
     * @param message human-readable detail naming the offending field and value
     * @param modelVersion version of the model involved, or null when no model was involved
     * @param timestamp event time in epoch milliseconds when known, else the Kafka record timestamp
     */
    public DeadLetterRecord(
            String rawText,
            String rawBase64,
            String topic,
            int partition,
            long offset,
            DeadLetterReason reason,
            String message,
            String modelVersion,
            long timestamp) {
        setRawText(rawText);
        setRawBase64(rawBase64);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
        setMessage(message);
        this.modelVersion = modelVersion;
        this.timestamp = timestamp;
    }

    /**
     * Creates a dead letter for a parsed event rejected later (by feature resolution or scoring).
     *
     * @param event the rejected event
     * @param reason why it was rejected
     * @param message detail naming the offending field and value
     * @return a dead letter carrying the event's raw text, coordinates and source Kafka timestamp,
     *     with no model version (set one with {@link #setModelVersion(String)})
     * @throws NullPointerException if {@code event} or {@code reason} is null
     */
    public static DeadLetterRecord forEvent(
            EventRecord event, DeadLetterReason reason, String message) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(reason, "reason");
        return new DeadLetterRecord(
                event.getRaw(),
                null,
                event.getTopic(),
                event.getPartition(),
                event.getOffset(),
                reason,
                message,
                null,
                // The source record's Kafka timestamp, which a broker accepted: the event's own
                // ts may be one it refuses (more than an hour ahead).
                event.getSourceTimestamp() >= 0
                        ? event.getSourceTimestamp()
                        : event.getTimestamp());
    }

    /**
     * Returns the original value as text.
     *
     * @return text, or null when the value was not valid UTF-8
     */
    public String getRawText() {
        return rawText;
    }

    /**
     * Sets the original value as text.
     *
     * @param rawText text, or null
     */
    public void setRawText(String rawText) {
        this.rawText = truncateRaw(rawText);
    }

    /** A raw value cut to {@link #MAX_RAW_CHARS}, never inside a surrogate pair; marks the cut. */
    private String truncateRaw(String raw) {
        if (raw == null || raw.length() <= MAX_RAW_CHARS) {
            return raw;
        }
        rawTruncated = Boolean.TRUE;
        return cut(raw, MAX_RAW_CHARS);
    }

    private static String cut(String text, int chars) {
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end);
    }

    /**
     * Whether the raw value was cut to {@link #MAX_RAW_CHARS} characters.
     *
     * @return {@code true} when cut, else null (and omitted from the JSON)
     */
    public Boolean getRawTruncated() {
        return rawTruncated;
    }

    /**
     * Sets whether the raw value was cut.
     *
     * @param rawTruncated {@code true} when cut, else null
     */
    public void setRawTruncated(Boolean rawTruncated) {
        this.rawTruncated = rawTruncated;
    }

    /**
     * Returns the original value as base64 (standard alphabet, padded).
     *
     * @return base64, or null when the value was valid UTF-8
     */
    public String getRawBase64() {
        return rawBase64;
    }

    /**
     * Sets the original value as base64.
     *
     * @param rawBase64 base64, or null
     */
    public void setRawBase64(String rawBase64) {
        this.rawBase64 = truncateRaw(rawBase64);
    }

    /**
     * Returns the source topic.
     *
     * @return topic name
     */
    public String getTopic() {
        return topic;
    }

    /**
     * Sets the source topic.
     *
     * @param topic topic name
     */
    public void setTopic(String topic) {
        this.topic = topic;
    }

    /**
     * Returns the source partition.
     *
     * @return partition number
     */
    public int getPartition() {
        return partition;
    }

    /**
     * Sets the source partition.
     *
     * @param partition partition number
     */
    public void setPartition(int partition) {
        this.partition = partition;
    }

    /**
     * Returns the source offset.
     *
     * @return offset in the partition
     */
    public long getOffset() {
        return offset;
    }

    /**
     * Sets the source offset.
     *
     * @param offset offset in the partition
     */
    public void setOffset(long offset) {
        this.offset = offset;
    }

    /**
     * Returns why the record was rejected.
     *
     * @return reason
     */
    public DeadLetterReason getReason() {
        return reason;
    }

    /**
     * Sets why the record was rejected.
     *
     * @param reason reason
     */
    public void setReason(DeadLetterReason reason) {
        this.reason = reason;
    }

    /**
     * Returns the detail message, naming the offending field and value. Never a stack trace.
     *
     * @return message
     */
    public String getMessage() {
        return message;
    }

    /**
     * Sets the detail message.
     *
     * @param message message
     */
    public void setMessage(String message) {
        this.message =
                message == null || message.length() <= MAX_MESSAGE_CHARS
                        ? message
                        : cut(message, MAX_MESSAGE_CHARS - 1) + "…";
    }

    /**
     * Returns the version of the model involved.
     *
     * @return model version, or null when the record was rejected before any model saw it
     */
    public String getModelVersion() {
        return modelVersion;
    }

    /**
     * Sets the version of the model involved.
     *
     * @param modelVersion model version, or null
     */
    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    /**
     * Returns the event time when it was parsed, else the Kafka record timestamp.
     *
     * @return epoch milliseconds ({@code -1} when unknown)
     */
    public long getTimestamp() {
        return timestamp;
    }

    /**
     * Sets the timestamp.
     *
     * @param timestamp epoch milliseconds
     */
    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof DeadLetterRecord)) {
            return false;
        }
        DeadLetterRecord that = (DeadLetterRecord) other;
        return partition == that.partition
                && offset == that.offset
                && timestamp == that.timestamp
                && Objects.equals(rawText, that.rawText)
                && Objects.equals(rawBase64, that.rawBase64)
                && Objects.equals(topic, that.topic)
                && reason == that.reason
                && Objects.equals(message, that.message)
                && Objects.equals(modelVersion, that.modelVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                rawText,
                rawBase64,
                topic,
                partition,
                offset,
                reason,
                message,
                modelVersion,
                timestamp);
    }

    @Override
    public String toString() {
        return "DeadLetterRecord{reason="
                + reason
                + ", message="
                + message
                + ", topic="
                + topic
                + ", partition="
                + partition
                + ", offset="
                + offset
                + ", modelVersion="
                + modelVersion
                + ", timestamp="
                + timestamp
                + '}';
    }
}
