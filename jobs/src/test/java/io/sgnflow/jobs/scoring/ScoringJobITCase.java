package io.sgnflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.ScoreStatus;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import io.sgnflow.jobs.kafka.EmbeddedKafkaBroker;
import io.sgnflow.jobs.testing.FlinkRest;
import io.sgnflow.jobs.testing.KafkaTestClient;
import io.sgnflow.jobs.testing.LocalFlink;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.vae.SgnVaeModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The scoring job on a real KRaft broker and a loopback MiniCluster. */
@Timeout(600)
class ScoringJobITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.extension();

    static EmbeddedKafkaBroker kafka;
    private static SgnFlowModel v1;
    private static SgnFlowModel v2;
    @TempDir static Path dir;
    private static Path v1File;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafkaBroker.start();
        v1 = ScoringFixtures.trainModel(1, 1);
        v2 = ScoringFixtures.trainModel(2, 2);
        v1File = dir.resolve("v1.sgn.json");
        ModelFile.write(v1, v1File);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private ScoringConfig.Builder config(String prefix, boolean bounded) {
        for (String t : List.of("events", "scores", "anomalies", "dead", "models")) {
            kafka.createTopic(prefix + "-" + t, t.equals("events") ? 3 : 1);
        }
        return ScoringConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .inputTopic(prefix + "-events")
                .scoresTopic(prefix + "-scores")
                .anomaliesTopic(prefix + "-anomalies")
                .deadLetterTopic(prefix + "-dead")
                .modelUpdatesTopic(prefix + "-models")
                .groupId(prefix)
                .startingOffsets("earliest")
                .transactionalIdPrefix(prefix)
                .transactionTimeoutMs(60_000)
                .checkpointIntervalMs(500)
                .parallelism(2)
                .batchSize(64)
                .batchMaxWaitMs(20)
                .idleness(Duration.ofMillis(500))
                .bounded(bounded);
    }

    @Test
    void everyInputYieldsExactlyOneOutputAndScoresEqualTheOfflineModel() throws Exception {
        ScoringConfig config = config("exact", true).initialModelPath(v1File.toString()).build();
        List<ScoringFixtures.Event> events = ScoringFixtures.stream(10_000, 11, "e");
        KafkaTestClient.produce(
                kafka.bootstrapServers(), "exact-events", -1, ScoringFixtures.values(events), 1000);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.build(env, config);
        env.execute("scoring-exact");

        Outputs out = Outputs.read("exact", events.size());
        assertThat(out.total()).isEqualTo(events.size());
        assertThat(out.duplicateSources).isZero();
        Map<String, double[]> rowsById = new HashMap<>();
        long bad = events.stream().filter(e -> e.row() == null).count();
        events.stream().filter(e -> e.row() != null).forEach(e -> rowsById.put(e.id(), e.row()));
        assertThat(out.scored).hasSize(rowsById.size());
        assertThat(out.deadLetters).hasSize((int) bad);
        for (ScoredEvent s : out.scored) {
            assertThat(s.getStatus()).isEqualTo(ScoreStatus.SCORED);
            assertThat(s.getModelVersion()).isEqualTo("1");
            double expected = v1.logLikelihood(rowsById.get(s.getId()));
            assertThat(s.getLogLikelihood())
                    .as("event %s", s.getId())
                    .isCloseTo(
                            expected,
                            org.assertj.core.data.Offset.offset(
                                    1e-12 * Math.max(1, Math.abs(expected))));
        }
        assertThat(out.deadLetters)
                .extracting(d -> d.getReason().name())
                .contains(
                        "MALFORMED",
                        "NON_FINITE",
                        "UNKNOWN_FEATURE",
                        "WRONG_DIMENSION",
                        "NON_NUMERIC",
                        "EMPTY");
        assertThat(out.deadLetters).allSatisfy(d -> assertThat(d.getMessage()).isNotBlank());
        long anomalies = out.scored.stream().filter(ScoredEvent::getAnomaly).count();
        assertThat(out.anomalies).isEqualTo(anomalies).isPositive();
        // Events that claim a time two hours ahead were scored, kept their ts, and left with the
        // source record's Kafka timestamp (the broker would refuse theirs).
        long now = System.currentTimeMillis();
        assertThat(out.scored)
                .filteredOn(s -> s.getTs() > now + 3_600_000L)
                .hasSizeGreaterThan(50)
                .allSatisfy(s -> assertThat(s.getSourceTimestamp()).isLessThan(now));
    }

    @Test
    void scoresAThreePartitionTopicWithDataInOnlyOnePartitionAndTimeAdvances(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        // Unbounded, so that only idleness can release the watermark of the two empty
        // partitions (a bounded source would end with the maximum watermark anyway).
        ScoringConfig config = config("onepart", false).initialModelPath(v1File.toString()).build();
        long start = 1_700_000_000_000L;
        List<ScoringFixtures.Event> events = ScoringFixtures.stream(500, 12, "p");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.build(env, config);
        JobClient job = env.executeAsync("scoring-one-partition");
        try {
            List<byte[]> values = ScoringFixtures.values(events);
            try (KafkaProducer<byte[], byte[]> producer =
                    KafkaTestClient.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < events.size(); i++) {
                    producer.send(
                            new ProducerRecord<>(
                                    "onepart-events", 1, start + 1000L * i, null, values.get(i)));
                }
            }

            Outputs out = Outputs.read("onepart", events.size());
            assertThat(out.total()).isEqualTo(events.size());
            assertThat(out.duplicateSources).isZero();
            // Event time reaches the scoring operator although partitions 0 and 2 never see data:
            // its input watermark passes the first half of the events' timestamps.
            FlinkRest rest = new FlinkRest(cluster);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long watermark = Long.MIN_VALUE;
            while (System.nanoTime() < deadline && watermark < start + 250_000L) {
                watermark = rest.minInputWatermark(job.getJobID(), "score");
                Thread.sleep(200);
            }
            assertThat(watermark).isGreaterThanOrEqualTo(start + 250_000L);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void warmsUpThenSwapsModelsLiveAndKeepsServingThroughBadUpdates(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        ScoringConfig config = config("swap", false).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.build(env, config);
        JobClient job = env.executeAsync("scoring-swap");
        FlinkRest rest = new FlinkRest(cluster);
        JobID id = job.getJobID();
        try {
            List<ScoringFixtures.Event> warm = ScoringFixtures.stream(200, 21, "w");
            produce("swap-events", warm);
            // Without a model, only parse-stage problems are dead letters; records whose fault
            // only a model can see (wrong count, unknown names) are emitted as WARMUP too.
            Outputs warmOut = Outputs.read("swap", warm.size());
            assertThat(warmOut.total()).isEqualTo(warm.size());
            assertThat(warmOut.scored)
                    .hasSizeGreaterThan(warm.size() / 2)
                    .allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(ScoreStatus.WARMUP));

            publish("swap", ModelFile.toBytes(v1));
            int probes = probeUntilVersion("swap", "1", warm.size());
            List<ScoringFixtures.Event> first = ScoringFixtures.stream(300, 22, "a");
            produce("swap-events", first);
            int seen = warm.size() + probes + first.size();
            Outputs afterFirst = Outputs.read("swap", seen);
            assertThat(versionsOf(afterFirst, "a-")).containsOnly("1");

            // Bad updates, one of each kind; every subtask must refuse all of them.
            byte[] v2Bytes = ModelFile.toBytes(v2);
            byte[] corrupt = v2Bytes.clone();
            corrupt[corrupt.length / 2] ^= 0x20;
            List<byte[]> bad =
                    List.of(
                            corrupt,
                            Arrays.copyOf(v2Bytes, v2Bytes.length / 2),
                            "not a model".getBytes(StandardCharsets.UTF_8),
                            ModelFile.toBytes(
                                    ScoringFixtures.trainOn(List.of("cpu", "mem", "disk"), 3)),
                            ModelFile.toBytes(
                                    ScoringFixtures.trainOn(
                                            List.of("cpu", "mem", "disk", "net", "swap"), 3)),
                            ModelFile.toBytes(v1));
            for (byte[] update : bad) {
                publish("swap", update);
            }
            rest.awaitMetric(
                    id, "modelRejects", "min", v -> v >= bad.size(), Duration.ofSeconds(60));
            List<ScoringFixtures.Event> during = valid(ScoringFixtures.stream(100, 24, "c"));
            produce("swap-events", during);
            seen += during.size();
            Outputs afterBad = Outputs.read("swap", seen);
            assertThat(versionsOf(afterBad, "c-")).containsOnly("1");

            publish("swap", v2Bytes);
            probes += probeUntilVersion("swap", "2", seen);
            List<ScoringFixtures.Event> second = ScoringFixtures.stream(300, 23, "b");
            produce("swap-events", second);
            int total = warm.size() + probes + first.size() + during.size() + second.size();
            Outputs all = Outputs.read("swap", total);

            assertThat(all.total()).isEqualTo(total);
            assertThat(all.duplicateSources).isZero();
            assertThat(versionsOf(all, "a-")).containsOnly("1");
            assertThat(versionsOf(all, "c-")).containsOnly("1");
            assertThat(versionsOf(all, "b-")).containsOnly("2");
            for (ScoredEvent s : all.scored) {
                if (s.getId() != null
                        && s.getId().startsWith("b-")
                        && s.getLogLikelihood() != null) {
                    double[] row = rowOf(second, s.getId());
                    assertThat(s.getLogLikelihood())
                            .isCloseTo(
                                    v2.logLikelihood(row),
                                    org.assertj.core.data.Offset.offset(1e-9));
                }
            }

            // The job's metrics tell the same story as its outputs.
            long scored =
                    all.scored.stream().filter(s -> s.getStatus() == ScoreStatus.SCORED).count();
            long warmup = all.scored.size() - scored;
            rest.awaitMetric(id, "eventsIn", "sum", v -> v == total, Duration.ofSeconds(30));
            rest.awaitMetric(id, "scored", "sum", v -> v == scored, Duration.ofSeconds(30));
            rest.awaitMetric(id, "warmupEvents", "sum", v -> v == warmup, Duration.ofSeconds(30));
            assertThat(rest.metric(id, "modelVersion", "min")).isEqualTo(2);
            assertThat(rest.metric(id, "modelSwaps", "min")).isEqualTo(2);
            assertThat(rest.metric(id, "modelRejects", "max")).isEqualTo(bad.size());
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void swapsFromAnSgnFlowToAnSgnVaeAndEveryOutputNamesItsScoreKind() throws Exception {
        SgnVaeModel vae = ScoringFixtures.trainVae(2, 5);
        ScoringConfig config = config("vae", false).initialModelPath(v1File.toString()).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.build(env, config);
        JobClient job = env.executeAsync("scoring-vae");
        try {
            List<ScoringFixtures.Event> first = valid(ScoringFixtures.stream(200, 31, "a"));
            produce("vae-events", first);
            Outputs.read("vae", first.size());

            publish("vae", ModelFile.toBytes(vae));
            int probes = probeUntilVersion("vae", "2", first.size());
            List<ScoringFixtures.Event> second = valid(ScoringFixtures.stream(300, 32, "b"));
            produce("vae-events", second);
            int total = first.size() + probes + second.size();
            Outputs all = Outputs.read("vae", total);

            assertThat(all.total()).isEqualTo(total);
            assertThat(all.duplicateSources).isZero();
            int vaeScored = 0;
            for (ScoredEvent s : all.scored) {
                if (s.getId().startsWith("a-")) {
                    assertThat(s.getModelVersion()).isEqualTo("1");
                    assertThat(s.getScoreKind()).isEqualTo("exact_log_likelihood");
                } else if (s.getId().startsWith("b-")) {
                    assertThat(s.getModelVersion()).isEqualTo("2");
                    assertThat(s.getScoreKind()).isEqualTo("iw_log_likelihood");
                    // Fixed noise draws: the job's score is the offline score, bit for bit.
                    double expected = vae.score(rowOf(second, s.getId()));
                    assertThat(s.getLogLikelihood()).isEqualTo(expected);
                    assertThat(s.getThreshold()).isEqualTo(vae.threshold().threshold());
                    assertThat(s.getAnomaly()).isEqualTo(expected < vae.threshold().threshold());
                    vaeScored++;
                }
            }
            assertThat(vaeScored).isEqualTo(second.size());
        } finally {
            job.cancel().get();
        }
    }

    private static List<ScoringFixtures.Event> valid(List<ScoringFixtures.Event> events) {
        return events.stream().filter(e -> e.row() != null).toList();
    }

    private static double[] rowOf(List<ScoringFixtures.Event> events, String id) {
        return events.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow().row();
    }

    private static Set<String> versionsOf(Outputs out, String idPrefix) {
        Set<String> versions = new HashSet<>();
        for (ScoredEvent s : out.scored) {
            if (s.getId() != null && s.getId().startsWith(idPrefix)) {
                versions.add(s.getModelVersion());
            }
        }
        return versions;
    }

    private static void produce(String topic, List<ScoringFixtures.Event> events) {
        KafkaTestClient.produce(
                kafka.bootstrapServers(), topic, -1, ScoringFixtures.values(events), 1000);
    }

    private static void publish(String prefix, byte[] model) {
        KafkaTestClient.produce(
                kafka.bootstrapServers(), prefix + "-models", 0, List.of(model), 1000);
    }

    /** Sends probe events until one is scored by {@code version}; returns how many were sent. */
    private static int probeUntilVersion(String prefix, String version, int outputsBefore)
            throws InterruptedException {
        double[] row = ScoringFixtures.normalRows(1, 99)[0];
        for (int i = 0; i < 40; i++) {
            String id = "probe-" + version + "-" + i;
            KafkaTestClient.produce(
                    kafka.bootstrapServers(),
                    prefix + "-events",
                    0,
                    List.of(ScoringFixtures.json(id, row, false).getBytes(StandardCharsets.UTF_8)),
                    1000);
            Outputs out = Outputs.read(prefix, outputsBefore + i + 1, Duration.ofSeconds(10));
            boolean found =
                    out.scored.stream()
                            .anyMatch(
                                    s ->
                                            id.equals(s.getId())
                                                    && version.equals(s.getModelVersion()));
            if (found) {
                return i + 1;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("model version " + version + " never served");
    }

    /** What the job wrote, read with read_committed. */
    static final class Outputs {
        final List<ScoredEvent> scored = new ArrayList<>();
        final List<DeadLetterRecord> deadLetters = new ArrayList<>();
        long anomalies;
        int duplicateSources;

        int total() {
            return scored.size() + deadLetters.size();
        }

        static Outputs read(String prefix, int expected) {
            return read(prefix, expected, Duration.ofSeconds(120));
        }

        static Outputs readAtLeast(String prefix, int expected) {
            return read(prefix, expected, Duration.ofSeconds(120));
        }

        static Outputs read(String prefix, int expected, Duration timeout) {
            Outputs out = new Outputs();
            // Both topics grow together: read them in turn until the sum is complete.
            long deadline = System.nanoTime() + timeout.toNanos();
            List<ConsumerRecord<byte[], byte[]>> dead;
            List<ConsumerRecord<byte[], byte[]>> scores;
            do {
                dead =
                        KafkaTestClient.readCommitted(
                                kafka.bootstrapServers(),
                                prefix + "-dead",
                                r -> true,
                                Duration.ofSeconds(2));
                int deadCount = dead.size();
                scores =
                        KafkaTestClient.readCommitted(
                                kafka.bootstrapServers(),
                                prefix + "-scores",
                                r -> r.size() + deadCount >= expected,
                                Duration.ofSeconds(5));
            } while (scores.size() + dead.size() < expected && System.nanoTime() < deadline);
            Set<String> sources = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                ScoredEvent s = RecordJson.scoredEventFromJson(r.value());
                out.scored.add(s);
                if (!sources.add(s.getSourcePartition() + "@" + s.getSourceOffset())) {
                    out.duplicateSources++;
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                DeadLetterRecord d = RecordJson.deadLetterFromJson(r.value());
                out.deadLetters.add(d);
                if (!sources.add(d.getPartition() + "@" + d.getOffset())) {
                    out.duplicateSources++;
                }
            }
            out.anomalies =
                    KafkaTestClient.readCommitted(
                                    kafka.bootstrapServers(),
                                    prefix + "-anomalies",
                                    r -> true,
                                    Duration.ofSeconds(3))
                            .size();
            return out;
        }
    }
}
