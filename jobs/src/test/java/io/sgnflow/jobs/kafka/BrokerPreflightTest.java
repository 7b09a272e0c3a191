package io.sgnflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.kafka.TopicCheck;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The start-up checks against a real broker: missing topics are named with their options. */
@Timeout(180)
class BrokerPreflightTest {
    private static EmbeddedKafkaBroker autoCreating;
    private static EmbeddedKafkaBroker strict;

    @BeforeAll
    static void start() {
        autoCreating = EmbeddedKafkaBroker.start(Map.of("auto.create.topics.enable", "true"));
        strict = EmbeddedKafkaBroker.start(Map.of("auto.create.topics.enable", "false"));
        autoCreating.createTopic("present", 1);
        strict.createTopic("present", 1);
    }

    @AfterAll
    static void stop() {
        for (EmbeddedKafkaBroker broker : new EmbeddedKafkaBroker[] {autoCreating, strict}) {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static void check(
            EmbeddedKafkaBroker broker, Map<String, String> read, Map<String, String> write) {
        BrokerPreflight.check(
                broker.bootstrapServers(),
                new Properties(),
                DeliveryGuarantee.EXACTLY_ONCE,
                60_000,
                read,
                write);
    }

    @Test
    void aMissingInputTopicIsNamedWithItsOption() {
        assertThatThrownBy(
                        () ->
                                check(
                                        autoCreating,
                                        Map.of("events", "--input-topic"),
                                        Map.of("present", "--scores-topic")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic 'events' (--input-topic) does not exist at 127.0.0.1:")
                .hasMessageContaining("kafka-topics.sh");
    }

    @Test
    void aMissingOutputTopicIsFineWhereTheBrokersCreateItAndFatalWhereTheyDoNot() {
        Map<String, String> read = Map.of("present", "--input-topic");
        Map<String, String> write = Map.of("scores", "--scores-topic");

        assertThatCode(() -> check(autoCreating, read, write)).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(strict, read, write))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic 'scores' (--scores-topic) does not exist")
                .hasMessageContaining("do not create topics on first write");
    }

    @Test
    void existingTopicsPass() {
        assertThatCode(
                        () ->
                                check(
                                        strict,
                                        Map.of("present", "--input-topic"),
                                        Map.of("present", "--scores-topic")))
                .doesNotThrowAnyException();
    }

    @Test
    void theLargestRecordOfATopicIsItsOwnLimitElseTheBrokersOne() {
        strict.createTopic("narrow", 1, Map.of("max.message.bytes", "8000"));

        assertThat(
                        TopicCheck.maxMessageBytes(
                                strict.bootstrapServers(), new Properties(), "narrow"))
                .isEqualTo(8000);
        assertThat(
                        TopicCheck.maxMessageBytes(
                                strict.bootstrapServers(), new Properties(), "absent"))
                .isEqualTo(TopicCheck.DEFAULT_MAX_MESSAGE_BYTES);
    }
}
