package io.sgnflow.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.serde.FeatureResolver;
import io.sgnflow.jobs.kafka.EmbeddedKafkaBroker;
import io.sgnflow.jobs.kafka.LocalEnvironments;
import io.sgnflow.jobs.scoring.ScoringConfig;
import io.sgnflow.jobs.scoring.ScoringJob;
import io.sgnflow.jobs.security.ModelSigner;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.io.ModelFile;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sgn-flink bench-pipeline}: what the model costs inside the real pipeline. In one process,
 * on one embedded KRaft broker, the same events go through a pass-through job and through the
 * scoring job; then the scoring job runs at half its measured rate for end-to-end latency; then the
 * heap and native memory that one scoring subtask holds for the reference model is measured.
 *
 * <p>The pass-through job is the scoring job with no model: every event takes the same source,
 * parser, keyed micro-batch buffer, serialiser and exactly-once sinks, and leaves as a WARMUP
 * record, so the difference between the two is the model (feature resolution, scoring, the larger
 * scored record). Throughput is events over the span of the brokers' LogAppendTime stamps of the
 * outputs, so job start-up and shutdown are not counted.
 */
@Command(
        name = "bench-pipeline",
        sortOptions = false,
        description = {
            "Runs the pass-through job (the scoring job with no model) and the scoring job over the"
                    + " same events on an embedded broker, then the scoring job at half its rate"
                    + " for end-to-end latency, then measures one scoring subtask's memory.",
            "Last stdout line: JSON with both throughputs, their ratio, latency percentiles and"
                    + " memory."
        })
