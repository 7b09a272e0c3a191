package io.sgnflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.jobs.retrain.RetrainConfig;
import io.sgnflow.jobs.scoring.ScoringConfig;
import org.junit.jupiter.api.Test;

class KafkaJobWiringTest {

    @Test
    void eventTimeRunsAtMostAMinuteAheadOfTheClock() {
        long now = System.currentTimeMillis();

        assertThat(KafkaJobWiring.notAhead(now - 86_400_000L)).isEqualTo(now - 86_400_000L);
        assertThat(KafkaJobWiring.notAhead(now + 7_200_000L))
                .isBetween(
                        now + KafkaJobWiring.MAX_AHEAD_MS,
                        now + KafkaJobWiring.MAX_AHEAD_MS + 5_000);
    }

    @Test
    void noTwoOptionsOfAJobMayNameTheSameTopic() {
        assertThatThrownBy(
                        () ->
                                ScoringConfig.builder()
                                        .bootstrapServers("127.0.0.1:9092")
                                        .inputTopic("events")
                                        .modelUpdatesTopic("events")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "--model-updates-topic and --input-topic both name topic 'events'");
        assertThatThrownBy(
                        () ->
                                ScoringConfig.builder()
                                        .bootstrapServers("127.0.0.1:9092")
                                        .inputTopic("events")
                                        .anomaliesTopic("sgn-scores")
                                        .build())
                .hasMessageContaining(
                        "--anomalies-topic and --scores-topic both name topic 'sgn-scores'");
        assertThatThrownBy(
                        () ->
                                RetrainConfig.builder()
                                        .bootstrapServers("127.0.0.1:9092")
                                        .inputTopic("events")
                                        .modelStore("file:///tmp/unused")
                                        .decisionsTopic("sgn-model-updates")
                                        .build())
                .hasMessageContaining(
                        "--decisions-topic and --model-updates-topic both name topic 'sgn-model-updates'");
    }
}
