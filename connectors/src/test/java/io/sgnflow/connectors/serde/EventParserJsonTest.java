package io.sgnflow.connectors.serde;

import static io.sgnflow.connectors.serde.Inputs.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EventParserJsonTest {
    private final EventParser parser = new EventParser(EventFormat.JSON);

    private DeadLetterRecord rejected(String value) {
        ParseResult result = parser.parse(input(value));
        assertThat(result.isOk()).as("parse of %s", value).isFalse();
        return result.deadLetter();
    }

    /** The largest JSON a dead letter may take: Kafka's default record limit, 1 MB. */
    private static final int KAFKA_RECORD_LIMIT = 1_048_576;

    @Test
    void anIdTooLongForTheOutputsIsADeadLetterNamingItsLength() {
        String id = "x".repeat(1_100_000);

        DeadLetterRecord dead = rejected("{\"id\":\"" + id + "\",\"features\":[1,2]}");

        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(dead.getMessage())
                .isEqualTo(
                        "field 'id' has 1100000 characters; at most 1024 are carried to the outputs");
        assertThat(RecordJson.toJson(dead).length).isLessThan(KAFKA_RECORD_LIMIT);
    }

    @Test
    void anEventWithMillionsOfFeaturesIsTooLargeAndItsRawTextTravelsCut() {
        StringBuilder json = new StringBuilder("{\"features\":[0");
        for (int i = 1; i < 2_000_000; i++) {
            json.append(",0");
        }
        json.append("]}");

        DeadLetterRecord dead = rejected(json.toString());
        String longRaw = "{\"pad\":\"" + "p".repeat(100_000) + "\",\"features\":[1]}";
        EventRecord padded = parser.parse(input(longRaw)).event();

        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(dead.getMessage()).isEqualTo("more than 10000 features; no model has that many");
        assertThat(padded.getRaw()).hasSize(DeadLetterRecord.MAX_RAW_CHARS + 1);
        assertThat(
                        DeadLetterRecord.forEvent(padded, DeadLetterReason.WRONG_DIMENSION, "m")
                                .getRawTruncated())
                .isTrue();
    }

    @Test
    void aValueCutInAMessageIsNeverCutInsideASurrogatePair() {
        // 63 ASCII characters, then emoji (two chars each): char 64 is the first half of one.
        String value = "a".repeat(63) + "\uD83D\uDE00".repeat(10);

        DeadLetterRecord dead = rejected("{\"features\":[\"" + value + "\"]}");

        assertThat(dead.getMessage()).contains("\"" + "a".repeat(63) + "...");
        assertThat(dead.getMessage()).doesNotContain("\uD83D...");
        assertThat(new String(RecordJson.toJson(dead), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("\\ud83d");
    }

    @Test
    void aKafkaKeyTooLongForTheOutputsIsADeadLetter() {
        DeadLetterRecord dead =
                parser.parse(Inputs.keyedInput("k".repeat(2000), "{\"features\":[1]}"))
                        .deadLetter();

        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(dead.getMessage()).startsWith("the key has 2000 characters");
    }

    @Test
    void aHugeRecordLeavesADeadLetterThatFitsInAKafkaRecord() {
        // 600,000 quotes double when escaped in raw_text: the untruncated dead letter would
        // exceed 1 MB although the input did not.
        String quotes = "{\"id\":\"q\",\"features\":[" + "\"".repeat(600_000);
        String big = "not json " + "x".repeat(1_100_000);

        DeadLetterRecord fromQuotes = rejected(quotes);
        DeadLetterRecord fromBig = rejected(big);

        for (DeadLetterRecord dead : new DeadLetterRecord[] {fromQuotes, fromBig}) {
            assertThat(dead.getRawTruncated()).isTrue();
            assertThat(dead.getRawText()).hasSize(DeadLetterRecord.MAX_RAW_CHARS);
            assertThat(dead.getMessage())
                    .hasSizeLessThanOrEqualTo(DeadLetterRecord.MAX_MESSAGE_CHARS);
            assertThat(RecordJson.toJson(dead).length).isLessThan(KAFKA_RECORD_LIMIT);
        }
        assertThat(fromBig.getRawText())
                .isEqualTo(big.substring(0, DeadLetterRecord.MAX_RAW_CHARS));
        assertThat(new String(RecordJson.toJson(rejected("{\"features\":[1,\"a\"]}"))))
                .doesNotContain("raw_truncated");
    }

    @Test
    void parsesFeaturesByNameInRecordOrder() {
        String json =
                "{\"id\": \"e1\", \"ts\": 1700000000123, \"key\": \"host-7\","
                        + " \"features\": {\"mem\": 0.5, \"cpu\": 2}}";

        ParseResult result = parser.parse(input(json));

        assertThat(result.isOk()).isTrue();
        EventRecord event = result.event();
        assertThat(event.getId()).isEqualTo("e1");
        assertThat(event.getKey()).isEqualTo("host-7");
        assertThat(event.getTimestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(event.getFeatureNames()).containsExactly("mem", "cpu");
        assertThat(event.getValues()).containsExactly(0.5, 2.0);
        assertThat(event.getTopic()).isEqualTo(Inputs.TOPIC);
        assertThat(event.getPartition()).isEqualTo(Inputs.PARTITION);
        assertThat(event.getOffset()).isEqualTo(Inputs.OFFSET);
        assertThat(event.getRaw()).isEqualTo(json);
    }

    @Test
    void parsesFeaturesArrayInModelOrder() {
        ParseResult result = parser.parse(input("{\"features\": [1, -2.5, 3e2]}"));

        assertThat(result.event().getFeatureNames()).isNull();
        assertThat(result.event().getValues()).containsExactly(1.0, -2.5, 300.0);
    }

    @Test
    void parsesManyFeaturesBeyondInitialCapacity() {
        StringBuilder json = new StringBuilder("{\"features\": {");
        for (int i = 0; i < 200; i++) {
            json.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        json.append("}}");

        EventRecord event = parser.parse(input(json.toString())).event();

        assertThat(event.getValues()).hasSize(200);
        assertThat(event.getFeatureNames()[199]).isEqualTo("f199");
        assertThat(event.getValues()[199]).isEqualTo(199.0);
    }

    @Test
    void usesKafkaTimestampWhenTsIsMissing() {
        EventRecord event = parser.parse(input("{\"features\": [1]}")).event();

        assertThat(event.getTimestamp()).isEqualTo(Inputs.KAFKA_TIMESTAMP);
        assertThat(event.getId()).isNull();
    }

    @Test
    void usesKafkaKeyWhenKeyFieldIsMissing() {
        EventRecord event =
                parser.parse(Inputs.keyedInput("kafka-key", "{\"features\": [1]}")).event();

        assertThat(event.getKey()).isEqualTo("kafka-key");
    }

    @Test
    void prefersKeyFieldOverKafkaKey() {
        EventRecord event =
                parser.parse(Inputs.keyedInput("kafka-key", "{\"key\": \"k\", \"features\": [1]}"))
                        .event();

        assertThat(event.getKey()).isEqualTo("k");
    }

    @Test
    void acceptsLargeAndSmallMagnitudes() {
        EventRecord event =
                parser.parse(input("{\"features\": [1e6, -1e6, 1000000.0, -999999.5, 1e-300]}"))
                        .event();

        assertThat(event.getValues()).containsExactly(1e6, -1e6, 1e6, -999_999.5, 1e-300);
    }

    @Test
    void ignoresUnknownTopLevelFields() {
        ParseResult result =
                parser.parse(
                        input(
                                "{\"source\": {\"a\": [1, {\"b\": null}]}, \"features\": [1],"
                                        + " \"extra\": \"x\"}"));

        assertThat(result.event().getValues()).containsExactly(1.0);
    }

    @Test
    void acceptsNumericId() {
        assertThat(parser.parse(input("{\"id\": 17, \"features\": [1]}")).event().getId())
                .isEqualTo("17");
    }

    @Test
    void rejectsNullValueAsEmpty() {
        DeadLetterRecord deadLetter = rejected(null);

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.EMPTY);
        assertThat(deadLetter.getMessage()).contains("null");
    }

    @Test
    void rejectsEmptyValue() {
        DeadLetterRecord deadLetter = rejected("");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.EMPTY);
        assertThat(deadLetter.getMessage()).isEqualTo("record value is empty (0 bytes)");
        assertThat(deadLetter.getRawText()).isEmpty();
        assertThat(deadLetter.getTopic()).isEqualTo(Inputs.TOPIC);
        assertThat(deadLetter.getPartition()).isEqualTo(Inputs.PARTITION);
        assertThat(deadLetter.getOffset()).isEqualTo(Inputs.OFFSET);
        assertThat(deadLetter.getTimestamp()).isEqualTo(Inputs.KAFKA_TIMESTAMP);
        assertThat(deadLetter.getModelVersion()).isNull();
    }

    @Test
    void rejectsWhitespaceOnlyValueAsEmpty() {
        DeadLetterRecord deadLetter = rejected(" \n\t");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.EMPTY);
        assertThat(deadLetter.getMessage()).contains("3 bytes of whitespace");
    }

    @Test
    void rejectsInvalidUtf8AndKeepsBytesAsBase64() {
        byte[] value = {'{', '"', 'a', '"', ':', (byte) 0xC3, (byte) 0x28, '}'};

        ParseResult result = parser.parse(input(value));

        DeadLetterRecord deadLetter = result.deadLetter();
        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NOT_UTF8);
        assertThat(deadLetter.getRawText()).isNull();
        assertThat(Base64.getDecoder().decode(deadLetter.getRawBase64())).isEqualTo(value);
        assertThat(deadLetter.getMessage()).contains("byte offset 5 (0xC3)");
    }

    @Test
    void acceptsUtf8TextContainingTheReplacementCharacter() {
        EventRecord event =
                parser.parse(input("{\"id\": \"\uFFFD\u00e9\", \"features\": [1]}")).event();

        assertThat(event.getId()).isEqualTo("\uFFFD\u00e9");
    }

    @Test
    void rejectsTruncatedJsonWithPosition() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [1, 2");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage())
                .startsWith("JSON parse error at line 1 column ")
                .contains("end-of-input")
                .doesNotContain("\n")
                .doesNotContain("Source:")
                .doesNotContain("at com.fasterxml");
        assertThat(deadLetter.getRawText()).isEqualTo("{\"features\": [1, 2");
    }

    @Test
    void rejectsInvalidJsonNamingLineAndColumn() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [1, x]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage()).startsWith("JSON parse error at line 1 column 20: ");
    }

    @Test
    void rejectsJsonThatIsNotAnObject() {
        DeadLetterRecord deadLetter = rejected("[1, 2, 3]");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage()).isEqualTo("expected a JSON object, found an array");
    }

    @Test
    void rejectsEventWithoutFeaturesField() {
        DeadLetterRecord deadLetter = rejected("{\"id\": \"e1\", \"feature\": [1]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage()).startsWith("missing field 'features'");
    }

    @Test
    void rejectsFeaturesOfWrongType() {
        DeadLetterRecord deadLetter = rejected("{\"features\": \"1,2,3\"}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage())
                .isEqualTo(
                        "field 'features' must be an object of name to number or an array of"
                                + " numbers, found string \"1,2,3\"");
    }

    @Test
    void rejectsNaNLiteral() {
        DeadLetterRecord deadLetter = rejected("{\"features\": {\"mem\": 1, \"cpu\": NaN}}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(deadLetter.getMessage()).isEqualTo("feature 'cpu' is NaN");
    }

    @Test
    void rejectsInfinityLiteralInArrayNamingIndex() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [1, 2, -Infinity]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(deadLetter.getMessage()).isEqualTo("feature [2] is -Infinity");
    }

    @Test
    void rejectsNumberOverflowingDouble() {
        DeadLetterRecord deadLetter = rejected("{\"features\": {\"f0\": 1e400}}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(deadLetter.getMessage()).isEqualTo("feature 'f0' value 1e400 overflows double");
    }

    @Test
    void rejectsNumericStringStrictly() {
        DeadLetterRecord deadLetter = rejected("{\"features\": {\"f3\": \"1.5\"}}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_NUMERIC);
        assertThat(deadLetter.getMessage()).isEqualTo("feature 'f3' has non-numeric value \"1.5\"");
    }

    @Test
    void rejectsStringsForNumbersNamingFieldAndValue() {
        DeadLetterRecord deadLetter = rejected("{\"features\": {\"f1\": 1, \"f3\": \"abc\"}}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_NUMERIC);
        assertThat(deadLetter.getMessage()).isEqualTo("feature 'f3' has non-numeric value \"abc\"");
    }

    @Test
    void rejectsBooleanNullAndNestedValues() {
        assertThat(rejected("{\"features\": [true]}").getMessage())
                .isEqualTo("feature [0] has non-numeric value true");
        assertThat(rejected("{\"features\": {\"a\": null}}").getMessage())
                .isEqualTo("feature 'a' has non-numeric value null");
        assertThat(rejected("{\"features\": {\"a\": {\"b\": 1}}}").getMessage())
                .isEqualTo("feature 'a' has non-numeric value {...}");
        assertThat(rejected("{\"features\": [[1]]}").getReason())
                .isEqualTo(DeadLetterReason.NON_NUMERIC);
    }

    @Test
    void reportsTheFirstOffendingFeature() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [\"x\", NaN]}");

        assertThat(deadLetter.getMessage()).isEqualTo("feature [0] has non-numeric value \"x\"");
    }

    @Test
    void escapesAndTruncatesLongValuesInMessages() {
        String longValue = "a\"b" + "x".repeat(500);

        DeadLetterRecord deadLetter =
                rejected("{\"features\": {\"f\": \"" + longValue.replace("\"", "\\\"") + "\"}}");

        assertThat(deadLetter.getMessage())
                .startsWith("feature 'f' has non-numeric value \"a\\\"bxxx")
                .endsWith("...\"")
                .hasSizeLessThan(120);
    }

    @Test
    void rejectsDuplicateFeatureName() {
        DeadLetterRecord deadLetter = rejected("{\"features\": {\"cpu\": 1, \"cpu\": 2}}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage()).isEqualTo("duplicate feature 'cpu'");
    }

    @Test
    void rejectsDuplicateTopLevelField() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [1], \"features\": [2]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage()).isEqualTo("duplicate field 'features'");
    }

    @Test
    void rejectsTrailingContentAfterTheObject() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [1]} {\"features\": [2]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage())
                .isEqualTo("unexpected content after the JSON object at line 1 column 19");
    }

    @Test
    void prefersSyntaxErrorOverEarlierValueError() {
        DeadLetterRecord deadLetter = rejected("{\"features\": [\"abc\", 2");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
    }

    @Test
    void rejectsNonIntegerTimestamp() {
        DeadLetterRecord deadLetter = rejected("{\"ts\": \"2024-01-01\", \"features\": [1]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage())
                .isEqualTo(
                        "field 'ts' must be an integer number of epoch milliseconds, found string"
                                + " \"2024-01-01\"");
    }

    @Test
    void rejectsObjectAsId() {
        DeadLetterRecord deadLetter = rejected("{\"id\": {\"x\": 1}, \"features\": [1]}");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage())
                .isEqualTo("field 'id' must be a string, found an object");
    }

    @Test
    void refusesToReadTheWrongSideOfAResult() {
        ParseResult ok = parser.parse(input("{\"features\": [1]}"));
        ParseResult failed = parser.parse(input(""));

        assertThatThrownBy(ok::deadLetter).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(failed::event)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EMPTY");
    }
}
