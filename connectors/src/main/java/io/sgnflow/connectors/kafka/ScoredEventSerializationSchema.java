package io.sgnflow.connectors.kafka;

import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link ScoredEvent}s as JSON ({@link RecordJson}) to one topic, keyed by the UTF-8 bytes
 * of the event's key when present (so one key's scores stay in one partition, in order), else
 * unkeyed.
 *
 * <p>Outputs carry no timestamp of their own, so the producer stamps them with the time they are
 * written. Not the event's {@code ts}, nor the source record's timestamp (kept in the JSON as
 * {@code ts} and {@code source_timestamp}): brokers refuse a record timestamp more than an hour
 * ahead of their clock by default (a sink that cannot write fails its job over and over), and
 * time-based retention would delete, within minutes, the scores of a replay of old data.
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
        // No timestamp: the producer stamps the output when it writes it (see the class doc).
        return new ProducerRecord<>(topic, null, null, key, RecordJson.toJson(element));
    }
}
