package io.sgnflow.connectors.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.KafkaInput;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses Kafka record values into {@link EventRecord}s, or explains in a {@link DeadLetterRecord}
 * why a value cannot be parsed. Never throws on record content.
 *
 * <p>Checks, in order, each with its {@link DeadLetterReason}:
 *
 * <ol>
 *   <li>null, empty or whitespace-only value: {@link DeadLetterReason#EMPTY};
 *   <li>not valid UTF-8: {@link DeadLetterReason#NOT_UTF8} (the dead letter carries the value as
 *       base64 and the message gives the byte offset of the first bad sequence);
 *   <li>JSON: invalid JSON (truncated, trailing content, numbers over Jackson's length limit), not
 *       an object, {@code features} missing or neither object nor array, duplicate top-level field
 *       or feature name, {@code id}/{@code key} not a string or integer, {@code ts} not an integer:
 *       {@link DeadLetterReason#MALFORMED}. Syntax errors win over the value checks below. CSV:
 *       more than one line: {@link DeadLetterReason#MALFORMED};
 *   <li>a feature value that is not a number: {@link DeadLetterReason#NON_NUMERIC}. Strict: the
 *       JSON string {@code "1.5"} is rejected too. CSV cells must be decimal numbers after trimming
 *       ({@link Numbers#parseDecimal}: no hex floats, no {@code d}/{@code f} suffix);
 *   <li>{@code NaN}, {@code Infinity}, {@code -Infinity} literals and numbers beyond the double
 *       range (e.g. {@code 1e400}): {@link DeadLetterReason#NON_FINITE}.
 * </ol>
 *
 * <p>The first offending feature is reported. Unknown top-level JSON fields are ignored. The parser
 * does not know the model: feature count and names are checked by {@link FeatureResolver}. Features
 * of a JSON array and CSV columns are numbered from 0, in model order.
 *
 * <p>The event's {@code key} is the record's {@code key} field, else the Kafka record key when it
 * is valid UTF-8, else null; its timestamp is the record's {@code ts} field, else the Kafka record
 * timestamp. Dead letters from the parser carry the Kafka record timestamp and no model version.
 *
 * <p>Thread-safe and stateless apart from the format; cheap to serialize.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Thread-safe once built; NaN/Infinity literals parse so they can be named in messages. */
    private static final JsonFactory JSON_FACTORY =
            JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /**
     * Longest {@code id} or key an event may have: it is copied into the event's scored record,
     * which must fit in a Kafka record.
     */
    public static final int MAX_ID_CHARS = 1024;

    /** Most features an event may have: far beyond any model, and a bound on its size in memory. */
    public static final int MAX_FEATURES = 10_000;

    /** Longest Jackson error detail, in chars, copied into a dead-letter message. */
    private static final int MAX_ERROR_DETAIL_CHARS = 300;

    private static final Pattern JACKSON_SOURCE = Pattern.compile("\\[Source: .*?; line:");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final EventFormat format;

    /**
     * Creates a parser for one value format.
     *
     * @param format encoding of the record values
     * @throws NullPointerException if {@code format} is null
     */
    public EventParser(EventFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * Returns the value format this parser reads.
     *
     * @return the format
     */
    public EventFormat format() {
        return format;
    }

    /**
     * Parses one Kafka record. Never throws on record content: every problem becomes a dead letter
     * whose message names the offending field and value.
     *
     * @param input the record; its byte arrays are read, not modified, and not retained
     * @return the event, or a dead letter with the reason
     * @throws NullPointerException if {@code input} is null
     */
    public ParseResult parse(KafkaInput input) {
        Objects.requireNonNull(input, "input");
        byte[] value = input.getValue();
        if (value == null) {
            return reject(input, "", DeadLetterReason.EMPTY, "record value is null (tombstone)");
        }
        if (value.length == 0) {
            return reject(input, "", DeadLetterReason.EMPTY, "record value is empty (0 bytes)");
        }

        String text = decodeUtf8(value);
        if (text == null) {
            int badOffset = firstMalformedUtf8Offset(value);
            return ParseResult.failed(
                    new DeadLetterRecord(
                            null,
                            Base64.getEncoder().encodeToString(value),
                            input.getTopic(),
                            input.getPartition(),
                            input.getOffset(),
                            DeadLetterReason.NOT_UTF8,
                            String.format(
                                    "record value is not valid UTF-8: malformed byte sequence at"
                                            + " byte offset %d (0x%02X) of %d",
                                    badOffset, value[badOffset] & 0xff, value.length),
                            null,
                            input.getKafkaTimestamp()));
        }
        if (text.isBlank()) {
            return reject(
                    input,
                    text,
                    DeadLetterReason.EMPTY,
                    "record value is blank (" + value.length + " bytes of whitespace)");
        }

        String kafkaKey = input.getKey() == null ? null : decodeUtf8(input.getKey());
        return format == EventFormat.JSON
                ? parseJson(input, value, text, kafkaKey)
                : parseCsv(input, text, kafkaKey);
    }

    private static ParseResult parseJson(
            KafkaInput input, byte[] value, String text, String kafkaKey) {
        JsonEventReader reader = new JsonEventReader();
        try (JsonParser parser = JSON_FACTORY.createParser(value)) {
            reader.read(parser);
        } catch (JsonProcessingException e) {
            return reject(input, text, DeadLetterReason.MALFORMED, describeJsonError(e));
        } catch (IOException e) {
            // Not expected when reading from a byte array; still routed, not thrown.
            return reject(
                    input, text, DeadLetterReason.MALFORMED, "JSON read error: " + e.getMessage());
        }

        if (reader.problemReason != null) {
            return reject(input, text, reader.problemReason, reader.problemMessage);
        }
        if (!reader.sawFeatures) {
            return reject(
                    input,
                    text,
                    DeadLetterReason.MALFORMED,
                    "missing field 'features' (an object of name to number or an array of"
                            + " numbers)");
        }
        String[] names =
                reader.names == null ? null : Arrays.copyOf(reader.names, reader.featureCount);
        double[] values = Arrays.copyOf(reader.values, reader.featureCount);
        return ok(
                input,
                new EventRecord(
                        reader.id,
                        reader.key != null ? reader.key : kafkaKey,
                        reader.timestamp != null ? reader.timestamp : input.getKafkaTimestamp(),
                        names,
                        values,
                        input.getTopic(),
                        input.getPartition(),
                        input.getOffset(),
                        text));
    }

    private static ParseResult parseCsv(KafkaInput input, String text, String kafkaKey) {
        // As CSV files are read: a byte-order mark is dropped and a cell may be quoted.
        String line = (text.startsWith("\uFEFF") ? text.substring(1) : text).strip();
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            return reject(
                    input,
                    text,
                    DeadLetterReason.MALFORMED,
                    "CSV value has more than one line; expected one record per Kafka message");
        }

        int columns = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ',') {
                columns++;
            }
        }
        if (columns > MAX_FEATURES) {
            return reject(
                    input,
                    text,
                    DeadLetterReason.TOO_LARGE,
                    columns
                            + " values; more than "
                            + MAX_FEATURES
                            + " features, no model has that many");
        }
        double[] values = new double[columns];
        int start = 0;
        for (int column = 0; column < columns; column++) {
            int end = line.indexOf(',', start);
            if (end < 0) {
                end = line.length();
            }
            String cell = line.substring(start, end).trim();
            start = end + 1;
            if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
                cell = cell.substring(1, cell.length() - 1).trim();
            }

            double parsed;
            try {
                parsed = Numbers.parseDecimal(cell);
            } catch (NumberFormatException e) {
                return reject(
                        input,
                        text,
                        DeadLetterReason.NON_NUMERIC,
                        columnLabel(column) + " has non-numeric value " + Quote.string(cell));
            }
            if (!Double.isFinite(parsed)) {
                return reject(
                        input,
                        text,
                        DeadLetterReason.NON_FINITE,
                        nonFiniteMessage(columnLabel(column), parsed, cell));
            }
            values[column] = parsed;
        }
        return ok(
                input,
                new EventRecord(
                        null,
                        kafkaKey,
                        input.getKafkaTimestamp(),
                        null,
                        values,
                        input.getTopic(),
                        input.getPartition(),
                        input.getOffset(),
                        text));
    }

    private static ParseResult ok(KafkaInput input, EventRecord event) {
        String tooLong = tooLong("field 'id'", event.getId());
        if (tooLong == null) {
            tooLong = tooLong("the key", event.getKey());
        }
        if (tooLong != null) {
            return reject(input, event.getRaw(), DeadLetterReason.TOO_LARGE, tooLong);
        }
        event.setSourceTimestamp(input.getKafkaTimestamp());
        String raw = event.getRaw();
        if (raw != null && raw.length() > DeadLetterRecord.MAX_RAW_CHARS + 1) {
            // A later dead letter carries at most MAX_RAW_CHARS of it; one more keeps the mark
            // that it was cut, and the megabytes of a huge record do not travel with the event.
            event.setRaw(raw.substring(0, DeadLetterRecord.MAX_RAW_CHARS + 1));
        }
        return ParseResult.ok(event);
    }

    private static String tooLong(String what, String value) {
        if (value == null || value.length() <= MAX_ID_CHARS) {
            return null;
        }
        return what
                + " has "
                + value.length()
                + " characters; at most "
                + MAX_ID_CHARS
                + " are carried to the outputs";
    }

    private static String columnLabel(int column) {
        return "column " + column + " (0-based)";
    }

    /** Message for a value that parsed to NaN or ±Infinity, from a literal or an overflow. */
    private static String nonFiniteMessage(String label, double parsed, String text) {
        if (Double.isNaN(parsed)) {
            return label + " is NaN";
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return label + " value " + Quote.abbreviate(text) + " overflows double";
            }
        }
        return label + " is " + Quote.abbreviate(text);
    }

    private static ParseResult reject(
            KafkaInput input, String text, DeadLetterReason reason, String message) {
        return ParseResult.failed(
                new DeadLetterRecord(
                        text,
                        null,
                        input.getTopic(),
                        input.getPartition(),
                        input.getOffset(),
                        reason,
                        message,
                        null,
                        input.getKafkaTimestamp()));
    }

    /** Decodes strict UTF-8, or returns null when the bytes are not valid UTF-8. */
    private static String decodeUtf8(byte[] bytes) {
        // The JDK's lenient decoder is much faster than a CharsetDecoder; it replaces bad
        // sequences with U+FFFD, so only text containing U+FFFD needs the strict check.
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0 && firstMalformedUtf8Offset(bytes) >= 0) {
            return null;
        }
        return text;
    }

    /** Returns the byte offset of the first malformed UTF-8 sequence, or -1 when there is none. */
    private static int firstMalformedUtf8Offset(byte[] bytes) {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        result = decoder.flush(out);
        return result.isError() ? in.position() : -1;
    }

    private static String describeJsonError(JsonProcessingException e) {
        String detail = e.getOriginalMessage();
        if (detail == null) {
            detail = e.getClass().getSimpleName();
        }
        detail = JACKSON_SOURCE.matcher(detail).replaceAll("[line:");
        detail = WHITESPACE.matcher(detail).replaceAll(" ").trim();
        if (detail.length() > MAX_ERROR_DETAIL_CHARS) {
            detail = detail.substring(0, MAX_ERROR_DETAIL_CHARS) + "...";
        }
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 0) {
            return "JSON parse error: " + detail;
        }
        return "JSON parse error at line "
                + location.getLineNr()
                + " column "
                + location.getColumnNr()
                + ": "
                + detail;
    }

    /**
     * Streams one JSON event. Value problems are recorded (first wins) and reading continues, so
     * that a later syntax error, thrown by Jackson, takes precedence. One instance per record.
     */
    private static final class JsonEventReader {
        private static final int INITIAL_CAPACITY = 64;

        String id;
        String key;
        Long timestamp;
        boolean sawFeatures;
        String[] names;
        double[] values;
        int featureCount;
        DeadLetterReason problemReason;
        String problemMessage;

        private boolean sawId;
        private boolean sawKey;
        private boolean sawTimestamp;

        void read(JsonParser parser) throws IOException {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                problem(
                        DeadLetterReason.MALFORMED,
                        "expected a JSON object, found " + describe(parser, token));
                return;
            }
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                token = parser.nextToken();
                switch (field) {
                    case "id":
                        sawId = checkFirst(sawId, field);
                        id = readIdentifier(parser, token, field);
                        break;
                    case "key":
                        sawKey = checkFirst(sawKey, field);
                        key = readIdentifier(parser, token, field);
                        break;
                    case "ts":
                        sawTimestamp = checkFirst(sawTimestamp, field);
                        timestamp = readTimestamp(parser, token);
                        break;
                    case "features":
                        if (sawFeatures) {
                            checkFirst(true, field);
                            parser.skipChildren();
                        } else {
                            sawFeatures = true;
                            readFeatures(parser, token);
                        }
                        break;
                    default:
                        parser.skipChildren();
                }
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                // Several root values: a syntax-level problem, so it replaces any value problem.
                JsonLocation location = parser.currentTokenLocation();
                problemReason = null;
                problemMessage = null;
                problem(
                        DeadLetterReason.MALFORMED,
                        "unexpected content after the JSON object at line "
                                + location.getLineNr()
                                + " column "
                                + location.getColumnNr());
            }
        }

        private boolean checkFirst(boolean seen, String field) {
            if (seen) {
                problem(DeadLetterReason.MALFORMED, "duplicate field " + Quote.name(field));
            }
            return true;
        }

        private String readIdentifier(JsonParser parser, JsonToken token, String field)
                throws IOException {
            switch (token) {
                case VALUE_STRING:
                case VALUE_NUMBER_INT:
                    return parser.getText();
                case VALUE_NULL:
                    return null;
                default:
                    problem(
                            DeadLetterReason.MALFORMED,
                            "field "
                                    + Quote.name(field)
                                    + " must be a string, found "
                                    + describe(parser, token));
                    parser.skipChildren();
                    return null;
            }
        }

        private Long readTimestamp(JsonParser parser, JsonToken token) throws IOException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token == JsonToken.VALUE_NUMBER_INT
                    && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return parser.getLongValue();
            }
            problem(
                    DeadLetterReason.MALFORMED,
                    "field 'ts' must be an integer number of epoch milliseconds, found "
                            + describe(parser, token));
            parser.skipChildren();
            return null;
        }

        private void readFeatures(JsonParser parser, JsonToken token) throws IOException {
            values = new double[INITIAL_CAPACITY];
            if (token == JsonToken.START_OBJECT) {
                names = new String[INITIAL_CAPACITY];
                Set<String> seenNames = new HashSet<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken valueToken = parser.nextToken();
                    double value = readNumber(parser, valueToken, name, -1);
                    if (!seenNames.add(name)) {
                        problem(
                                DeadLetterReason.MALFORMED,
                                "duplicate feature " + Quote.name(name));
                    }
                    append(name, value);
                }
            } else if (token == JsonToken.START_ARRAY) {
                JsonToken valueToken;
                while ((valueToken = parser.nextToken()) != JsonToken.END_ARRAY) {
                    append(null, readNumber(parser, valueToken, null, featureCount));
                }
            } else {
                problem(
                        DeadLetterReason.MALFORMED,
                        "field 'features' must be an object of name to number or an array of"
                                + " numbers, found "
                                + describe(parser, token));
                parser.skipChildren();
            }
        }

        private void append(String name, double value) {
            if (featureCount == MAX_FEATURES) {
                // Read on to the end of the record (it must still be valid JSON) without keeping
                // more: millions of values would be copied between the job's operators.
                problem(
                        DeadLetterReason.TOO_LARGE,
                        "more than " + MAX_FEATURES + " features; no model has that many");
                return;
            }
            if (featureCount == values.length) {
                values = Arrays.copyOf(values, 2 * featureCount);
                if (names != null) {
                    names = Arrays.copyOf(names, 2 * featureCount);
                }
            }
            if (names != null) {
                names[featureCount] = name;
            }
            values[featureCount++] = value;
        }

        /** Reads a feature value; on a problem records it and returns NaN. */
        private double readNumber(JsonParser parser, JsonToken token, String name, int index)
                throws IOException {
            switch (token) {
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    double value = parser.getDoubleValue();
                    if (!Double.isFinite(value) && problemReason == null) {
                        problem(
                                DeadLetterReason.NON_FINITE,
                                nonFiniteMessage(
                                        featureLabel(name, index), value, parser.getText()));
                    }
                    return value;
                case START_OBJECT:
                case START_ARRAY:
                    if (problemReason == null) {
                        problem(
                                DeadLetterReason.NON_NUMERIC,
                                featureLabel(name, index)
                                        + " has non-numeric value "
                                        + (token == JsonToken.START_OBJECT ? "{...}" : "[...]"));
                    }
                    parser.skipChildren();
                    return Double.NaN;
                default:
                    if (problemReason == null) {
                        problem(
                                DeadLetterReason.NON_NUMERIC,
                                featureLabel(name, index)
                                        + " has non-numeric value "
                                        + scalarText(parser, token));
                    }
                    return Double.NaN;
            }
        }

        private static String featureLabel(String name, int index) {
            return name != null ? "feature " + Quote.name(name) : "feature [" + index + "]";
        }

        private void problem(DeadLetterReason reason, String message) {
            if (problemReason == null) {
                problemReason = reason;
                problemMessage = message;
            }
        }

        private static String scalarText(JsonParser parser, JsonToken token) throws IOException {
            return token == JsonToken.VALUE_STRING
                    ? Quote.string(parser.getText())
                    : Quote.abbreviate(parser.getText());
        }

        private static String describe(JsonParser parser, JsonToken token) throws IOException {
            if (token == null) {
                return "nothing";
            }
            switch (token) {
                case START_OBJECT:
                    return "an object";
                case START_ARRAY:
                    return "an array";
                case VALUE_STRING:
                    return "string " + Quote.string(parser.getText());
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return "number " + Quote.abbreviate(parser.getText());
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return "boolean " + parser.getText();
                case VALUE_NULL:
                    return "null";
                default:
                    return token.asString() == null ? token.name() : token.asString();
            }
        }
    }
}
