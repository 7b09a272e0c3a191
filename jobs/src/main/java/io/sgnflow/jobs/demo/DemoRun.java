package io.sgnflow.jobs.demo;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.ScoreStatus;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.Numbers;
import io.sgnflow.connectors.serde.RecordJson;
import io.sgnflow.jobs.kafka.EmbeddedKafkaBroker;
import io.sgnflow.jobs.kafka.LocalEnvironments;
import io.sgnflow.jobs.retrain.RetrainConfig;
import io.sgnflow.jobs.retrain.RetrainDecision;
import io.sgnflow.jobs.retrain.RetrainingJob;
import io.sgnflow.jobs.scoring.ScoringConfig;
import io.sgnflow.jobs.scoring.ScoringJob;
import io.sgnflow.jobs.security.ModelSigner;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ModelKind;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.train.DensityTrainer;
import io.sgnflow.model.train.TrainingConfig;
import io.sgnflow.model.train.VaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end demo: an in-JVM Kafka broker, an initial SGN-Flow model, the scoring and the
 * retraining job in one local Flink environment, a replay of the test data as events, a consumer of
 * every output topic, and a report. {@link #run()} once; {@link #close()} (also from a shutdown
 * hook) stops whatever is running.
 */
public final class DemoRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);

    /** Writes NaN and infinities as the bare tokens that the event parser names NON_FINITE. */
    private static final ObjectMapper JSON =
            JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    static final String EVENTS = "sgn-events";
    static final String SCORES = "sgn-scores";
    static final String ANOMALIES = "sgn-anomalies";
    static final String DEAD_LETTERS = "sgn-dead-letters";
    static final String MODELS = "sgn-model-updates";
    static final String DECISIONS = "sgn-retrain-decisions";

    private final DemoSettings settings;
    private final PrintStream err;
    private EmbeddedKafkaBroker broker;
    private MiniCluster cluster;
    private final List<JobID> jobs = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private URI restUri;
    private String servingMetricPath;
    private Collector collector;
    private Thread collectorThread;
    private volatile boolean closed;
    private volatile boolean interrupted;
    private volatile boolean replaying;

    /** Longest wait for the outputs of events in flight after Ctrl-C. */
    private static final double INTERRUPT_DRAIN_SECONDS = 10;

    private volatile Progress progress;
    private Path signingKey;

    public DemoRun(DemoSettings settings, PrintStream err) {
        this.settings = settings;
        this.err = err;
    }

    /**
     * The outcome: the summary written to summary.json, the events with no output and the outputs
     * beyond the first for an event (exactly one output per event makes both 0).
     */
    public record Result(ObjectNode summary, long lost, long duplicates, Path reportDir) {}

    /** Runs the demo and writes the report; the components are stopped before it returns. */
    public Result run() throws Exception {
        long t0 = System.nanoTime();
        DemoSettings s = settings;
        Path reportDir = s.reportDir.toAbsolutePath().normalize();
        Files.createDirectories(reportDir);

        DemoData data;
        if (s.dataDir == null) {
            data =
                    DemoData.generated(
                            s.generatedFeatures, s.generatedTrainRows, s.generatedTestRows, s.seed);
            say("No --data given: the data below is GENERATED, not real: " + data.description());
        } else {
            data = DemoData.read(s.dataDir);
            say("Data: " + data.description());
        }

        // 1. Kafka.
        checkNotInterrupted();
        say("Starting an embedded Kafka broker ...");
        broker = EmbeddedKafkaBroker.start();
        broker.awaitGroupCoordinator(Duration.ofSeconds(30));
        // Synthetic event times lie in the past; keep them whatever their age.
        Map<String, String> keep = Map.of("retention.ms", "-1");
        for (String topic : List.of(EVENTS, SCORES, ANOMALIES, DEAD_LETTERS, MODELS, DECISIONS)) {
            broker.createTopic(topic, 1, keep);
        }
        say(
                "Kafka on "
                        + broker.bootstrapServers()
                        + ", topics "
                        + List.of(EVENTS, SCORES, ANOMALIES, DEAD_LETTERS, MODELS, DECISIONS));

        // 2. Initial model.
        TrainingConfig trainingConfig =
                TrainingConfig.builder()
                        .hiddenWidths(s.hidden)
                        .steps(s.steps)
                        .epochs(s.trainEpochs)
                        .maxSeconds(s.trainSeconds)
                        .threads(s.trainThreads)
                        .seed(s.seed)
                        .build();
        say(
                "Training the initial model on "
                        + data.train().length
                        + " rows x "
                        + data.featureNames().size()
                        + " features ("
                        + s.trainEpochs
                        + " epochs at most, "
                        + s.trainSeconds
                        + " s budget) ...");
        String measure = s.modelType == ModelKind.VAE ? "ELBO " : "";
        DensityTrainer trainer =
                new DensityTrainer(
                        s.modelType,
                        trainingConfig,
                        VaeConfig.builder().build(),
                        e ->
                                say(
                                        e.epoch() == 0
                                                ? String.format(
                                                        Locale.ROOT,
                                                        "  epoch 0/%d (%s): validation %s%.4f"
                                                                + " nats/dim",
                                                        s.trainEpochs,
                                                        s.modelType == ModelKind.VAE
                                                                ? "initial networks"
                                                                : "Gaussian start",
                                                        measure,
                                                        e.validationLogLikelihoodPerDim())
                                                : String.format(
                                                        Locale.ROOT,
                                                        "  epoch %d/%d: train %s%.4f, validation"
                                                                + " %s%.4f nats/dim",
                                                        e.epoch(),
                                                        s.trainEpochs,
                                                        measure,
                                                        e.trainLogLikelihoodPerDim(),
                                                        measure,
                                                        e.validationLogLikelihoodPerDim())));
        DensityModel model = trainer.train(data.train(), data.featureNames());
        Path modelFile = reportDir.resolve("model-v1.sgn.json");
        ModelFile.write(model, modelFile);
        TrainingSummary training = model.training();
        say(
                String.format(
                        Locale.ROOT,
                        "%s model v%d written to %s: %d epochs (best %d, %s), validation %s%.4f"
                                + " nats/dim, threshold %.3f (%s)",
                        model.modelType(),
                        model.version(),
                        modelFile,
                        training.epochs(),
                        training.bestEpoch(),
                        training.stopReason(),
                        measure,
                        training.validationLogLikelihoodPerDim(),
                        model.threshold().threshold(),
                        model.scoreKind().id()));

        // 3. Flink: both jobs in one local environment bound to 127.0.0.1.
        checkNotInterrupted();
        int n = data.test().length;
        long windowMs = s.windowEvents * s.eventSpacingMs;
        long span = n * s.eventSpacingMs;
        long now = System.currentTimeMillis();
        long startTs = Math.floorDiv(now - span - 86_400_000L, windowMs) * windowMs;
        Configuration flinkConf = LocalEnvironments.loopbackConfiguration(s.webUiPort);
        // The replay reads the scoring job's modelVersion gauge through the REST API (see
        // awaitServing); the default 10 s fetch interval would hold every window that long.
        flinkConf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(flinkConf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(4)
                                .build());
        cluster.start();
        URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
        restUri = rest;
        // A fresh store: versions of an earlier run in the same report directory would make the
        // retraining job number its versions after them.
        Path store = reportDir.resolve("model-store");
        FileUtils.deleteDirectoryQuietly(store.toFile());
        Files.createDirectories(store);
        // The demo signs its model updates as a deployment should; the key lives only for the run.
        Path keyDir = Files.createTempDirectory("sgn-demo-key");
        signingKey = ModelSigner.writeNewKeyFile(keyDir.resolve("model-signing.key"));
        ScoringConfig scoring =
                ScoringConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .inputTopic(EVENTS)
                        .scoresTopic(SCORES)
                        .anomaliesTopic(ANOMALIES)
                        .deadLetterTopic(DEAD_LETTERS)
                        .modelUpdatesTopic(MODELS)
                        .groupId("sgn-demo-scoring")
                        .startingOffsets("earliest")
                        .initialModelPath(modelFile.toString())
                        .checkpointIntervalMs(s.checkpointIntervalMs)
                        .transactionalIdPrefix("sgn-demo-scoring")
                        .transactionTimeoutMs(300_000)
                        .modelSigningKeyFile(signingKey.toString())
                        .build();
        RetrainConfig retrain =
                RetrainConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .inputTopic(EVENTS)
                        .modelUpdatesTopic(MODELS)
                        .decisionsTopic(DECISIONS)
                        .modelStore(store.toUri().toString())
                        .groupId("sgn-demo-retrain")
                        .startingOffsets("earliest")
                        .initialModelPath(modelFile.toString())
                        .featureNames(data.featureNames())
                        .checkpointIntervalMs(s.checkpointIntervalMs)
                        .transactionalIdPrefix("sgn-demo-retrain")
                        .transactionTimeoutMs(300_000)
                        .modelSigningKeyFile(signingKey.toString())
                        .windowSize(Duration.ofMillis(windowMs))
                        .reservoirSize(s.reservoir)
                        .minEvents(Math.min(s.minEvents, s.reservoir))
                        .epochs(s.retrainEpochs)
                        .maxTrainingSeconds(s.retrainSeconds)
                        .hidden(s.hidden)
                        .steps(s.steps)
                        .seed(s.seed)
                        .build();
        // Both jobs use the operator ids "events-source" and "parse", so they run as two jobs of
        // the one local cluster (one job graph would reject the duplicate ids).
        StreamExecutionEnvironment scoringEnv = new StreamExecutionEnvironment(flinkConf);
        ScoringJob.build(scoringEnv, scoring);
        StreamGraph scoringGraph = scoringEnv.getStreamGraph();
        scoringGraph.setJobName("sgn-demo scoring");
        StreamExecutionEnvironment retrainEnv = new StreamExecutionEnvironment(flinkConf);
        RetrainingJob.build(retrainEnv, retrain);
        StreamGraph retrainGraph = retrainEnv.getStreamGraph();
        retrainGraph.setJobName("sgn-demo retraining");
        for (StreamGraph graph : List.of(scoringGraph, retrainGraph)) {
            JobID id = cluster.submitJob(graph.getJobGraph()).get(60, TimeUnit.SECONDS).getJobID();
            jobs.add(id);
            say("Submitted Flink job '" + graph.getJobName() + "' (" + id + ")");
        }
        say("Flink web UI: http://" + LocalEnvironments.LOOPBACK + ":" + rest.getPort());
        say("Model updates are signed (HMAC-SHA256) with a key made for this run, " + signingKey);
        say(
                String.format(
                        Locale.ROOT,
                        "Retraining windows of %d events (%d min of event time), reservoir %d, %d"
                                + " epochs / %.0f s per window",
                        s.windowEvents,
                        windowMs / 60_000,
                        s.reservoir,
                        s.retrainEpochs,
                        s.retrainSeconds));

        // 4. Consumer of the outputs, then the replay.
        checkNotInterrupted();
        collector = new Collector(broker.bootstrapServers(), n);
        collectorThread = new Thread(collector, "sgn-demo-collector");
        collectorThread.setDaemon(true);
        collectorThread.start();

        long replayStart = System.nanoTime();
        Progress progress = new Progress(replayStart);
        Thread progressThread = new Thread(progress, "sgn-demo-progress");
        progressThread.setDaemon(true);
        if (s.progress) {
            this.progress = progress;
            progressThread.start();
        }
        say(
                "Replaying "
                        + n
                        + " events into "
                        + EVENTS
                        + (s.rate > 0 ? " at " + s.rate + " events/s" : " as fast as possible")
                        + (s.paceWindows
                                ? ", holding at each window boundary for the retrainer"
                                : "")
                        + " ...");
        try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
            replaying = true;
            for (int i = 0; i < n && !closed && !interrupted; i++) {
                if (s.paceWindows && i > s.windowEvents && i % s.windowEvents == 1) {
                    // Event i is the first whose timestamp moves the watermark past the window's
                    // end; holding it until everything before it is scored keeps a version
                    // trained on a window from scoring that same window. (Event i itself meets
                    // the old version unless scoring it takes longer than a training run plus the
                    // checkpoint that publishes the new one.)
                    producer.flush();
                    progress.holding = true;
                    awaitOutputs(i);
                }
                if (s.paceWindows && i > s.windowEvents && i % s.windowEvents == 2) {
                    producer.flush();
                    awaitRetrainDecision();
                    progress.holding = false;
                }
                if (s.rate > 0) {
                    long due = replayStart + (long) (i * 1e9 / s.rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                long ts = startTs + i * s.eventSpacingMs;
                producer.send(new ProducerRecord<>(EVENTS, 0, ts, null, event(i, ts, data)));
                progress.produced = i + 1;
            }
            producer.flush();
        }
        long produced = progress.produced;
        long producedAt = System.nanoTime();

        // 6. Drain (after Ctrl-C, briefly: the events in flight need a checkpoint or two).
        long deadline =
                producedAt
                        + (long)
                                ((interrupted ? INTERRUPT_DRAIN_SECONDS : s.drainTimeoutSeconds)
                                        * 1e9);
        while (!closed && collector.outputs() < produced && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double seconds = Math.max(0, (collector.lastOutputNanos() - replayStart) / 1e9);
        progress.stop = true;
        if (s.progress) {
            progressThread.join(2000);
            progress.print();
            err.println();
            this.progress = null;
        }
        if (interrupted) {
            say("Interrupted: the report covers the " + produced + " events replayed so far");
        } else if (collector.outputs() < produced) {
            say(
                    "Timed out after "
                            + s.drainTimeoutSeconds
                            + " s waiting for outputs: "
                            + collector.outputs()
                            + " of "
                            + produced);
        }
        close();

        // Report.
        Snapshot snap = collector.snapshot();
        long lost = produced - snap.outputs;
        ObjectNode summary = JSON.createObjectNode();
        summary.put("command", "demo");
        if (interrupted) {
            // Ctrl-C: the counts cover the events replayed until then.
            summary.put("interrupted", true);
        }
        summary.put("modelType", model.modelType());
        summary.put("scoreKind", model.scoreKind().id());
        summary.put("produced", produced);
        summary.put("scored", snap.scored);
        summary.put("deadLettered", snap.dead);
        summary.put("warmup", snap.warmup);
        summary.put("lost", lost);
        summary.put("duplicates", snap.duplicates);
        if (snap.unmatched > 0) {
            summary.put("unmatchedOutputs", snap.unmatched);
        }
        summary.put("anomalies", snap.anomalies);
        summary.put("anomaliesTopic", snap.anomalyTopic);
        summary.putPOJO("modelVersions", snap.versions);
        summary.put("modelUpdatesPublished", snap.updates);
        summary.put("retrainWindows", snap.decisions);
        summary.put("retrainWindowsRejected", snap.decisions - snap.publishedDecisions);
        summary.put("eventsPerSecond", seconds > 0 ? round(snap.outputs / seconds) : 0);
        summary.put("seconds", round(seconds));
        summary.put("data", data.description());
        DemoReport.write(reportDir, data, snap, model, summary);
        summary.put("wallSeconds", round((System.nanoTime() - t0) / 1e9));
        summary.put("reportDir", reportDir.toString());
        Files.write(
                reportDir.resolve("retrain-decisions.jsonl"),
                snap.decisionRecords,
                StandardCharsets.UTF_8);
        Files.writeString(
                reportDir.resolve("summary.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n",
                StandardCharsets.UTF_8);
        return new Result(summary, lost, snap.duplicates, reportDir);
    }

    private void awaitOutputs(long count) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (settings.drainTimeoutSeconds * 1e9);
        while (!stopping() && collector.outputs() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!stopping() && collector.outputs() < count) {
            LOG.warn(
                    "Only {} of the first {} events had outputs after {} s; the replay goes on",
                    collector.outputs(),
                    count,
                    settings.drainTimeoutSeconds);
        }
    }

    /**
     * Waits for the retraining job's decision on the window just closed (published or not) and,
     * when it published a version, until every scoring subtask serves it, so that the same events
     * meet the same model on every run; the timeouts only matter if a job is stuck.
     */
    private void awaitRetrainDecision() throws InterruptedException {
        long seen = collector.decisions();
        long waitNs = (long) ((settings.retrainSeconds * 2 + 20) * 1e9);
        long deadline = System.nanoTime() + waitNs;
        while (!stopping() && collector.decisions() <= seen && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long published = collector.lastPublishedVersion();
        if (collector.decisions() > seen && published > 0) {
            awaitServing(published);
        }
    }

    private void awaitServing(long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stopping() && System.nanoTime() < deadline) {
            if (servingVersion() >= version) {
                return;
            }
            Thread.sleep(50);
        }
        if (!stopping()) {
            LOG.warn(
                    "The scoring job did not report serving model version {} within 30 s; the"
                            + " replay goes on",
                    version);
        }
    }

    /**
     * The smallest model version any subtask of the scoring operator serves (its {@code
     * modelVersion} gauge, read from the REST API), or −1 while it cannot be read.
     */
    private long servingVersion() {
        try {
            if (servingMetricPath == null) {
                String job = "/jobs/" + jobs.get(0);
                String vertex = null;
                for (JsonNode v : getJson(job).path("vertices")) {
                    if (v.path("name").asText().startsWith("score")) {
                        vertex = v.path("id").asText();
                    }
                }
                if (vertex == null) {
                    return -1;
                }
                String metrics = job + "/vertices/" + vertex + "/subtasks/metrics";
                for (JsonNode m : getJson(metrics)) {
                    String id = m.path("id").asText();
                    if (id.endsWith("modelVersion")) {
                        servingMetricPath = metrics + "?agg=min&get=" + id;
                    }
                }
                if (servingMetricPath == null) {
                    return -1;
                }
            }
            JsonNode values = getJson(servingMetricPath);
            return values.size() == 0 ? -1 : (long) values.get(0).path("min").asDouble(-1);
        } catch (IOException e) {
            LOG.debug("Reading the modelVersion gauge failed: {}", e.toString());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(restUri.resolve(path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " returned " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private byte[] event(int i, long ts, DemoData data) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", Integer.toString(i));
        node.put("ts", ts);
        ObjectNode features = node.putObject("features");
        double[] row = data.test()[i];
        String[] raw = data.rawTest()[i];
        List<String> names = data.featureNames();
        for (int j = 0; j < row.length; j++) {
            if (raw == null) {
                features.put(names.get(j), row[j]);
                continue;
            }
            // A row that does not parse goes out as it was, so that its dead letter names the
            // real problem: NaN and infinities as JSON tokens, other text as a string.
            String cell = raw[j] == null ? null : raw[j].strip();
            if (cell == null || cell.isEmpty()) {
                features.putNull(names.get(j));
                continue;
            }
            try {
                features.put(names.get(j), Numbers.parseDecimal(cell));
            } catch (NumberFormatException e) {
                features.put(names.get(j), cell);
            }
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sgn-demo-replay");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void say(String message) {
        Progress shown = progress;
        if (shown != null) {
            shown.say(message);
        } else {
            err.println("[demo] " + message);
            err.flush();
        }
    }

    /**
     * Ctrl-C: stops the replay; {@link #run} waits briefly for the outputs of the events in flight,
     * stops everything and reports on the events replayed so far. Before the replay began, it stops
     * everything at once and {@link #run} throws.
     */
    public void interrupt() {
        interrupted = true;
        if (!replaying) {
            close();
        }
    }

    /** Closed, or interrupted: the replay's waits give up. */
    private boolean stopping() {
        return closed || interrupted;
    }

    /** Before the replay, an interrupted run has nothing to report. */
    private void checkNotInterrupted() throws InterruptedException {
        if (interrupted) {
            throw new InterruptedException("interrupted before the replay began");
        }
    }

    /** Stops the collector, the Flink job and environment and the broker; idempotent. */
    @Override
    public synchronized void close() {
        if (closed && broker == null) {
            return;
        }
        closed = true;
        if (collector != null) {
            collector.stop = true;
            if (collectorThread != null) {
                try {
                    collectorThread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (cluster != null) {
            for (JobID id : jobs) {
                try {
                    cluster.cancelJob(id).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("Cancelling Flink job {} failed: {}", id, e.toString());
                }
            }
            for (JobID id : jobs) {
                try {
                    cluster.requestJobResult(id).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.debug("Waiting for Flink job {} failed: {}", id, e.toString());
                }
            }
            jobs.clear();
            try {
                cluster.close();
            } catch (Exception e) {
                LOG.warn("Closing the Flink mini cluster failed", e);
            }
            cluster = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (signingKey != null) {
            try {
                Files.deleteIfExists(signingKey);
                Files.deleteIfExists(signingKey.getParent());
            } catch (IOException e) {
                LOG.warn("Deleting the demo's signing key {} failed: {}", signingKey, e.toString());
            }
            signingKey = null;
        }
    }

    /** What the collector has seen, copied. */
    static final class Snapshot {
        long outputs;
        long duplicates;
        long unmatched;
        long scored;
        long warmup;
        long dead;
        long anomalies;
        long anomalyTopic;
        long updates;
        long decisions;
        long publishedDecisions;
        List<String> decisionRecords;
        List<String> versions;
        double[] logLikelihood;
        double[] threshold;
        boolean[] flagged;
        boolean[] scoredRow;
        long[] version;
    }

    /** Consumes scores, anomalies, dead letters, model updates and decisions (read_committed). */
    final class Collector implements Runnable {
        private final String bootstrap;
        private final int n;
        private final byte[] kind; // 0 none, 1 scored, 2 warmup, 3 dead letter
        private final double[] ll;
        private final double[] thr;
        private final boolean[] flagged;
        private final long[] version;
        private final Map<String, Boolean> versions = new LinkedHashMap<>();
        private long outputs;
        private long duplicates;
        private long unmatched;
        private long scored;
        private long warmup;
        private long dead;
        private long anomalies;
        private long anomalyTopic;
        private volatile long updates;
        private volatile long decisions;
        private volatile long publishedDecisions;
        private volatile long lastPublishedVersion = -1;
        private final List<String> decisionRecords = new ArrayList<>();
        private volatile String latestVersion = "1";
        private volatile long lastOutputNanos = System.nanoTime();
        volatile boolean stop;

        Collector(String bootstrap, int n) {
            this.bootstrap = bootstrap;
            this.n = n;
            kind = new byte[n];
            ll = new double[n];
            thr = new double[n];
            Arrays.fill(ll, Double.NaN);
            Arrays.fill(thr, Double.NaN);
            flagged = new boolean[n];
            version = new long[n];
        }

        @Override
        public void run() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sgn-demo-collector");
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String t : List.of(SCORES, ANOMALIES, DEAD_LETTERS, MODELS, DECISIONS)) {
                    parts.add(new TopicPartition(t, 0));
                }
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                while (!stop) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        try {
                            handle(r);
                        } catch (RuntimeException e) {
                            LOG.warn(
                                    "Unreadable record on {}@{}: {}",
                                    r.topic(),
                                    r.offset(),
                                    e.toString());
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (!stop) {
                    LOG.error("The output consumer failed", e);
                }
            }
        }

        /**
         * Whether an output for this event is its first; a second one is counted as a duplicate,
         * one for no replayed event as unmatched, and neither counts as an output.
         */
        private boolean firstOutputFor(int row) {
            if (row < 0 || row >= n) {
                unmatched++;
                return false;
            }
            if (kind[row] != 0) {
                duplicates++;
                return false;
            }
            return true;
        }

        private void handle(ConsumerRecord<byte[], byte[]> r) {
            switch (r.topic()) {
                case SCORES -> {
                    ScoredEvent e = RecordJson.scoredEventFromJson(r.value());
                    int row = row(e.getId(), e.getSourceOffset());
                    synchronized (this) {
                        if (!firstOutputFor(row)) {
                            return;
                        }
                        outputs++;
                        lastOutputNanos = System.nanoTime();
                        if (e.getStatus() == ScoreStatus.SCORED) {
                            kind[row] = 1;
                            scored++;
                            ll[row] =
                                    e.getLogLikelihood() == null
                                            ? Double.NaN
                                            : e.getLogLikelihood();
                            thr[row] = e.getThreshold() == null ? Double.NaN : e.getThreshold();
                            flagged[row] = Boolean.TRUE.equals(e.getAnomaly());
                            if (flagged[row]) {
                                anomalies++;
                            }
                        } else {
                            kind[row] = 2;
                            warmup++;
                        }
                        noteVersion(row, e.getModelVersion());
                    }
                }
                case ANOMALIES -> {
                    synchronized (this) {
                        anomalyTopic++;
                    }
                }
                case DEAD_LETTERS -> {
                    DeadLetterRecord d = RecordJson.deadLetterFromJson(r.value());
                    int row = (int) d.getOffset();
                    synchronized (this) {
                        if (!firstOutputFor(row)) {
                            return;
                        }
                        kind[row] = 3;
                        outputs++;
                        dead++;
                        lastOutputNanos = System.nanoTime();
                        noteVersion(row, d.getModelVersion());
                    }
                }
                case MODELS -> {
                    String v = "?";
                    try {
                        v = Long.toString(ModelFile.load(r.value()).version());
                    } catch (RuntimeException e) {
                        // counted anyway
                    }
                    updates++;
                    say("Retraining published model v" + v);
                }
                case DECISIONS -> {
                    RetrainDecision d = RetrainDecision.fromJson(r.value());
                    if (d.published()) {
                        publishedDecisions++;
                        lastPublishedVersion = d.publishedVersion();
                    } else {
                        lastPublishedVersion = -1;
                        err.println();
                        say(
                                (d.currentVersion() == null
                                                ? "Retraining published no first model: "
                                                : "Retraining kept model v"
                                                        + d.currentVersion()
                                                        + ": ")
                                        + d.decision()
                                        + " ("
                                        + d.message()
                                        + ")");
                    }
                    synchronized (this) {
                        decisionRecords.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    decisions++;
                }
                default -> {}
            }
        }

        private void noteVersion(int row, String v) {
            if (v == null) {
                return;
            }
            versions.putIfAbsent(v, Boolean.TRUE);
            latestVersion = v;
            try {
                version[row] = Long.parseLong(v);
            } catch (NumberFormatException e) {
                version[row] = 0;
            }
        }

        private int row(String id, long offset) {
            try {
                int i = Integer.parseInt(id);
                if (i >= 0 && i < n) {
                    return i;
                }
            } catch (NumberFormatException | NullPointerException e) {
                // use the offset
            }
            return offset >= 0 && offset < n ? (int) offset : -1;
        }

        synchronized long outputs() {
            return outputs;
        }

        long decisions() {
            return decisions;
        }

        /** The version the latest decision published, or −1 if it published none. */
        long lastPublishedVersion() {
            return lastPublishedVersion;
        }

        long lastOutputNanos() {
            return lastOutputNanos;
        }

        synchronized Snapshot snapshot() {
            Snapshot s = new Snapshot();
            s.outputs = outputs;
            s.duplicates = duplicates;
            s.unmatched = unmatched;
            s.scored = scored;
            s.warmup = warmup;
            s.dead = dead;
            s.anomalies = anomalies;
            s.anomalyTopic = anomalyTopic;
            s.updates = updates;
            s.decisions = decisions;
            s.publishedDecisions = publishedDecisions;
            s.decisionRecords = new ArrayList<>(decisionRecords);
            s.versions = new ArrayList<>(versions.keySet());
            s.logLikelihood = ll.clone();
            s.threshold = thr.clone();
            s.flagged = flagged.clone();
            s.version = version.clone();
            s.scoredRow = new boolean[n];
            for (int i = 0; i < n; i++) {
                s.scoredRow[i] = kind[i] == 1;
            }
            return s;
        }
    }

    /** The one-line live progress on stderr. */
    final class Progress implements Runnable {
        private final long start;
        volatile long produced;
        volatile boolean stop;
        private long lastOutputs;
        private long lastNanos;
        private double rate;
        private int shownLength;

        /** Whether the replay holds at a window boundary, waiting for the retraining job. */
        volatile boolean holding;

        Progress(long start) {
            this.start = start;
            this.lastNanos = start;
        }

        @Override
        public void run() {
            while (!stop) {
                print();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized void print() {
            Collector c = collector;
            long outputs;
            long scored;
            long anomalies;
            long dead;
            synchronized (c) {
                outputs = c.outputs;
                scored = c.scored + c.warmup;
                anomalies = c.anomalies;
                dead = c.dead;
            }
            long nowNs = System.nanoTime();
            double dt = (nowNs - lastNanos) / 1e9;
            if (dt >= 1.0) {
                rate = (outputs - lastOutputs) / dt;
                lastOutputs = outputs;
                lastNanos = nowNs;
            }
            String line =
                    String.format(
                            Locale.ROOT,
                            "[demo] %5.0fs produced %d | scored %d | anomalies %d | dead letters %d"
                                    + " | %s | model v%s",
                            (nowNs - start) / 1e9,
                            produced,
                            scored,
                            anomalies,
                            dead,
                            holding
                                    ? "waiting for the retrainer"
                                    : String.format(Locale.ROOT, "%.0f events/s", rate),
                            c.latestVersion);
            // Pad over a longer previous line: "\r" alone leaves its tail on screen.
            err.print("\r" + line + " ".repeat(Math.max(0, shownLength - line.length())));
            shownLength = line.length();
            err.flush();
        }

        /** A message on its own line; the progress line is blanked first and redrawn after. */
        synchronized void say(String message) {
            if (shownLength > 0) {
                err.print("\r" + " ".repeat(shownLength) + "\r");
            }
            err.println("[demo] " + message);
            shownLength = 0;
            if (!stop) {
                print();
            }
        }
    }
}
