package io.sgnflow.connectors.serde;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The encoding of input record values. */
public enum EventFormat {
    /**
     * A JSON object {@code {"id": "...", "ts": <epoch ms>, "key": "...", "features": ...}} where
     * {@code features} is an object of name to number (any order) or an array of numbers in model
     * order. {@code id}, {@code ts} and {@code key} are optional; other fields are ignored.
     */
    JSON,
    /**
     * One line of comma-separated numbers in model order, without header; id and key are absent and
     * the event time is the Kafka record timestamp.
     */
    CSV;

    /**
     * Parses a format name, ignoring case and surrounding whitespace.
     *
     * @param name {@code "json"} or {@code "csv"}
     * @return the format
     * @throws IllegalArgumentException if {@code name} is null or names no format; the message
     *     gives the value and the accepted names
     */
    public static EventFormat parse(String name) {
        if (name != null) {
            String normalized = name.trim().toUpperCase(Locale.ROOT);
            for (EventFormat format : values()) {
                if (format.name().equals(normalized)) {
                    return format;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown event format "
                        + (name == null ? "null" : "'" + name + "'")
                        + "; expected one of "
                        + Arrays.stream(values())
                                .map(format -> format.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")));
    }
}
