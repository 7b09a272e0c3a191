package io.sgnflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.connectors.kafka.KafkaInputDeserializationSchema;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import io.sgnflow.jobs.kafka.EmbeddedKafkaBroker;
import io.sgnflow.jobs.retrain.ModelUpdateSerializationSchema;
import io.sgnflow.jobs.security.ModelSigner;
import io.sgnflow.jobs.testing.KafkaTestClient;
import io.sgnflow.jobs.testing.LocalFlink;
import io.sgnflow.model.io.ModelFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a signing key, the scoring job serves a model update signed by the retraining job's schema
 * and rejects an unsigned one and one signed with another key, on a real broker and MiniCluster.
 */
@Timeout(600)
class SignedModelUpdatesITCase {
    private static final String KEY =
            "7f3c1e9a5b2d4c6e8f0a1b3c5d7e9f1a3b5c7d9e0f2a4b6c8d0e2f4a6b8c0d2e";

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.extension();

    @TempDir static Path dir;
    static EmbeddedKafkaBroker kafka;

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
    void servesOnlyTheUpdateSignedWithTheKey() throws Exception {
        Path v1File = dir.resolve("v1.sgn.json");
        ModelFile.write(ScoringFixtures.trainModel(1, 1), v1File);
        byte[] v2 = ModelFile.toBytes(ScoringFixtures.trainModel(2, 2));
        byte[] v3 = ModelFile.toBytes(ScoringFixtures.trainModel(3, 3));
        Path keyFile = dir.resolve("model.key");
        Files.writeString(keyFile, KEY + "\n");
        ModelSigner signer = ModelSigner.fromKeyFile(keyFile);
        ModelSigner intruder = ModelSigner.ofKey(KEY.replace('7', '8').getBytes());
        for (String t : List.of("events", "scores", "anomalies", "dead", "models")) {
            kafka.createTopic("signed-" + t, 1);
        }
        ScoringConfig config =
                ScoringConfig.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .inputTopic("signed-events")
                        .scoresTopic("signed-scores")
                        .anomaliesTopic("signed-anomalies")
                        .deadLetterTopic("signed-dead")
                        .modelUpdatesTopic("signed-models")
                        .groupId("signed")
                        .startingOffsets("earliest")
                        .transactionalIdPrefix("signed")
                        .transactionTimeoutMs(60_000)
                        .checkpointIntervalMs(500)
                        .parallelism(2)
                        .batchSize(16)
                        .batchMaxWaitMs(20)
                        .idleness(Duration.ofMillis(500))
                        .initialModelPath(v1File.toString())
                        .modelSigningKeyFile(keyFile.toString())
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.build(env, config);
        JobClient job = env.executeAsync("scoring-signed");
        try {
            // Two forged v3 updates first: had either been served, the signed v2 that follows
            // would be refused as "not newer" and version 2 would never appear.
            send(new ProducerRecord<>("signed-models", 0, 1L, null, v3));
            ProducerRecord<byte[], byte[]> forged =
                    new ModelUpdateSerializationSchema("signed-models", intruder)
                            .serialize(v3, null, 2L);
            send(forged);
            send(
                    new ModelUpdateSerializationSchema("signed-models", signer)
                            .serialize(v2, null, 3L));

            List<String> versions = probeUntilVersion("2");

            assertThat(versions).contains("2").doesNotContain("3");
            assertThat(
                            forged.headers()
                                    .lastHeader(KafkaInputDeserializationSchema.SIGNATURE_HEADER))
                    .isNotNull();
        } finally {
            job.cancel().get();
        }
    }

    private static void send(ProducerRecord<byte[], byte[]> record) {
        KafkaTestClient.send(kafka.bootstrapServers(), record);
    }

    /** Sends probe events until one is scored by {@code version}; returns every version seen. */
    private static List<String> probeUntilVersion(String version) throws InterruptedException {
        double[] row = ScoringFixtures.normalRows(1, 99)[0];
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String id = "probe-" + i;
            KafkaTestClient.produce(
                    kafka.bootstrapServers(),
                    "signed-events",
                    0,
                    List.of(ScoringFixtures.json(id, row, false).getBytes(StandardCharsets.UTF_8)),
                    1000 + i);
            int expected = i + 1;
            List<ConsumerRecord<byte[], byte[]>> scores =
                    KafkaTestClient.readCommitted(
                            kafka.bootstrapServers(),
                            "signed-scores",
                            r -> r.size() >= expected,
                            Duration.ofSeconds(60));
            seen.clear();
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                ScoredEvent s = RecordJson.scoredEventFromJson(r.value());
                seen.add(s.getModelVersion());
            }
            if (seen.contains(version)) {
                return seen;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("model version " + version + " never served; saw " + seen);
    }
}
