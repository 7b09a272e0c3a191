package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.kafka.KafkaInputDeserializationSchema;
import io.sgnflow.jobs.security.ModelSigner;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes raw model-file bytes to the model-updates topic. Every record has the same key, so all
 * versions land in one partition in publication order. With a {@link ModelSigner}, each record
 * carries the {@code sgn-hmac-sha256} header that the scoring job checks.
 */
public final class ModelUpdateSerializationSchema
        implements KafkaRecordSerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;
    private static final byte[] KEY = "sgn-model".getBytes(StandardCharsets.UTF_8);

    private final String topic;
    private final ModelSigner signer;

    /** Unsigned updates. */
    public ModelUpdateSerializationSchema(String topic) {
        this(topic, null);
    }

    /**
     * @param signer signs every update, or null for unsigned updates
     */
    public ModelUpdateSerializationSchema(String topic, ModelSigner signer) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("model-updates topic must be set");
        }
        this.topic = topic;
        this.signer = signer;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            byte[] element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, timestamp, KEY, element);
        if (signer != null) {
            record.headers()
                    .add(KafkaInputDeserializationSchema.SIGNATURE_HEADER, signer.sign(element));
        }
        return record;
    }
}
