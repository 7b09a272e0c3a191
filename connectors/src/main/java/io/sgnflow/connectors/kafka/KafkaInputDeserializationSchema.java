package io.sgnflow.connectors.kafka;

import io.sgnflow.connectors.record.KafkaInput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Wraps every Kafka record, whatever its content, in a {@link KafkaInput}: key and value bytes
 * (null stays null), topic, partition, offset, timestamp and the {@value #SIGNATURE_HEADER} header.
 * Parsing happens downstream, so a bad record can never fail the source; it becomes a dead letter
 * instead.
 *
 * <p>The byte arrays are handed over, not copied: the consumer's byte-array deserializer allocates
 * fresh arrays per record and does not reuse them. Stateless and thread-safe.
 */
public final class KafkaInputDeserializationSchema
        implements KafkaRecordDeserializationSchema<KafkaInput> {
    private static final long serialVersionUID = 1L;

    /**
     * {@value}: the Kafka record header that carries the hex HMAC-SHA256 of a model update's value;
     * copied into {@link KafkaInput#getSignature()} when present.
     */
    public static final String SIGNATURE_HEADER = "sgn-hmac-sha256";

    /** Creates the schema. */
    public KafkaInputDeserializationSchema() {}

    /**
     * Emits one {@link KafkaInput} for the record. Does not throw on any record content; exceptions
     * from {@code out} (downstream operators) propagate.
     *
     * @param record the Kafka record
     * @param out receives exactly one element
     */
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaInput> out) {
        Header signature = record.headers().lastHeader(SIGNATURE_HEADER);
        out.collect(
                new KafkaInput(
                        record.key(),
                        record.value(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.timestamp(),
                        signature == null ? null : signature.value()));
    }

    /**
     * Returns the Flink type of the produced records.
     *
     * @return POJO type information for {@link KafkaInput}
     */
    @Override
    public TypeInformation<KafkaInput> getProducedType() {
        return TypeInformation.of(KafkaInput.class);
    }
}
