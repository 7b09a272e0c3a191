package io.sgnflow.connectors.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.ScoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * JSON encoding of the output records, as written to the scores, anomalies and dead-letter topics:
 * UTF-8, one object per record, snake_case field names (see {@link ScoredEvent} and {@link
 * DeadLetterRecord} for the fields).
 *
 * <p>Readers ignore unknown fields, so consumers keep working when fields are added. All methods
 * are thread-safe: they share immutable, pre-configured Jackson readers and writers.
 */
public final class RecordJson {
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ObjectWriter SCORED_EVENT_WRITER = MAPPER.writerFor(ScoredEvent.class);
    private static final ObjectReader SCORED_EVENT_READER = MAPPER.readerFor(ScoredEvent.class);
    private static final ObjectWriter DEAD_LETTER_WRITER = MAPPER.writerFor(DeadLetterRecord.class);
    private static final ObjectReader DEAD_LETTER_READER = MAPPER.readerFor(DeadLetterRecord.class);

    /** Longest part of an unreadable input, in bytes, quoted in an error message. */
    private static final int MAX_QUOTED_BYTES = 200;

    private RecordJson() {}

    /**
     * Encodes a score.
     *
     * @param event the score
     * @return UTF-8 JSON bytes
     * @throws NullPointerException if {@code event} is null
     */
    public static byte[] toJson(ScoredEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            return SCORED_EVENT_WRITER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event + " as JSON", e);
        }
    }

    /**
     * Decodes a score.
     *
     * @param json UTF-8 JSON bytes as written by {@link #toJson(ScoredEvent)}
     * @return the score
     * @throws IllegalArgumentException if the bytes are not a JSON score; the message quotes the
     *     start of the input
     */
    public static ScoredEvent scoredEventFromJson(byte[] json) {
        return read(SCORED_EVENT_READER, json, "scored event");
    }

    /**
     * Encodes a dead letter.
     *
     * @param deadLetter the dead letter
     * @return UTF-8 JSON bytes
     * @throws NullPointerException if {@code deadLetter} is null
     */
    public static byte[] toJson(DeadLetterRecord deadLetter) {
        Objects.requireNonNull(deadLetter, "deadLetter");
        try {
            return DEAD_LETTER_WRITER.writeValueAsBytes(deadLetter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + deadLetter + " as JSON", e);
        }
    }

    /**
     * Decodes a dead letter.
     *
     * @param json UTF-8 JSON bytes as written by {@link #toJson(DeadLetterRecord)}
     * @return the dead letter
     * @throws IllegalArgumentException if the bytes are not a JSON dead letter; the message quotes
     *     the start of the input
     */
    public static DeadLetterRecord deadLetterFromJson(byte[] json) {
        return read(DEAD_LETTER_READER, json, "dead letter");
    }

    private static <T> T read(ObjectReader reader, byte[] json, String what) {
        if (json == null) {
            throw new IllegalArgumentException("cannot decode a " + what + " from null bytes");
        }
        try {
            T value = reader.readValue(json);
            if (value == null) {
                throw new IllegalArgumentException(
                        "cannot decode a " + what + " from JSON " + quote(json));
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot decode a "
                            + what
                            + " from JSON "
                            + quote(json)
                            + ": "
                            + (e instanceof JsonProcessingException
                                    ? ((JsonProcessingException) e).getOriginalMessage()
                                    : e.getMessage()),
                    e);
        }
    }

    private static String quote(byte[] json) {
        int length = Math.min(json.length, MAX_QUOTED_BYTES);
        String text = new String(json, 0, length, StandardCharsets.UTF_8);
        return '"' + text + (json.length > length ? "...\"" : "\"");
    }
}
