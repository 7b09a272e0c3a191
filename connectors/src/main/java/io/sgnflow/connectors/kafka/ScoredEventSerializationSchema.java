package io.sgnflow.connectors.kafka;

import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link ScoredEvent}s as JSON ({@link RecordJson}) to one topic, keyed by the UTF-8 bytes
 * of the event's key when present (so one key's scores stay in one partition, in order), else
 * unkeyed. The Kafka record timestamp is the source record's (see {@link #kafkaTimestamp}).
 *
 * <p>For the anomalies topic use {@link AnomalyRouting#schema(String)}, which drops events that are
 * not anomalous. Stateless and thread-safe.
 */
public final class ScoredEventSerializationSchema
        implements KafkaRecordSerializationSchema<ScoredEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final boolean anomaliesOnly;

    /**
     * Creates a schema writing every score to {@code topic}.
     *
     * @param topic the scores topic
     * @throws IllegalArgumentException if {@code topic} is null or blank
     */
    public ScoredEventSerializationSchema(String topic) {
        this(topic, false);
    }

    ScoredEventSerializationSchema(String topic, boolean anomaliesOnly) {
        KafkaArgs.requireNonBlank(topic, "topic");
        this.topic = topic;
        this.anomaliesOnly = anomaliesOnly;
    }

    /**
     * Returns the target topic.
     *
     * @return topic name
     */
    public String topic() {
        return topic;
    }

    /**
     * Tells whether this schema drops events that are not anomalous.
     *
     * @return true for the anomalies-topic schema of {@link AnomalyRouting}
     */
    public boolean anomaliesOnly() {
        return anomaliesOnly;
    }

    /**
     * Encodes one score.
     *
     * @param element the score
     * @param context sink context (unused)
     * @param timestamp Flink record timestamp in epoch milliseconds, or null
     * @return the Kafka record, or null (which the Kafka sink skips) when this is the anomalies
     *     schema and the event is not anomalous
     */
    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ScoredEvent element, KafkaSinkContext context, Long timestamp) {
        if (anomaliesOnly && !AnomalyRouting.isAnomaly(element)) {
            return null;
        }
        byte[] key =
                element.getKey() == null ? null : element.getKey().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(
                topic,
                null,
                kafkaTimestamp(element.getSourceTimestamp()),
                key,
                RecordJson.toJson(element));
    }

    /**
     * The output's Kafka timestamp is the source record's, which a broker has accepted already: not
     * the Flink record timestamp (a record emitted from a timer carries the timer's time, up to
     * Long.MAX_VALUE) nor the event's own {@code ts} (brokers refuse times more than an hour ahead
     * by default, and a job that cannot write a record fails over and over). It also keeps an
     * output in the same event-time window as its input for the retraining job. Kafka rejects
     * negative timestamps; null lets the producer use its clock.
     */
    static Long kafkaTimestamp(long sourceTimestampMs) {
        return sourceTimestampMs < 0 ? null : sourceTimestampMs;
    }
}
