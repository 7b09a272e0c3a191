package io.sgnflow.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.ScoreStatus;
import io.sgnflow.connectors.record.ScoredEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
    private static final EventRecord EVENT =
            new EventRecord(
                    "e1",
                    "host-7",
                    1_700_000_000_123L,
                    null,
                    new double[] {1, 2},
                    "events",
                    2,
                    99L,
                    "{\"features\":[1,2]}");

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Test
    void writesScoredEventWithSnakeCaseFieldsInOrder() {
        EVENT.setSourceTimestamp(1_700_000_000_000L);
        ScoredEvent scored = ScoredEvent.scored(EVENT, -12.5, -10.0, 0.003, "v3");

        String json = text(RecordJson.toJson(scored));

        assertThat(json)
                .isEqualTo(
                        "{\"id\":\"e1\",\"key\":\"host-7\",\"ts\":1700000000123,"
                                + "\"log_likelihood\":-12.5,\"threshold\":-10.0,\"anomaly\":true,"
                                + "\"tail_probability\":0.003,\"model_version\":\"v3\","
                                + "\"status\":\"SCORED\",\"score_kind\":\"exact_log_likelihood\","
                                + "\"source_topic\":\"events\",\"source_partition\":2,"
                                + "\"source_offset\":99,\"source_timestamp\":1700000000000}");
    }

    @Test
    void roundTripsScoredEvent() {
        ScoredEvent scored = ScoredEvent.scored(EVENT, -3.25, -10.0, null, "3");

        ScoredEvent decoded = RecordJson.scoredEventFromJson(RecordJson.toJson(scored));

        assertThat(decoded).isEqualTo(scored);
        assertThat(decoded.getAnomaly()).isFalse();
    }

    @Test
    void roundTripsWarmupEventWithNulls() {
        ScoredEvent warmup = ScoredEvent.warmup(EVENT);

        byte[] json = RecordJson.toJson(warmup);

        assertThat(text(json))
                .contains("\"log_likelihood\":null")
                .contains("\"anomaly\":null")
                .contains("\"model_version\":null")
                .contains("\"status\":\"WARMUP\"");
        assertThat(RecordJson.scoredEventFromJson(json)).isEqualTo(warmup);
    }

    @Test
    void roundTripsNonFiniteLogLikelihood() {
        ScoredEvent scored = ScoredEvent.scored(EVENT, Double.NEGATIVE_INFINITY, -10.0, 0.0, "v1");

        ScoredEvent decoded = RecordJson.scoredEventFromJson(RecordJson.toJson(scored));

        assertThat(decoded.getLogLikelihood()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(decoded.getAnomaly()).isTrue();
    }

    @Test
    void ignoresUnknownFieldsWhenReading() {
        ScoredEvent decoded =
                RecordJson.scoredEventFromJson(
                        "{\"id\":\"x\",\"new_field\":[1],\"status\":\"SCORED\"}"
                                .getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.getId()).isEqualTo("x");
        assertThat(decoded.getStatus()).isEqualTo(ScoreStatus.SCORED);
    }

    @Test
    void writesDeadLetterWithRawTextAndSnakeCaseFields() {
        DeadLetterRecord deadLetter =
                new DeadLetterRecord(
                        "{\"features\": [1]}",
                        null,
                        "events",
                        1,
                        7L,
                        DeadLetterReason.WRONG_DIMENSION,
                        "expected 38 features, found 1",
                        "v2",
                        123L);

        String json = text(RecordJson.toJson(deadLetter));

        assertThat(json)
                .isEqualTo(
                        "{\"raw_text\":\"{\\\"features\\\": [1]}\",\"source_topic\":\"events\","
                                + "\"source_partition\":1,\"source_offset\":7,"
                                + "\"reason\":\"WRONG_DIMENSION\","
                                + "\"message\":\"expected 38 features, found 1\","
                                + "\"model_version\":\"v2\",\"ts\":123}");
        assertThat(RecordJson.deadLetterFromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(deadLetter);
    }

    @Test
    void roundTripsDeadLetterWithBase64Raw() {
        DeadLetterRecord deadLetter =
                new DeadLetterRecord(
                        null,
                        "MSz/",
                        "events",
                        0,
                        1L,
                        DeadLetterReason.NOT_UTF8,
                        "record value is not valid UTF-8",
                        null,
                        -1L);

        byte[] json = RecordJson.toJson(deadLetter);

        assertThat(text(json))
                .startsWith("{\"raw_base64\":\"MSz/\",")
                .doesNotContain("raw_text")
                .contains("\"model_version\":null");
        assertThat(RecordJson.deadLetterFromJson(json)).isEqualTo(deadLetter);
    }

    @Test
    void rejectsUnreadableJsonQuotingIt() {
        assertThatThrownBy(
                        () ->
                                RecordJson.scoredEventFromJson(
                                        "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot decode a scored event from JSON \"not json\"");
        assertThatThrownBy(() -> RecordJson.deadLetterFromJson(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
