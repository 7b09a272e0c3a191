package io.sgnflow.jobs.retrain;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link RetrainDecision} JSON to the decisions topic under one key, so that the decisions
 * stay in window order in one partition.
 */
public final class RetrainDecisionSerializationSchema
        implements KafkaRecordSerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;
    private static final byte[] KEY = "sgn-retrain".getBytes(StandardCharsets.UTF_8);

    private final String topic;

    public RetrainDecisionSerializationSchema(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("decisions topic must be set");
        }
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            byte[] element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, KEY, element);
    }
}
