package io.sgnflow.connectors.kafka;

import java.util.Properties;
import org.slf4j.Logger;

/** Argument checks shared by the Kafka factories. Stateless. */
final class KafkaArgs {
    private KafkaArgs() {}

    /** Throws {@link IllegalArgumentException} naming {@code name} and the value when blank. */
    static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    name
                            + " must be non-blank, found "
                            + (value == null ? "null" : "'" + value + "'"));
        }
    }

    /**
     * Logs a WARN when {@code properties} sets {@code name} to a value other than {@code value}.
     */
    static void warnIfOverridden(Logger log, Properties properties, String name, String value) {
        Object previous = properties.get(name);
        if (previous != null && !previous.toString().equals(value)) {
            log.warn(
                    "Client property {}={} is overridden by the explicit setting {}",
                    name,
                    ClientProperties.isSensitive(name) ? ClientProperties.REDACTED : previous,
                    value);
        }
    }
}
