package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.ScoredEvent;
import org.junit.jupiter.api.Test;

/** Which scored records become flags in the retraining windows. */
class ToFlagTest {
    private static ScoredEvent scored(String topic, double logLikelihood, double threshold) {
        EventRecord event =
                new EventRecord("e", null, 1_000L, null, new double[] {1}, topic, 2, 77L, "{}");
        return ScoredEvent.scored(event, logLikelihood, threshold, 0.001, "3");
    }

    @Test
    void anAnomalyOfAnEventOfTheInputTopicIsAFlagAtItsCoordinatesAndRecordTime() {
        SampledEvent flag = ToFlag.flagOf(scored("events", -50, -10), 5_000L, "events");

        assertThat(flag.isFlag()).isTrue();
        assertThat(flag.coordinate())
                .isEqualTo(scored("events", -50, -10).getSourceTopic() + "/2/77");
        assertThat(flag.getTimestamp()).as("no source_timestamp: the record's").isEqualTo(5_000L);
    }

    @Test
    void aFlagsTimeIsItsEventsSourceRecordTimestampWhenTheScoreCarriesIt() {
        ScoredEvent scored = scored("events", -50, -10);
        scored.setSourceTimestamp(3_000L);

        assertThat(ToFlag.flagOf(scored, 5_000L, "events").getTimestamp()).isEqualTo(3_000L);
    }

    @Test
    void verdictsOnOtherTopicsNormalEventsAndWarmUpAreNoFlags() {
        assertThat(ToFlag.flagOf(scored("other-events", -50, -10), 5_000L, "events")).isNull();
        assertThat(ToFlag.flagOf(scored("events", -5, -10), 5_000L, "events")).isNull();
        assertThat(
                        ToFlag.flagOf(
                                ScoredEvent.warmup(
                                        new EventRecord(
                                                "e",
                                                null,
                                                1L,
                                                null,
                                                new double[] {1},
                                                "events",
                                                0,
                                                1L,
                                                "{}")),
                                5_000L,
                                "events"))
                .isNull();
        assertThat(ToFlag.flagOf(null, 5_000L, "events")).isNull();
    }
}
