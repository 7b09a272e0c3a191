package io.sgnflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class EmbeddedKafkaBrokerTest {

    @Test
    void startsOnLoopbackAndExposesBrokerConfigThroughAdmin() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");

            var cluster = kafka.admin().describeCluster();
            assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(kafka.clusterId());
            assertThat(cluster.nodes().get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(
                            n -> {
                                assertThat(n.host()).isEqualTo("127.0.0.1");
                                assertThat(n.id()).isEqualTo(kafka.nodeId());
                            });

            Config config = brokerConfig(kafka);
            assertThat(config.get("transaction.max.timeout.ms").value()).isEqualTo("900000");
            assertThat(config.get("transaction.state.log.replication.factor").value())
                    .isEqualTo("1");
            assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
            assertThat(config.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");

            kafka.createTopic("three", 3);
            TopicDescription three =
                    kafka.admin()
                            .describeTopics(Set.of("three"))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get("three");
            assertThat(three.partitions()).hasSize(3);
            assertThatThrownBy(() -> kafka.createTopic("three", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void appliesOverridesAndCleansUpOnClose() throws Exception {
        Path dir;
        int port;
        try (EmbeddedKafkaBroker kafka =
                EmbeddedKafkaBroker.start(Map.of("transaction.max.timeout.ms", "120000"))) {
            dir = kafka.baseDirectory();
            port = Integer.parseInt(kafka.bootstrapServers().split(":")[1]);
            assertThat(brokerConfig(kafka).get("transaction.max.timeout.ms").value())
                    .isEqualTo("120000");
            assertThat(dir).isDirectory();
        }
        assertThat(Files.exists(dir)).as("log dir deleted").isFalse();
        // The broker port is free again.
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void refusesToOverrideListeners() {
        assertThatThrownBy(
                        () -> EmbeddedKafkaBroker.start(Map.of("listeners", "PLAINTEXT://:9092")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Config brokerConfig(EmbeddedKafkaBroker kafka) throws Exception {
        ConfigResource broker =
                new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(kafka.nodeId()));
        return kafka.admin()
                .describeConfigs(List.of(broker))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(broker);
    }
}
