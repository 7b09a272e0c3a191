package io.sgnflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaSchemasTest {
    private static final long SOURCE_TIMESTAMP = 1_700_000_000_000L;

    private static final EventRecord EVENT = event(10L);

    /** An event with its own time {@code ts}, read from a record the broker stamped earlier. */
    private static EventRecord event(long ts) {
        EventRecord event =
                new EventRecord("e1", "host-7", ts, null, new double[] {1}, "events", 0, 5L, "{}");
        event.setSourceTimestamp(SOURCE_TIMESTAMP);
        return event;
    }

    private static final class ListCollector<T> implements Collector<T> {
        final List<T> items = new ArrayList<>();

        @Override
        public void collect(T record) {
            items.add(record);
        }

        @Override
        public void close() {}
    }

    private static ConsumerRecord<byte[], byte[]> consumerRecord(byte[] key, byte[] value) {
        return new ConsumerRecord<>(
                "events",
                4,
                77L,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    @Test
    void wrapsRecordBytesAndCoordinates() {
        ListCollector<KafkaInput> out = new ListCollector<>();
        byte[] value = {(byte) 0xFF, 0};

        new KafkaInputDeserializationSchema()
                .deserialize(consumerRecord(new byte[] {1}, value), out);

        assertThat(out.items)
                .containsExactly(
                        new KafkaInput(
                                new byte[] {1}, value, "events", 4, 77L, 1_700_000_000_000L));
    }

    @Test
    void copiesTheSignatureHeaderWhenPresent() {
        ListCollector<KafkaInput> out = new ListCollector<>();
        ConsumerRecord<byte[], byte[]> record = consumerRecord(null, new byte[] {7});
        byte[] hex = "00ff".getBytes(StandardCharsets.US_ASCII);
        record.headers().add(KafkaInputDeserializationSchema.SIGNATURE_HEADER, hex);

        new KafkaInputDeserializationSchema().deserialize(record, out);

        assertThat(out.items.get(0).getSignature()).isEqualTo(hex);
    }

    @Test
    void leavesTheSignatureNullWithoutTheHeader() {
        ListCollector<KafkaInput> out = new ListCollector<>();

        new KafkaInputDeserializationSchema().deserialize(consumerRecord(null, null), out);

        assertThat(out.items.get(0).getSignature()).isNull();
    }

    @Test
    void wrapsTombstoneWithoutFailing() {
        ListCollector<KafkaInput> out = new ListCollector<>();

        new KafkaInputDeserializationSchema().deserialize(consumerRecord(null, null), out);

        assertThat(out.items).hasSize(1);
        assertThat(out.items.get(0).getValue()).isNull();
        assertThat(out.items.get(0).getKey()).isNull();
    }

    @Test
    void producesPojoTypeInformation() {
        assertThat(new KafkaInputDeserializationSchema().getProducedType())
                .isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void keysScoresByEventKeyAndWritesJson() {
        ScoredEvent scored = ScoredEvent.scored(EVENT, -1.0, -5.0, 0.4, "v1");

        ProducerRecord<byte[], byte[]> record =
                new ScoredEventSerializationSchema("scores").serialize(scored, null, 10L);

        assertThat(record.topic()).isEqualTo("scores");
        assertThat(record.key()).isEqualTo("host-7".getBytes(StandardCharsets.UTF_8));
        assertThat(record.timestamp()).isNull();
        assertThat(RecordJson.scoredEventFromJson(record.value())).isEqualTo(scored);
    }

    @Test
    void leavesTheTimestampToTheProducerWhateverTheTimesOfEventTimerAndSource() {
        // A record emitted by an end-of-input timer carries Long.MAX_VALUE - 1, an event may claim
        // a time two hours ahead (brokers refuse both), and an old source record's time would let
        // retention delete the score at once: the output is stamped when it is written.
        long twoHoursAhead = System.currentTimeMillis() + 7_200_000L;
        ScoredEvent scored = ScoredEvent.scored(event(twoHoursAhead), -1.0, -5.0, 0.4, "v1");
        scored.setKey(null);

        ProducerRecord<byte[], byte[]> record =
                new ScoredEventSerializationSchema("scores")
                        .serialize(scored, null, Long.MAX_VALUE - 1);

        assertThat(record.timestamp()).isNull();
        assertThat(record.key()).isNull();
        ScoredEvent written = RecordJson.scoredEventFromJson(record.value());
        assertThat(written.getTs()).isEqualTo(twoHoursAhead);
        assertThat(written.getSourceTimestamp()).isEqualTo(SOURCE_TIMESTAMP);
    }

    @Test
    void anomaliesSchemaWritesOnlyAnomalies() {
        ScoredEventSerializationSchema schema = AnomalyRouting.schema("anomalies");
        ScoredEvent anomaly = ScoredEvent.scored(EVENT, -9.0, -5.0, 0.001, "v1");
        ScoredEvent normal = ScoredEvent.scored(EVENT, -1.0, -5.0, 0.5, "v1");

        assertThat(schema.serialize(anomaly, null, null).topic()).isEqualTo("anomalies");
        assertThat(schema.serialize(normal, null, null)).isNull();
        assertThat(schema.serialize(ScoredEvent.warmup(EVENT), null, null)).isNull();
    }

    @Test
    void anomalyFilterKeepsOnlyScoredAnomalies() throws Exception {
        assertThat(AnomalyRouting.filter().filter(ScoredEvent.scored(EVENT, -9, -5, null, "1")))
                .isTrue();
        assertThat(AnomalyRouting.filter().filter(ScoredEvent.scored(EVENT, -1, -5, null, "1")))
                .isFalse();
        assertThat(AnomalyRouting.filter().filter(ScoredEvent.warmup(EVENT))).isFalse();
    }

    @Test
    void writesDeadLettersAsJson() {
        DeadLetterRecord deadLetter =
                DeadLetterRecord.forEvent(EVENT, DeadLetterReason.WRONG_DIMENSION, "m");

        ProducerRecord<byte[], byte[]> record =
                new DeadLetterSerializationSchema("dead-letters").serialize(deadLetter, null, 3L);

        assertThat(record.topic()).isEqualTo("dead-letters");
        assertThat(record.key()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(RecordJson.deadLetterFromJson(record.value())).isEqualTo(deadLetter);
        assertThat(deadLetter.getTimestamp()).isEqualTo(SOURCE_TIMESTAMP);
    }

    @Test
    void rejectsBlankTopic() {
        assertThatThrownBy(() -> new ScoredEventSerializationSchema(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic must be non-blank, found ' '");
    }
}
