package io.sgnflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import io.sgnflow.jobs.kafka.EmbeddedKafkaBroker;
import io.sgnflow.jobs.testing.FlinkRest;
import io.sgnflow.jobs.testing.KafkaTestClient;
import io.sgnflow.jobs.testing.LocalFlink;
import io.sgnflow.model.io.ModelFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills one of two TaskManagers in the middle of a stream (after checkpoints have committed output
 * and a model swap) and checks that the job restored from its checkpoint: read_committed output
 * still has exactly one record per input, and every subtask still serves the swapped-in version.
 */
@Timeout(300)
class ScoringFailoverITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(LocalFlink.configuration())
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static EmbeddedKafkaBroker kafka;
    @TempDir static Path dir;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void recoversFromATaskManagerFailureWithoutLossOrDuplicates(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Path model = dir.resolve("v1.sgn.json");
        ModelFile.write(ScoringFixtures.trainModel(1, 1), model);
        for (String t : List.of("events", "scores", "anomalies", "dead", "models")) {
            kafka.createTopic("fail-" + t, t.equals("events") ? 3 : 1);
        }
        ScoringConfig config =
                ScoringConfig.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .inputTopic("fail-events")
                        .scoresTopic("fail-scores")
                        .anomaliesTopic("fail-anomalies")
                        .deadLetterTopic("fail-dead")
                        .modelUpdatesTopic("fail-models")
                        .groupId("fail")
                        .startingOffsets("earliest")
                        .transactionalIdPrefix("fail")
                        .transactionTimeoutMs(60_000)
                        .checkpointIntervalMs(500)
                        // Four subtasks fill all four slots, so the killed TaskManager runs some.
                        .parallelism(4)
                        .batchSize(64)
                        .batchMaxWaitMs(20)
                        .initialModelPath(model.toString())
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration restart = new Configuration();
        restart.setString("restart-strategy.type", "fixed-delay");
        restart.setString("restart-strategy.fixed-delay.attempts", "20");
        restart.setString("restart-strategy.fixed-delay.delay", "1 s");
        env.configure(restart);
        ScoringJob.build(env, config);
        JobClient job = env.executeAsync("scoring-failover");
        FlinkRest rest = new FlinkRest(cluster);
        try {
            List<ScoringFixtures.Event> first = ScoringFixtures.stream(3000, 31, "f");
            KafkaTestClient.produce(
                    kafka.bootstrapServers(),
                    "fail-events",
                    -1,
                    ScoringFixtures.values(first),
                    1000);
            // Swap in v2, then wait until checkpoints have committed part of the output and every
            // subtask serves v2 (its broadcast state then holds v2), then kill a worker.
            KafkaTestClient.produce(
                    kafka.bootstrapServers(),
                    "fail-models",
                    0,
                    List.of(ModelFile.toBytes(ScoringFixtures.trainModel(2, 2))),
                    1000);
            rest.awaitMetric(
                    job.getJobID(), "modelVersion", "min", v -> v == 2, Duration.ofSeconds(60));
            KafkaTestClient.readCommitted(
                    kafka.bootstrapServers(),
                    "fail-scores",
                    r -> r.size() >= 1000,
                    Duration.ofSeconds(120));
            assertThat(rest.failures(job.getJobID())).isZero();
            cluster.terminateTaskManager(0).get();
            // The survivor's two slots cannot hold four subtasks: a replacement joins, as a
            // cluster's resource manager would provide one.
            cluster.startTaskManager();
            List<ScoringFixtures.Event> second = ScoringFixtures.stream(3000, 32, "g");
            KafkaTestClient.produce(
                    kafka.bootstrapServers(),
                    "fail-events",
                    -1,
                    ScoringFixtures.values(second),
                    1000);
            int expected = first.size() + second.size();

            List<ConsumerRecord<byte[], byte[]>> dead =
                    KafkaTestClient.readCommitted(
                            kafka.bootstrapServers(),
                            "fail-dead",
                            r -> true,
                            Duration.ofSeconds(3));
            int bad =
                    (int)
                            (first.stream().filter(e -> e.row() == null).count()
                                    + second.stream().filter(e -> e.row() == null).count());
            List<ConsumerRecord<byte[], byte[]>> scores =
                    KafkaTestClient.readCommitted(
                            kafka.bootstrapServers(),
                            "fail-scores",
                            r -> r.size() >= expected - bad,
                            Duration.ofSeconds(180));
            dead =
                    KafkaTestClient.readCommitted(
                            kafka.bootstrapServers(),
                            "fail-dead",
                            r -> r.size() >= bad,
                            Duration.ofSeconds(30));

            Set<String> sources = new HashSet<>();
            int duplicates = 0;
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                ScoredEvent s = RecordJson.scoredEventFromJson(r.value());
                duplicates +=
                        sources.add(s.getSourcePartition() + "@" + s.getSourceOffset()) ? 0 : 1;
            }
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                DeadLetterRecord d = RecordJson.deadLetterFromJson(r.value());
                duplicates += sources.add(d.getPartition() + "@" + d.getOffset()) ? 0 : 1;
            }
            assertThat(duplicates).isZero();
            assertThat(sources).hasSize(expected);
            // The kill really hit the job, and the restored subtasks kept v2: events produced
            // after the kill were all scored by it.
            assertThat(rest.failures(job.getJobID())).isPositive();
            long afterKill = 0;
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                ScoredEvent s = RecordJson.scoredEventFromJson(r.value());
                if (s.getId() != null && s.getId().startsWith("g-")) {
                    assertThat(s.getModelVersion()).as("event %s", s.getId()).isEqualTo("2");
                    afterKill++;
                }
            }
            assertThat(afterKill).isGreaterThan(second.size() / 2);
        } finally {
            job.cancel().get();
        }
    }
}
