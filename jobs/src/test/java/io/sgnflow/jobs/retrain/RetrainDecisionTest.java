package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RetrainDecisionTest {

    @Test
    void aRejectionRoundTripsWithNullsForWhatWasNotComputed() throws Exception {
        RetrainDecision d =
                new RetrainDecision(
                        60_000,
                        120_000,
                        RejectReason.TOO_FEW_EVENTS.name(),
                        "12 usable events, fewer than 200",
                        12,
                        12,
                        12,
                        0,
                        RetrainDecision.finiteOrNull(Double.NaN),
                        null,
                        3L,
                        null,
                        0,
                        "exact_log_likelihood");
        byte[] json = d.toJson();
        JsonNode node = new ObjectMapper().readTree(json);
        // Absent figures are explicit nulls, so consumers see every field on every record.
        assertThat(node.has("candidateNatsPerDim")).isTrue();
        assertThat(node.get("candidateNatsPerDim").isNull()).isTrue();
        assertThat(node.get("publishedVersion").isNull()).isTrue();
        assertThat(node.get("decision").asText()).isEqualTo("TOO_FEW_EVENTS");
        RetrainDecision back = RetrainDecision.fromJson(json);
        assertThat(back).isEqualTo(d);
        assertThat(back.published()).isFalse();
    }

    @Test
    void aPublicationSaysSo() {
        RetrainDecision d =
                new RetrainDecision(
                        0,
                        60_000,
                        RetrainDecision.PUBLISHED,
                        "accepted",
                        4000,
                        3000,
                        2990,
                        10,
                        4.35,
                        4.24,
                        4L,
                        5L,
                        0.27,
                        "exact_log_likelihood");
        assertThat(RetrainDecision.fromJson(d.toJson()).published()).isTrue();
        assertThat(RetrainDecision.fromJson(d.toJson()).publishedVersion()).isEqualTo(5L);
    }

    @Test
    void aRecordThatIsNotADecisionIsNamedInTheError() {
        byte[] junk = "{\"windowStart\": \"soon\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RetrainDecision.fromJson(junk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a retrain decision")
                .hasMessageContaining("soon");
    }
}
