package io.sgnflow.jobs.retrain;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes raw model-file bytes to the model-updates topic. Every record has the same key, so all
 * versions land in one partition in publication order.
 */
public final class ModelUpdateSerializationSchema
        implements KafkaRecordSerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;
    private static final byte[] KEY = "sgn-model".getBytes(StandardCharsets.UTF_8);

    private final String topic;

    public ModelUpdateSerializationSchema(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("model-updates topic must be set");
        }
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            byte[] element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, KEY, element);
    }
}
