package io.sgnflow.connectors.kafka;

import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.serde.RecordJson;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link DeadLetterRecord}s as JSON ({@link RecordJson}) to the dead-letter topic, unkeyed.
 * The Kafka record timestamp is the time the dead letter is written (the source record's time is in
 * its {@code ts} field). Stateless and thread-safe.
 */
public final class DeadLetterSerializationSchema
        implements KafkaRecordSerializationSchema<DeadLetterRecord> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    /**
     * Creates a schema writing to {@code topic}.
     *
     * @param topic the dead-letter topic
     * @throws IllegalArgumentException if {@code topic} is null or blank
     */
    public DeadLetterSerializationSchema(String topic) {
        KafkaArgs.requireNonBlank(topic, "topic");
        this.topic = topic;
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
     * Encodes one dead letter.
     *
     * @param element the dead letter
     * @param context sink context (unused)
     * @param timestamp Flink record timestamp in epoch milliseconds, or null
     * @return the Kafka record
     */
    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetterRecord element, KafkaSinkContext context, Long timestamp) {
        // Stamped by the producer when written, as scores are (ScoredEventSerializationSchema).
        return new ProducerRecord<>(topic, null, null, null, RecordJson.toJson(element));
    }
}
