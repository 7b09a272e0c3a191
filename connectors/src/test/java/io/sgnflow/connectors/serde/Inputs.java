package io.sgnflow.connectors.serde;

import io.sgnflow.connectors.record.KafkaInput;
import java.nio.charset.StandardCharsets;

/** Test fixtures: Kafka inputs with fixed coordinates. */
final class Inputs {
    static final String TOPIC = "events";
    static final int PARTITION = 3;
    static final long OFFSET = 42L;
    static final long KAFKA_TIMESTAMP = 1_700_000_000_000L;

    private Inputs() {}

    static KafkaInput input(String value) {
        return input(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    static KafkaInput input(byte[] value) {
        return new KafkaInput(null, value, TOPIC, PARTITION, OFFSET, KAFKA_TIMESTAMP);
    }

    static KafkaInput keyedInput(String key, String value) {
        return new KafkaInput(
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8),
                TOPIC,
                PARTITION,
                OFFSET,
                KAFKA_TIMESTAMP);
    }
}