final class PipelineBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineBenchCommand.class);

    private static final Map<String, String> LOG_APPEND_TIME =
            Map.of("message.timestamp.type", "LogAppendTime");

    @Spec CommandSpec spec;

    @Mixin ReferenceShape shape;

    @Option(
            names = "--events",
            defaultValue = "1000000",
            description = "Events through each throughput job (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description = "Job parallelism and event partitions (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--batch-size",
            defaultValue = "256",
            description = "Scoring micro-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "1000",
            description =
                    "Checkpoint interval; exactly-once outputs become visible at checkpoints"
                            + " (default: ${DEFAULT-VALUE}).")
    long checkpointIntervalMs;

    @Option(
            names = "--latency-seconds",
            defaultValue = "20",
            description =
                    "Length of each latency run at half the measured rate (default:"
                            + " ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Override
    public Integer call() throws Exception {
        BenchLimits.range("--events", events, 1000, 100_000_000);
        BenchLimits.range("--parallelism", parallelism, 1, 64);
        BenchLimits.range("--batch-size", batchSize, 1, 1 << 16);
        BenchLimits.range("--latency-seconds", latencySeconds, 1, 3600);
        BenchLimits.range("--checkpoint-interval-ms", checkpointIntervalMs, 100, 600_000);
        shape.check();
        FlowArchitecture arch = shape.architecture(shape.steps);
        SgnFlowModel model = BenchCommand.randomModel(arch, shape.seed);
        Path work = Files.createTempDirectory("sgn-bench-pipeline");
        try {
            return run(model, work);
        } finally {
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }

    private Integer run(SgnFlowModel model, Path work) throws Exception {
        // Signed updates, as a deployment runs: the job then checks signatures, not just warns.
        signingKey = ModelSigner.writeNewKeyFile(work.resolve("model-signing.key"));
        Path modelFile = work.resolve("reference.sgn.json");
        ModelFile.write(model, modelFile);
        byte[][] pool = eventPool(model, 4096, shape.seed + 1);

        JsonSummary summary = new JsonSummary();
        summary.put("command", "bench-pipeline")
                .put("events", events)
                .put("dim", shape.dim)
                .put("hidden", shape.hidden)
                .put("steps", shape.steps)
                .put("parallelism", parallelism)
                .put("batchSize", batchSize)
                .put("checkpointIntervalMs", checkpointIntervalMs)
                .put("processors", Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic("bench-events", parallelism, LOG_APPEND_TIME);
            long t0 = System.nanoTime();
            produce(broker.bootstrapServers(), "bench-events", pool, events, 0, null);
            LOG.info(
                    "Produced {} events to bench-events in {} s",
                    events,
                    fmt((System.nanoTime() - t0) / 1e9));

            // Warm-up: the first job of a JVM also compiles Flink's and Kafka's hot paths; run a
            // fifth of the events through the pass-through job first so neither measured job
            // pays for that.
            int warmEvents = Math.max(1000, events / 5);
            broker.createTopic("bench-warmup", parallelism, LOG_APPEND_TIME);
            produce(broker.bootstrapServers(), "bench-warmup", pool, warmEvents, 0, null);
            throughput(broker, "wu", null, "bench-warmup", warmEvents);
            Throughput passThrough = throughput(broker, "pt", null, "bench-events", events);
            Throughput scoring = throughput(broker, "sc", modelFile, "bench-events", events);
            double ratio = scoring.eventsPerSecond / passThrough.eventsPerSecond;
            LOG.info(
                    "Pass-through {} events/s, scoring {} events/s, ratio {}",
                    fmt(passThrough.eventsPerSecond),
                    fmt(scoring.eventsPerSecond),
                    fmt(ratio));
            ObjectNode root = summary.root();
            root.set("passThrough", passThrough.json(root));
            root.set("scoring", scoring.json(root));
            summary.put("ratio", ratio);

            double rate = scoring.eventsPerSecond / 2;
            ObjectNode latency = root.putObject("latencyAtHalfRate");
            latency.put("eventsPerSecond", Math.round(rate));
            latency.set(
                    "exactlyOnce",
                    latency(broker, "lx", modelFile, DeliveryGuarantee.EXACTLY_ONCE, rate, pool)
                            .json(root));
            latency.set(
                    "atLeastOnce",
                    latency(broker, "la", modelFile, DeliveryGuarantee.AT_LEAST_ONCE, rate, pool)
                            .json(root));
        }
        ObjectNode memory = summary.root().putObject("scoringSubtaskMemory");
        subtaskMemory(model, pool, memory);
        summary.print(spec);
        return SgnCli.EXIT_OK;
    }

    /** JSON events (id, features array) drawn from the model, cycled through by the producer. */
    private static byte[][] eventPool(SgnFlowModel model, int size, long seed) {
        double[][] rows = model.sample(size, new Random(seed));
        byte[][] pool = new byte[size][];
        for (int i = 0; i < size; i++) {
            StringBuilder sb = new StringBuilder("{\"features\":[");
            for (int j = 0; j < rows[i].length; j++) {
                sb.append(j == 0 ? "" : ",").append(rows[i][j]);
            }
            pool[i] = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        }
        return pool;
    }

    /**
     * Sends {@code count} events; with {@code ratePerSecond} > 0 paced to that rate, else as fast
     * as the broker takes them. Stops early when {@code stop} is set.
     */
    private static void produce(
            String bootstrap,
            String topic,
            byte[][] pool,
            long count,
            double ratePerSecond,
            AtomicBoolean stop) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, ratePerSecond > 0 ? "0" : "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                if (stop != null && stop.get()) {
                    break;
                }
                if (ratePerSecond > 0) {
                    long due = start + (long) (i / ratePerSecond * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 200_000) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                producer.send(new ProducerRecord<>(topic, pool[(int) (i % pool.length)]));
            }
            producer.flush();
        }
    }

    private ScoringConfig.Builder config(EmbeddedKafkaBroker broker, String prefix, Path model) {
        return ScoringConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .scoresTopic(prefix + "-scores")
                .anomaliesTopic(prefix + "-anomalies")
                .deadLetterTopic(prefix + "-dead")
                .modelUpdatesTopic(prefix + "-models")
                .groupId("bench-" + prefix)
                .startingOffsets("earliest")
                .transactionalIdPrefix("bench-" + prefix)
                .transactionTimeoutMs(600_000)
                .checkpointIntervalMs(checkpointIntervalMs)
                .parallelism(parallelism)
                .batchSize(batchSize)
                .modelSigningKeyFile(signingKey.toString())
                .initialModelPath(model == null ? null : model.toString());
    }

    private void createOutputs(EmbeddedKafkaBroker broker, String prefix, Map<String, String> cfg) {
        for (String t : List.of("scores", "anomalies", "dead")) {
            broker.createTopic(prefix + "-" + t, 1, cfg);
        }
        broker.createTopic(prefix + "-models", 1);
    }

    private Path signingKey;

    private StreamExecutionEnvironment environment() {
        Configuration conf = LocalEnvironments.loopbackConfiguration(0);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** A bounded run over {@code topic}; rate from the outputs' broker append times. */
    private Throughput throughput(
            EmbeddedKafkaBroker broker, String prefix, Path model, String topic, int events)
            throws Exception {
        createOutputs(broker, prefix, LOG_APPEND_TIME);
        ScoringConfig config =
                config(broker, prefix, model).inputTopic(topic).bounded(true).build();
        StreamExecutionEnvironment env = environment();
        ScoringJob.build(env, config);
        long t0 = System.nanoTime();
        JobExecutionResult result = env.execute("bench-" + prefix);
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] span = appendTimeSpan(broker.bootstrapServers(), prefix);
        long outputs = span[2];
        if (outputs != events) {
            throw new IllegalStateException(
                    prefix + " run wrote " + outputs + " outputs for " + events + " events");
        }
        double seconds = Math.max(1, span[1] - span[0]) / 1000.0;
        Throughput t = new Throughput(events / seconds, seconds, wall, result.getNetRuntime());
        LOG.info(
                "{}: {} events in {} s of output ({} s wall): {} events/s",
                model == null ? "pass-through" : "scoring",
                events,
                fmt(seconds),
                fmt(wall),
                fmt(t.eventsPerSecond));
        return t;
    }

    /** First and last LogAppendTime and the count of committed scores and dead letters. */
    private static long[] appendTimeSpan(String bootstrap, String prefix) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long count = 0;
        for (String topic : List.of(prefix + "-scores", prefix + "-dead")) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
                TopicPartition tp = new TopicPartition(topic, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        first = Math.min(first, r.timestamp());
                        last = Math.max(last, r.timestamp());
                        count++;
                    }
                }
            }
        }
        return new long[] {first, last, count};
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Runs the scoring job unbounded, feeds it at {@code rate} events/s for the latency period, and
     * measures, per output seen by a read_committed consumer, the time from the input's broker
     * append to its arrival at the consumer (the scored record's Kafka timestamp is the input's).
     */
    private Latency latency(
            EmbeddedKafkaBroker broker,
            String prefix,
            Path model,
            DeliveryGuarantee delivery,
            double rate,
            byte[][] pool)
            throws Exception {
        broker.createTopic(prefix + "-events", parallelism, LOG_APPEND_TIME);
        createOutputs(broker, prefix, Map.of());
        ScoringConfig config =
                config(broker, prefix, model)
                        .inputTopic(prefix + "-events")
                        .deliveryGuarantee(delivery)
                        .bounded(false)
                        .build();
        StreamExecutionEnvironment env = environment();
        ScoringJob.build(env, config);
        JobClient job = env.executeAsync("bench-" + prefix);
        long total = (long) (rate * latencySeconds);
        List<Long> latencies = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers())) {
            TopicPartition tp = new TopicPartition(prefix + "-scores", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            // Warm-up: the first events pay for job start-up; only later ones are measured.
            produce(broker.bootstrapServers(), prefix + "-events", pool, 200, 0, null);
            long warm = 0;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (warm < 200 && System.nanoTime() < deadline) {
                warm += consumer.poll(Duration.ofMillis(200)).count();
            }
            if (warm < 200) {
                throw new IllegalStateException(prefix + ": job produced no output in 120 s");
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread feeder =
                    new Thread(
                            () ->
                                    produce(
                                            broker.bootstrapServers(),
                                            prefix + "-events",
                                            pool,
                                            total,
                                            rate,
                                            stop),
                            "bench-feeder");
            feeder.start();
            long received = 0;
            // The first 2 s (at most a fifth of the run) are a warm-up and not measured.
            long skip = (long) Math.min(rate * 2, total * 0.2);
            deadline = System.nanoTime() + (latencySeconds + 60) * 1_000_000_000L;
            while (received < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (received++ >= skip) {
                        latencies.add(now - r.timestamp());
                    }
                }
            }
            stop.set(true);
            feeder.join();
            if (received < total) {
                LOG.warn("{}: {} of {} outputs arrived in time", prefix, received, total);
            }
        } finally {
            job.cancel().get();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Latency l = new Latency(delivery, sorted);
        LOG.info(
                "{} at {} events/s: p50 {} ms, p99 {} ms over {} events",
                delivery,
                Math.round(rate),
                l.percentile(0.5),
                l.percentile(0.99),
                sorted.length);
        return l;
    }

    /**
     * Heap and native memory one scoring subtask holds for the model: the model file bytes (in
     * broadcast state and cached), the parsed model, its batched scorer after one full batch, the
     * feature resolver and a full micro-batch of buffered events. Measured as the growth of the
     * heap after full GCs when 40 such sets are alive at once, divided by 40; native as the growth
     * of the JVM's direct and mapped buffer pools over the same.
     */
    private void subtaskMemory(SgnFlowModel model, byte[][] pool, ObjectNode out) {
        byte[] bytes = ModelFile.toBytes(model);
        int replicas = 40;
        List<Object> alive = new ArrayList<>();
        long heapBefore = usedHeapAfterGc();
        long nativeBefore = nativeBufferBytes();
        for (int r = 0; r < replicas; r++) {
            byte[] state = bytes.clone();
            DensityModel parsed = ModelFile.load(state);
            DensityScorer scorer = parsed.newScorer();
            FeatureResolver resolver = new FeatureResolver(parsed.featureNames());
            List<EventRecord> buffer = new ArrayList<>(batchSize);
            double[][] rows = new double[batchSize][];
            for (int i = 0; i < batchSize; i++) {
                EventRecord e = new EventRecord();
                double[] values = parseFeatures(pool[i % pool.length]);
                e.setValues(values);
                buffer.add(e);
                rows[i] = values;
            }
            scorer.scores(rows, rows.length, new double[rows.length]);
            alive.add(List.of(state, parsed, scorer, resolver, buffer));
        }
        long heapAfter = usedHeapAfterGc();
        long nativeAfter = nativeBufferBytes();
        long heapPerSubtask = (heapAfter - heapBefore) / replicas;
        long nativePerSubtask = (nativeAfter - nativeBefore) / replicas;
        out.put("heapBytes", heapPerSubtask);
        out.put("heapMegabytes", Math.round(heapPerSubtask / 1e4) / 100.0);
        out.put("nativeBytes", nativePerSubtask);
        out.put("modelFileBytes", bytes.length);
        out.put("parameters", model.architecture().parameterCount());
        out.put("bufferedEvents", batchSize);
        out.put("replicasMeasured", alive.size());
        LOG.info(
                "One scoring subtask holds about {} MB of heap and {} bytes of native memory for"
                        + " the model (file {} bytes, batch of {} events)",
                fmt(heapPerSubtask / 1e6),
                nativePerSubtask,
                bytes.length,
                batchSize);
    }

    private static double[] parseFeatures(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        String inner = text.substring(text.indexOf('[') + 1, text.lastIndexOf(']'));
        return Arrays.stream(inner.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static long nativeBufferBytes() {
        long total = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            total += pool.getMemoryUsed();
        }
        return total;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private record Throughput(
            double eventsPerSecond, double outputSeconds, double wallSeconds, long netRuntimeMs) {
        ObjectNode json(ObjectNode factory) {
            ObjectNode n = factory.objectNode();
            n.put("eventsPerSecond", Math.round(eventsPerSecond));
            n.put("outputSeconds", outputSeconds);
            n.put("wallSeconds", Math.round(wallSeconds * 100) / 100.0);
            n.put("netRuntimeMs", netRuntimeMs);
            return n;
        }
    }

    private record Latency(DeliveryGuarantee delivery, long[] sortedMs) {
        long percentile(double q) {
            if (sortedMs.length == 0) {
                return -1;
            }
            int idx = (int) Math.min(sortedMs.length - 1, Math.ceil(q * sortedMs.length) - 1);
            return sortedMs[Math.max(0, idx)];
        }

        ObjectNode json(ObjectNode factory) {
            ObjectNode n = factory.objectNode();
            n.put("deliveryGuarantee", delivery.toString());
            n.put("measuredEvents", sortedMs.length);
            n.put("p50Ms", percentile(0.5));
            n.put("p99Ms", percentile(0.99));
            n.put("maxMs", sortedMs.length == 0 ? -1 : sortedMs[sortedMs.length - 1]);
            return n;
        }
    }
}
