package io.sgnflow.connectors.record;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record as read from the input or model-updates topic: the key and value bytes
 * unchanged, plus the record's coordinates and timestamp.
 *
 * <p>Nothing is parsed or validated here, so reading a topic never fails on content; the {@code
 * EventParser} turns the bytes into an {@link EventRecord} or a {@link DeadLetterRecord}.
 *
 * <p>A Flink POJO. Not thread-safe. The byte arrays are stored and returned without copying: the
 * instance owns them and callers must not modify them.
 */
public final class KafkaInput implements Serializable {
    private static final long serialVersionUID = 1L;

    private byte[] key;
    private byte[] value;
    private String topic;
    private int partition;
    private long offset;
    private long kafkaTimestamp;
    private byte[] signature;

    /** Creates an empty instance (for Flink's POJO serializer); fields are null or zero. */
    public KafkaInput() {}

    /**
     * Creates an input record.
     *
     * @param key record key bytes, or null when the record has no key
     * @param value record value bytes, or null for a tombstone
     * @param topic source topic
     * @param partition source partition
     * @param offset offset of the record in its partition
     * @param kafkaTimestamp Kafka record timestamp in epoch milliseconds ({@code -1} when the
     *     record has none)
     */
    public KafkaInput(
            byte[] key,
            byte[] value,
            String topic,
            int partition,
            long offset,
            long kafkaTimestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
    }

    /**
     * Returns the record key.
     *
     * @return key bytes, or null when the record has no key
     */
    public byte[] getKey() {
        return key;
    }

    /**
     * Sets the record key.
     *
     * @param key key bytes, or null
     */
    public void setKey(byte[] key) {
        this.key = key;
    }

    /**
     * Returns the record value.
     *
     * @return value bytes, or null for a tombstone
     */
    public byte[] getValue() {
        return value;
    }

    /**
     * Sets the record value.
     *
     * @param value value bytes, or null
     */
    public void setValue(byte[] value) {
        this.value = value;
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
     * Returns the record offset.
     *
     * @return offset in the partition
     */
    public long getOffset() {
        return offset;
    }

    /**
     * Sets the record offset.
     *
     * @param offset offset in the partition
     */
    public void setOffset(long offset) {
        this.offset = offset;
    }

    /**
     * Creates an input record that carries a signature header.
     *
     * @param key record key bytes, or null when the record has no key
     * @param value record value bytes, or null for a tombstone
     * @param topic source topic
     * @param partition source partition
     * @param offset offset of the record in its partition
     * @param kafkaTimestamp Kafka record timestamp in epoch milliseconds
     * @param signature value of the record's signature header (ASCII hex), or null when absent
     */
    public KafkaInput(
            byte[] key,
            byte[] value,
            String topic,
            int partition,
            long offset,
            long kafkaTimestamp,
            byte[] signature) {
        this(key, value, topic, partition, offset, kafkaTimestamp);
        this.signature = signature;
    }

    /**
     * Returns the value of the record's signature header ({@code sgn-hmac-sha256}), as sent: the
     * ASCII hex digits of an HMAC-SHA256. Only model updates carry one; nothing here checks it.
     *
     * @return header bytes, or null when the record has no such header
     */
    public byte[] getSignature() {
        return signature;
    }

    /**
     * Sets the signature header value.
     *
     * @param signature header bytes, or null
     */
    public void setSignature(byte[] signature) {
        this.signature = signature;
    }

    /**
     * Returns the Kafka record timestamp.
     *
     * @return epoch milliseconds, {@code -1} when the record has none
     */
    public long getKafkaTimestamp() {
        return kafkaTimestamp;
    }

    /**
     * Sets the Kafka record timestamp.
     *
     * @param kafkaTimestamp epoch milliseconds
     */
    public void setKafkaTimestamp(long kafkaTimestamp) {
        this.kafkaTimestamp = kafkaTimestamp;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof KafkaInput)) {
            return false;
        }
        KafkaInput that = (KafkaInput) other;
        return partition == that.partition
                && offset == that.offset
                && kafkaTimestamp == that.kafkaTimestamp
                && Arrays.equals(key, that.key)
                && Arrays.equals(value, that.value)
                && Arrays.equals(signature, that.signature)
                && Objects.equals(topic, that.topic);
    }

    @Override
    public int hashCode() {
        int result = Objects.hash(topic, partition, offset, kafkaTimestamp);
        result = 31 * result + Arrays.hashCode(key);
        result = 31 * result + Arrays.hashCode(value);
        return 31 * result + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "KafkaInput{topic="
                + topic
                + ", partition="
                + partition
                + ", offset="
                + offset
                + ", kafkaTimestamp="
                + kafkaTimestamp
                + ", keyBytes="
                + (key == null ? "null" : key.length)
                + ", valueBytes="
                + (value == null ? "null" : value.length)
                + ", signed="
                + (signature != null)
                + '}';
    }
}
