package io.sgnflow.connectors.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * A syntactically valid input event: its identity, event time and feature values, not yet checked
 * against a model.
 *
 * <p>Features come in one of two shapes. By name ({@link #getFeatureNames()} non-null): {@code
 * featureNames[i]} names {@code values[i]}, in the order they appeared in the record. By position
 * ({@link #getFeatureNames()} null): {@code values} is already in model order. {@code
 * FeatureResolver} turns either shape into a model-ordered vector.
 *
 * <p>Produced only by {@code EventParser}, which guarantees: every value is finite, names are
 * unique and {@code featureNames.length == values.length}, and {@link #getRaw()} is the original
 * record value decoded as valid UTF-8.
 *
 * <p>A Flink POJO. Not thread-safe. Arrays are stored and returned without copying.
 */
public final class EventRecord {
    private String id;
    private String key;
    private long timestamp;
    private String[] featureNames;
    private double[] values;
    private String topic;
    private int partition;
    private long offset;
    private long sourceTimestamp = -1;
    private String raw;

    /** Creates an empty instance (for Flink's POJO serializer); fields are null or zero. */
    public EventRecord() {}

    /**
     * Creates an event.
     *
     * @param id event id from the record, or null
     * @param key entity key, or null
     * @param timestamp event time in epoch milliseconds
     * @param featureNames feature names parallel to {@code values}, or null when the values are in
     *     model order
     * @param values feature values
     * @param topic source topic
     * @param partition source partition
     * @param offset source offset
     * @param raw original record value as text
     */
    public EventRecord(
            String id,
            String key,
            long timestamp,
            String[] featureNames,
            double[] values,
            String topic,
            int partition,
            long offset,
            String raw) {
        this.id = id;
        this.key = key;
        this.timestamp = timestamp;
        this.featureNames = featureNames;
        this.values = values;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.raw = raw;
    }

    /**
     * Returns the event id.
     *
     * @return the record's {@code id} field, or null when absent
     */
    public String getId() {
        return id;
    }

    /**
     * Sets the event id.
     *
     * @param id event id, or null
     */
    public void setId(String id) {
        this.id = id;
    }

    /**
     * Returns the entity key: the record's {@code key} field, else the Kafka record key when it is
     * valid UTF-8.
     *
     * @return key, or null when neither is present
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
     * Returns the Kafka timestamp of the source record, which the broker accepted; outputs carry it
     * as their own Kafka timestamp, since an event's {@code ts} may lie where a broker refuses it
     * (more than an hour ahead, by Kafka's default).
     *
     * @return epoch milliseconds, or {@code -1} when unknown
     */
    public long getSourceTimestamp() {
        return sourceTimestamp;
    }

    /**
     * Sets the Kafka timestamp of the source record.
     *
     * @param sourceTimestamp epoch milliseconds, or {@code -1}
     */
    public void setSourceTimestamp(long sourceTimestamp) {
        this.sourceTimestamp = sourceTimestamp;
    }

    /**
     * Returns the event time: the record's {@code ts} field, else the Kafka record timestamp.
     *
     * @return epoch milliseconds ({@code -1} when neither is known)
     */
    public long getTimestamp() {
        return timestamp;
    }

    /**
     * Sets the event time.
     *
     * @param timestamp epoch milliseconds
     */
    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /**
     * Returns the feature names, parallel to {@link #getValues()}.
     *
     * @return names in record order, or null when the values are positional (model order)
     */
    public String[] getFeatureNames() {
        return featureNames;
    }

    /**
     * Sets the feature names.
     *
     * @param featureNames names parallel to the values, or null for positional values
     */
    public void setFeatureNames(String[] featureNames) {
        this.featureNames = featureNames;
    }

    /**
     * Returns the feature values.
     *
     * @return values, {@code [features]}; in record order when named, else in model order
     */
    public double[] getValues() {
        return values;
    }

    /**
     * Sets the feature values.
     *
     * @param values feature values
     */
    public void setValues(double[] values) {
        this.values = values;
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
     * Returns the original record value as text, for dead letters raised after parsing.
     *
     * @return raw value
     */
    public String getRaw() {
        return raw;
    }

    /**
     * Sets the original record value.
     *
     * @param raw raw value as text
     */
    public void setRaw(String raw) {
        this.raw = raw;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof EventRecord)) {
            return false;
        }
        EventRecord that = (EventRecord) other;
        return timestamp == that.timestamp
                && partition == that.partition
                && offset == that.offset
                && Objects.equals(id, that.id)
                && Objects.equals(key, that.key)
                && Arrays.equals(featureNames, that.featureNames)
                && Arrays.equals(values, that.values)
                && Objects.equals(topic, that.topic)
                && Objects.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        int result = Objects.hash(id, key, timestamp, topic, partition, offset, raw);
        result = 31 * result + Arrays.hashCode(featureNames);
        return 31 * result + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "EventRecord{id="
                + id
                + ", key="
                + key
                + ", timestamp="
                + timestamp
                + ", featureNames="
                + Arrays.toString(featureNames)
                + ", values="
                + Arrays.toString(values)
                + ", topic="
                + topic
                + ", partition="
                + partition
                + ", offset="
                + offset
                + '}';
    }
}
