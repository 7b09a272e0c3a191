package io.sgnflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.connectors.record.ScoredEvent;
import java.util.Properties;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {
    @Test
    void setsTransactionTimeoutForExactlyOnce() {
        Properties client = new Properties();
        client.setProperty("transaction.timeout.ms", "3600000");
        client.setProperty("security.protocol", "SSL");

        Properties properties =
                KafkaSinks.producerProperties(
                        "localhost:9092", DeliveryGuarantee.EXACTLY_ONCE, "sgn", 600_000L, client);

        assertThat(properties.getProperty("transaction.timeout.ms")).isEqualTo("600000");
        assertThat(properties.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(properties.getProperty("bootstrap.servers")).isEqualTo("localhost:9092");
        assertThat(client.getProperty("transaction.timeout.ms")).isEqualTo("3600000");
    }

    @Test
    void leavesTransactionTimeoutAloneForAtLeastOnce() {
        Properties properties =
                KafkaSinks.producerProperties(
                        "localhost:9092", DeliveryGuarantee.AT_LEAST_ONCE, null, 0L, null);

        assertThat(properties.getProperty("transaction.timeout.ms")).isNull();
    }

    @Test
    void rejectsExactlyOnceWithoutPrefixOrWithNonPositiveTimeout() {
        assertThatThrownBy(
                        () ->
                                KafkaSinks.producerProperties(
                                        "localhost:9092",
                                        DeliveryGuarantee.EXACTLY_ONCE,
                                        " ",
                                        60_000L,
                                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactionalIdPrefix");
        assertThatThrownBy(
                        () ->
                                KafkaSinks.producerProperties(
                                        "localhost:9092",
                                        DeliveryGuarantee.EXACTLY_ONCE,
                                        "sgn",
                                        0L,
                                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found 0");
    }

    @Test
    void buildsSinkWithoutContactingBrokers() {
        KafkaSink<ScoredEvent> sink =
                KafkaSinks.build(
                        "localhost:1",
                        new ScoredEventSerializationSchema("scores"),
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "sgn-scores",
                        60_000L,
                        new Properties());

        assertThat(sink).isNotNull();
    }

    @Test
    void buildsUnboundedSourcesWithoutContactingBrokers() {
        KafkaSource<KafkaInput> events =
                KafkaInputSource.build(
                        "localhost:1", "events", "g", OffsetsInitializer.earliest(), null);
        KafkaSource<KafkaInput> models =
                KafkaInputSource.buildModelUpdates("localhost:1", "models", "g-models", null);

        assertThat(events.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(models.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    }

    @Test
    void rejectsBlankSourceArgumentsNamingThem() {
        assertThatThrownBy(
                        () ->
                                KafkaInputSource.build(
                                        "localhost:1",
                                        "events",
                                        "",
                                        OffsetsInitializer.earliest(),
                                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("groupId must be non-blank, found ''");
    }

    @Test
    void transactionTimeoutCheckRejectsNonPositiveTimeoutBeforeContactingBrokers() {
        assertThatThrownBy(() -> TransactionTimeoutCheck.verify("localhost:1", null, 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found 0");
    }
}
