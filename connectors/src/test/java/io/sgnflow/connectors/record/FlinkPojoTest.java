package io.sgnflow.connectors.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FlinkPojoTest {
    static Stream<Arguments> records() {
        EventRecord event =
                new EventRecord(
                        null,
                        "k",
                        5L,
                        new String[] {"a", "b"},
                        new double[] {1, 2},
                        "events",
                        1,
                        2L,
                        "raw");
        return Stream.of(
                Arguments.of(KafkaInput.class, new KafkaInput(null, new byte[] {1}, "t", 0, 1, 2)),
                Arguments.of(
                        KafkaInput.class,
                        new KafkaInput(null, new byte[] {1}, "t", 0, 1, 2, new byte[] {'a', '0'})),
                Arguments.of(EventRecord.class, event),
                Arguments.of(
                        DeadLetterRecord.class,
                        DeadLetterRecord.forEvent(event, DeadLetterReason.EMPTY, "m")),
                Arguments.of(ScoredEvent.class, ScoredEvent.warmup(event)),
                Arguments.of(ScoredEvent.class, ScoredEvent.scored(event, -1, -2, null, "v1")));
    }

    @ParameterizedTest
    @MethodSource("records")
    <T> void isSerializedByFlinkAsAPojoIncludingNullFields(Class<T> type, T record)
            throws IOException {
        TypeInformation<T> typeInfo = TypeInformation.of(type);
        TypeSerializer<T> serializer = typeInfo.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);

        serializer.serialize(record, out);
        T copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(typeInfo).isInstanceOf(PojoTypeInfo.class);
        assertThat(copy).isEqualTo(record);
    }
}
