package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.ScoreStatus;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import io.sgnflow.jobs.kafka.EmbeddedKafkaBroker;
import io.sgnflow.jobs.scoring.ScoringConfig;
import io.sgnflow.jobs.scoring.ScoringJob;
import io.sgnflow.jobs.testing.FlinkRest;
import io.sgnflow.jobs.testing.KafkaTestClient;
import io.sgnflow.jobs.testing.LocalFlink;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
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
 * The retraining job on a real KRaft broker and a loopback MiniCluster, alone and together with the
 * scoring job. Windows are one minute of synthetic Kafka timestamps (half an hour ago, so the
 * broker's timestamp checks and retention leave them alone).
 */
@Timeout(300)
class RetrainingJobITCase {
    private static final long MINUTE = 60_000L;

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.extension();

    private static EmbeddedKafkaBroker kafka;
    private static SgnFlowModel v1;
    private static Path v1File;
    private static long t0;
    @TempDir static Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafkaBroker.start();
        v1 = RetrainFixtures.modelOfA();
        v1File = dir.resolve("v1.sgn.json");
        ModelFile.write(v1, v1File);
        t0 = (System.currentTimeMillis() / MINUTE - 30) * MINUTE;
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static RetrainConfig.Builder retrain(String prefix, int partitions) throws Exception {
        kafka.createTopic(prefix + "-events", partitions);
        kafka.createTopic(prefix + "-models", 1);
        kafka.createTopic(prefix + "-decisions", 1);
        Path store = Files.createDirectories(dir.resolve(prefix + "-store"));
        return RetrainConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .inputTopic(prefix + "-events")
                .modelUpdatesTopic(prefix + "-models")
                .decisionsTopic(prefix + "-decisions")
                .modelStore(store.toUri().toString())
                .keepVersions(2)
                .groupId(prefix + "-retrain")
                .startingOffsets("earliest")
                .transactionalIdPrefix(prefix + "-retrain")
                .transactionTimeoutMs(60_000)
                .checkpointIntervalMs(500)
                .parallelism(2)
                .outOfOrderness(Duration.ofSeconds(1))
                .idleness(Duration.ofMillis(500))
                .windowSize(Duration.ofMinutes(1))
                .reservoirSize(1000)
                .minEvents(100)
                .hidden(8)
                .steps(2)
                .epochs(10)
                .maxTrainingSeconds(5)
                .learningRate(0.03)
                .trainBatchSize(64)
                .seed(7)
                .bounded(true);
    }

    /** A scoring job on {@code prefix-events}, reading updates from {@code prefix-models}. */
    private static JobClient startScoring(String prefix, String initialModel) throws Exception {
        for (String t : List.of("scores", "anomalies", "dead")) {
            kafka.createTopic(prefix + "-" + t, 1);
        }
        ScoringConfig config =
                ScoringConfig.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .inputTopic(prefix + "-events")
                        .scoresTopic(prefix + "-scores")
                        .anomaliesTopic(prefix + "-anomalies")
                        .deadLetterTopic(prefix + "-dead")
                        .modelUpdatesTopic(prefix + "-models")
                        .groupId(prefix + "-scoring")
                        .startingOffsets("earliest")
                        .initialModelPath(initialModel)
                        .transactionalIdPrefix(prefix + "-scoring")
                        .transactionTimeoutMs(60_000)
                        .checkpointIntervalMs(500)
                        .parallelism(2)
                        .batchSize(64)
                        .batchMaxWaitMs(20)
                        .idleness(Duration.ofMillis(500))
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.build(env, config);
        return env.executeAsync(prefix + "-scoring");
    }

    private static void runBounded(RetrainConfig config, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainingJob.build(env, config);
        env.execute(name);
    }

    @Test
    void publishesAfterADistributionShiftAndTheScoringJobSwapsItIn() throws Exception {
        RetrainConfig config = retrain("shift", 3).initialModelPath(v1File.toString()).build();
        JobClient scoring = startScoring("shift", v1File.toString());
        try {
            List<RetrainFixtures.Event> events = new ArrayList<>();
            events.addAll(
                    RetrainFixtures.events("a", RetrainFixtures.regimeA(600, 11), t0, MINUTE));
            events.addAll(
                    RetrainFixtures.events(
                            "b", RetrainFixtures.regimeB(1200, 12), t0 + MINUTE, 2 * MINUTE));
            RetrainFixtures.produce(kafka.bootstrapServers(), "shift-events", -1, events);
            List<ScoredEvent> before = scores("shift", r -> r.size() >= events.size());
            assertThat(before).hasSize(events.size());
            assertThat(before).allSatisfy(s -> assertThat(s.getModelVersion()).isEqualTo("1"));
            double beforeShifted = meanLl(before, "b-", "1");

            runBounded(config, "retrain-shift");

            List<SgnFlowModel> published = publishedModels("shift");
            assertThat(published).isNotEmpty();
            for (int i = 0; i < published.size(); i++) {
                assertThat(published.get(i).version()).isEqualTo(2 + i);
                assertThat(published.get(i).threshold().threshold()).isFinite();
            }
            long latest = published.get(published.size() - 1).version();
            assertThat(
                            Files.exists(
                                    dir.resolve("shift-store")
                                            .resolve(ModelStore.fileName(latest))))
                    .isTrue();
            assertThat(new ModelStore(config.modelStore(), 2).versions().size())
                    .isLessThanOrEqualTo(2);

            // One decision per closed window, in window order; the published ones name exactly
            // the versions on the model-updates topic.
            List<RetrainDecision> decisions = decisions("shift");
            assertThat(decisions).hasSizeGreaterThanOrEqualTo(published.size());
            for (int i = 1; i < decisions.size(); i++) {
                assertThat(decisions.get(i).windowStart())
                        .isGreaterThan(decisions.get(i - 1).windowStart());
            }
            assertThat(decisions.stream().filter(RetrainDecision::published))
                    .extracting(RetrainDecision::publishedVersion)
                    .containsExactlyElementsOf(
                            published.stream().map(SgnFlowModel::version).toList());
            assertThat(decisions)
                    .allSatisfy(
                            d -> {
                                assertThat(d.windowEvents()).isPositive();
                                assertThat(d.windowEnd() - d.windowStart()).isEqualTo(MINUTE);
                                assertThat(d.scoreKind()).isEqualTo("exact_log_likelihood");
                            });

            // Regime B events after the swap: scored by the newest version, and more likely.
            int seen = probeUntilVersion("shift", String.valueOf(latest), events.size());
            List<RetrainFixtures.Event> after =
                    RetrainFixtures.events(
                            "after",
                            RetrainFixtures.regimeB(300, 13),
                            System.currentTimeMillis(),
                            1000);
            RetrainFixtures.produce(kafka.bootstrapServers(), "shift-events", 0, after);
            int total = seen + after.size();
            List<ScoredEvent> all = scores("shift", r -> r.size() >= total);
            List<ScoredEvent> afterScores =
                    all.stream().filter(s -> s.getId().startsWith("after-")).toList();
            assertThat(afterScores).hasSize(after.size());
            assertThat(afterScores)
                    .allSatisfy(
                            s -> {
                                assertThat(s.getStatus()).isEqualTo(ScoreStatus.SCORED);
                                assertThat(s.getModelVersion()).isEqualTo(String.valueOf(latest));
                            });
            double afterShifted = meanLl(afterScores, "after-", String.valueOf(latest));
            assertThat(afterShifted).isGreaterThan(beforeShifted + 1.0);
        } finally {
            scoring.cancel().get();
        }
    }

    @Test
    void leavesOutTheEventsTheScoringJobFlaggedWhenReadingItsScoresTopic() throws Exception {
        kafka.createTopic("flags-scores", 1);
        RetrainConfig config =
                retrain("flags", 1).scoresTopic("flags-scores").maxExcludedFraction(0.5).build();
        double[][] rows = RetrainFixtures.regimeA(600, 41);
        List<Integer> outliers = new ArrayList<>();
        for (int i = 7; i < rows.length; i += 20) {
            rows[i][0] = 1000;
            outliers.add(i);
        }
        List<RetrainFixtures.Event> events = RetrainFixtures.events("f", rows, t0, MINUTE);
        RetrainFixtures.produce(kafka.bootstrapServers(), "flags-events", 0, events);
        // The scoring job's verdicts on the outliers, as it writes them (one partition, so the
        // offset of event i is i; the record time is the event's).
        try (var producer = KafkaTestClient.producer(kafka.bootstrapServers())) {
            for (int i : outliers) {
                EventRecord scoredEvent = new EventRecord();
                scoredEvent.setId(events.get(i).id());
                scoredEvent.setTimestamp(events.get(i).timestamp());
                scoredEvent.setTopic("flags-events");
                scoredEvent.setPartition(0);
                scoredEvent.setOffset(i);
                ScoredEvent verdict =
                        ScoredEvent.scored(
                                scoredEvent, -500, -20, 0.0, "1", "exact_log_likelihood");
                producer.send(
                        new ProducerRecord<>(
                                "flags-scores",
                                0,
                                events.get(i).timestamp(),
                                null,
                                RecordJson.toJson(verdict)));
            }
            producer.flush();
        }

        runBounded(config, "retrain-flags");

        // Cold start on the window: had the 30 outliers at a = 1000 been kept, feature a would
        // have a mean near 40 and a spread near 170 instead of regime A's 10 and 2.
        List<SgnFlowModel> published = publishedModels("flags");
        assertThat(published).hasSize(1);
        assertThat(published.get(0).standardizer().mean()[0]).isBetween(9.0, 11.0);
        assertThat(published.get(0).standardizer().scale()[0]).isLessThan(4.0);
    }

    @Test
    void aModelLargerThanTheUpdatesTopicTakesIsRefusedNotPublished() throws Exception {
        // The topic takes records of 8,000 bytes; the model file is larger. Sent anyway, it would
        // fail the sink and the job, over and over.
        kafka.createTopic("tiny-models", 1, java.util.Map.of("max.message.bytes", "8000"));
        RetrainConfig config = retrain("small", 1).modelUpdatesTopic("tiny-models").build();
        RetrainFixtures.produce(
                kafka.bootstrapServers(),
                "small-events",
                0,
                RetrainFixtures.events("s", RetrainFixtures.regimeA(400, 41), t0, 50_000));

        runBounded(config, "retrain-small");

        assertThat(
                        KafkaTestClient.readCommitted(
                                kafka.bootstrapServers(),
                                "tiny-models",
                                r -> true,
                                Duration.ofSeconds(3)))
                .isEmpty();
        RetrainDecision d = decisions("small").get(0);
        assertThat(d.decision()).isEqualTo(RejectReason.TOO_LARGE.name());
        assertThat(d.message())
                .contains("more than the 3904 the model-updates topic tiny-models takes")
                .contains("max.message.bytes");
        assertThat(new ModelStore(config.modelStore(), 2).versions()).isEmpty();
    }

    @Test
    void rejectsACandidateWorseOnTheNewestHeldOutData() throws Exception {
        // One window: older 80 % from regime B, newest 20 % (the held-out part) from regime A,
        // which the current model fits. A candidate trained on B is worse there; tolerance 0.
        RetrainConfig config =
                retrain("reject", 1).initialModelPath(v1File.toString()).tolerance(0).build();
        List<RetrainFixtures.Event> events = new ArrayList<>();
        events.addAll(RetrainFixtures.events("b", RetrainFixtures.regimeB(800, 21), t0, 48_000));
        events.addAll(
                RetrainFixtures.events("a", RetrainFixtures.regimeA(200, 22), t0 + 48_000, 12_000));
        RetrainFixtures.produce(kafka.bootstrapServers(), "reject-events", 0, events);

        runBounded(config, "retrain-reject");

        assertThat(publishedModels("reject")).isEmpty();
        assertThat(new ModelStore(config.modelStore(), 2).versions()).isEmpty();
        List<RetrainDecision> decisions = decisions("reject");
        assertThat(decisions).hasSize(1);
        RetrainDecision d = decisions.get(0);
        assertThat(d.decision()).isEqualTo(RejectReason.WORSE.name());
        assertThat(d.published()).isFalse();
        assertThat(d.publishedVersion()).isNull();
        assertThat(d.currentVersion()).isEqualTo(1L);
        assertThat(d.windowEvents()).isEqualTo(1000);
        assertThat(d.candidateNatsPerDim()).isLessThan(d.currentNatsPerDim());
        assertThat(d.message()).isNotBlank();
    }

    @Test
    void windowsCloseOnAThreePartitionTopicWithDataInOnlyOnePartitionAndLateEventsAreCounted(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        // Unbounded: only idleness lets the empty partitions stop holding back event time.
        RetrainConfig config = retrain("onepart", 3).bounded(false).build();
        List<RetrainFixtures.Event> events = new ArrayList<>();
        events.addAll(RetrainFixtures.events("w", RetrainFixtures.regimeA(400, 31), t0, MINUTE));
        // A few events two minutes later move the watermark past the first window's end.
        events.addAll(
                RetrainFixtures.events("x", RetrainFixtures.regimeA(5, 32), t0 + 2 * MINUTE, 1000));
        RetrainFixtures.produce(kafka.bootstrapServers(), "onepart-events", 1, events);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainingJob.build(env, config);
        JobClient job = env.executeAsync("retrain-one-partition");
        try {
            List<ConsumerRecord<byte[], byte[]>> models =
                    KafkaTestClient.readCommitted(
                            kafka.bootstrapServers(),
                            "onepart-models",
                            r -> !r.isEmpty(),
                            Duration.ofSeconds(90));
            assertThat(models).isNotEmpty();
            SgnFlowModel first = ModelFile.fromBytes(models.get(0).value());
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.featureNames()).isEqualTo(RetrainFixtures.FEATURES);

            // Events of the closed first window, arriving now: late, counted, not trained on.
            RetrainFixtures.produce(
                    kafka.bootstrapServers(),
                    "onepart-events",
                    1,
                    RetrainFixtures.events(
                            "late", RetrainFixtures.regimeA(7, 33), t0 + MINUTE / 2, 1000));
            new FlinkRest(cluster)
                    .awaitMetric(
                            job.getJobID(),
                            "lateEvents",
                            "sum",
                            v -> v == 7,
                            Duration.ofSeconds(60));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void scoringWarmsUpUntilTheFirstVersionOfAColdStart() throws Exception {
        RetrainConfig config = retrain("cold", 3).build();
        JobClient scoring = startScoring("cold", null);
        try {
            List<RetrainFixtures.Event> events =
                    RetrainFixtures.events("c", RetrainFixtures.regimeA(500, 41), t0, MINUTE);
            RetrainFixtures.produce(kafka.bootstrapServers(), "cold-events", -1, events);
            List<ScoredEvent> warm = scores("cold", r -> r.size() >= events.size());
            assertThat(warm).hasSize(events.size());
            assertThat(warm)
                    .allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(ScoreStatus.WARMUP));

            runBounded(config, "retrain-cold");

            List<SgnFlowModel> published = publishedModels("cold");
            assertThat(published).extracting(SgnFlowModel::version).containsExactly(1L);
            int seen = probeUntilVersion("cold", "1", events.size());
            List<ScoredEvent> all = scores("cold", r -> r.size() >= seen);
            List<ScoredEvent> probes =
                    all.stream().filter(s -> s.getId().startsWith("probe-")).toList();
            // Probes before the swap may still be WARMUP; the last one is scored by version 1.
            ScoredEvent last = probes.get(probes.size() - 1);
            assertThat(last.getStatus()).isEqualTo(ScoreStatus.SCORED);
            assertThat(last.getModelVersion()).isEqualTo("1");
            assertThat(last.getLogLikelihood()).isFinite();
        } finally {
            scoring.cancel().get();
        }
    }

    private static List<SgnFlowModel> publishedModels(String prefix) {
        List<SgnFlowModel> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClient.readCommitted(
                        kafka.bootstrapServers(),
                        prefix + "-models",
                        x -> true,
                        Duration.ofSeconds(3))) {
            out.add(ModelFile.fromBytes(r.value()));
        }
        return out;
    }

    private static List<RetrainDecision> decisions(String prefix) {
        List<RetrainDecision> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClient.readCommitted(
                        kafka.bootstrapServers(),
                        prefix + "-decisions",
                        x -> true,
                        Duration.ofSeconds(3))) {
            out.add(RetrainDecision.fromJson(r.value()));
        }
        return out;
    }

    private static List<ScoredEvent> scores(
            String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ScoredEvent> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClient.readCommitted(
                        kafka.bootstrapServers(),
                        prefix + "-scores",
                        done,
                        Duration.ofSeconds(90))) {
            out.add(RecordJson.scoredEventFromJson(r.value()));
        }
        return out;
    }

    private static double meanLl(List<ScoredEvent> scores, String idPrefix, String version) {
        return scores.stream()
                .filter(s -> s.getId().startsWith(idPrefix))
                .filter(s -> version.equals(s.getModelVersion()))
                .mapToDouble(ScoredEvent::getLogLikelihood)
                .average()
                .orElseThrow();
    }

    /**
     * Sends regime-B probe events until one is scored by {@code version}; returns how many outputs
     * exist then.
     */
    private static int probeUntilVersion(String prefix, String version, int outputsBefore)
            throws InterruptedException {
        double[][] rows = RetrainFixtures.regimeB(120, 99);
        for (int i = 0; i < rows.length; i++) {
            String id = "probe-" + i;
            RetrainFixtures.produce(
                    kafka.bootstrapServers(),
                    prefix + "-events",
                    0,
                    List.of(new RetrainFixtures.Event(id, rows[i], System.currentTimeMillis())));
            int expected = outputsBefore + i + 1;
            List<ScoredEvent> out = scores(prefix, r -> r.size() >= expected);
            boolean found =
                    out.stream()
                            .anyMatch(
                                    s ->
                                            id.equals(s.getId())
                                                    && version.equals(s.getModelVersion()));
            if (found) {
                return expected;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("model version " + version + " never served");
    }
}
