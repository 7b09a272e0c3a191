package io.sgnflow.jobs.tools;

import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.serde.RecordJson;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sgn-flink fault-check ACTION}: the Java half of {@code deploy/local/fault-test.sh}.
 *
 * <ul>
 *   <li>{@code topics}: creates the events and output topics of a run ({@code --prefix}).
 *   <li>{@code model}: trains a small model on the same distribution the events come from.
 *   <li>{@code produce}: sends {@code --events} JSON events with ids {@code 0..N-1} at {@code
 *       --rate} events/s.
 *   <li>{@code verify}: reads the scores and dead-letter topics with read_committed until every id
 *       has an output (or the timeout), then prints {@code outputs}, {@code duplicates} (outputs
 *       beyond the first for an id) and {@code lost} (ids without output) as JSON.
 * </ul>
 */
@Command(
        name = "fault-check",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The helper of deploy/local/fault-test.sh: creates topics, trains a model, produces"
                    + " numbered synthetic events (5 features: cpu, mem, disk, net, load) and"
                    + " verifies that the read_committed outputs hold exactly one record per"
                    + " event.",
            "Last stdout line: JSON. verify exits 1 when an event was lost or duplicated."
        })
public final class FaultCheck implements Callable<Integer> {
    static final List<String> FEATURES = List.of("cpu", "mem", "disk", "net", "load");

    @Parameters(
            index = "0",
            paramLabel = "ACTION",
            description =
                    "topics: create <prefix>-events and the output topics; model: write a model of"
                            + " the events' distribution to --out; produce: send --events events at"
                            + " --rate; verify: read <prefix>-scores and <prefix>-dead-letters"
                            + " until every event has an output or --timeout-s passes.")
    String action;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "127.0.0.1:39092",
            description = "Kafka (default: ${DEFAULT-VALUE}, the broker of deploy/local).")
    String bootstrapServers;

    @Option(
            names = "--prefix",
            defaultValue = "ft",
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--events",
            defaultValue = "200000",
            description = "Events to produce or expect (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
            names = "--rate",
            defaultValue = "5000",
            description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the events topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--out", description = "Model file to write (model).")
    Path out;

    @Option(
            names = "--timeout-s",
            defaultValue = "300",
            description = "Longest wait of verify, in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        for (var option :
                List.of(
                        java.util.Map.entry("--events", events),
                        java.util.Map.entry("--rate", rate),
                        java.util.Map.entry("--partitions", partitions),
                        java.util.Map.entry("--timeout-s", timeoutSeconds))) {
            if (option.getValue() < 1) {
                throw new IllegalArgumentException(
                        option.getKey() + " must be >= 1, was " + option.getValue());
            }
        }
        try {
            return run();
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalArgumentException(
                    "Kafka at --bootstrap-servers " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private int run() throws Exception {
        switch (action) {
            case "topics":
                topics();
                return 0;
            case "model":
                model();
                return 0;
            case "produce":
                produce();
                return 0;
            case "verify":
                return verify();
            default:
                throw new IllegalArgumentException(
                        "action must be topics, model, produce or verify, was '" + action + "'");
        }
    }

    private void topics() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<NewTopic> topics = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            topics.add(new NewTopic(prefix + "-events", partitions, (short) 1));
            for (String t :
                    List.of(
                            "scores",
                            "anomalies",
                            "dead-letters",
                            "model-updates",
                            "retrain-decisions")) {
                boolean ordered = t.equals("model-updates") || t.equals("retrain-decisions");
                topics.add(new NewTopic(prefix + "-" + t, ordered ? 1 : 2, (short) 1));
            }
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        System.out.println(
                "{\"command\":\"fault-check\",\"action\":\"topics\",\"topics\":"
                        + topics.size()
                        + ",\"prefix\":\""
                        + prefix
                        + "\"}");
    }

    private void model() throws Exception {
        if (out == null) {
            throw new IllegalArgumentException("model needs --out FILE");
        }
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(16).steps(4).epochs(3).seed(7).build();
        SgnFlowModel model =
                new FlowTrainer(config, FlowTrainer.Listener.NONE).train(rows(4000, 7), FEATURES);
        ModelFile.write(model, out);
        System.out.println(
                "{\"command\":\"fault-check\",\"action\":\"model\",\"model\":\""
                        + out
                        + "\",\"version\":"
                        + model.version()
                        + "}");
    }

    static double[][] rows(int n, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[n][FEATURES.size()];
        for (double[] row : rows) {
            double common = random.nextGaussian();
            row[0] = 50 + 10 * common + 3 * random.nextGaussian();
            row[1] = 0.6 + 0.05 * common + 0.02 * random.nextGaussian();
            row[2] = 1000 * Math.exp(0.3 * random.nextGaussian());
            row[3] = 5 * random.nextGaussian();
            row[4] = Math.abs(common) + 0.1 * random.nextGaussian();
        }
        return rows;
    }

    private void produce() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Random random = new Random(11);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < events; i++) {
                double[] row = rows(1, random.nextLong())[0];
                StringBuilder json =
                        new StringBuilder("{\"id\":\"").append(i).append("\",\"features\":[");
                for (int j = 0; j < row.length; j++) {
                    json.append(j == 0 ? "" : ",")
                            .append(String.format(Locale.ROOT, "%.6f", row[j]));
                }
                json.append("]}");
                producer.send(
                        new ProducerRecord<>(
                                prefix + "-events",
                                null,
                                System.currentTimeMillis(),
                                null,
                                json.toString().getBytes(StandardCharsets.UTF_8)));
                if (rate > 0 && i % 100 == 99) {
                    long dueNanos = (long) ((i + 1) * 1e9 / rate);
                    long sleepMs = (dueNanos - (System.nanoTime() - start)) / 1_000_000;
                    if (sleepMs > 0) {
                        Thread.sleep(sleepMs);
                    }
                }
                if (i % 10_000 == 9_999) {
                    System.err.printf(Locale.ROOT, "produced %d of %d%n", i + 1, events);
                }
            }
            producer.flush();
        }
        System.out.println(
                "{\"command\":\"fault-check\",\"action\":\"produce\",\"produced\":" + events + "}");
    }

    private int verify() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        BitSet seen = new BitSet(events);
        long outputs = 0;
        long duplicates = 0;
        long foreign = 0;
        String scores = prefix + "-scores";
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(scores, prefix + "-dead-letters")) {
                consumer.partitionsFor(topic)
                        .forEach(
                                info ->
                                        partitions.add(
                                                new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            long quietUntil = Long.MAX_VALUE;
            long lastReport = 0;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    outputs++;
                    String id =
                            r.topic().equals(scores)
                                    ? RecordJson.scoredEventFromJson(r.value()).getId()
                                    : idOf(RecordJson.deadLetterFromJson(r.value()));
                    int index = parseId(id);
                    if (index < 0 || index >= events) {
                        foreign++;
                    } else if (seen.get(index)) {
                        duplicates++;
                    } else {
                        seen.set(index);
                    }
                }
                if (quietUntil == Long.MAX_VALUE && seen.cardinality() >= events) {
                    // Everything is there; keep reading a little so late duplicates would show.
                    quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.err.printf(
                            Locale.ROOT,
                            "verify: %d of %d ids have an output%n",
                            seen.cardinality(),
                            events);
                }
            }
        }
        long lost = events - seen.cardinality();
        System.out.printf(
                Locale.ROOT,
                "{\"command\":\"fault-check\",\"action\":\"verify\",\"produced\":%d,\"outputs\":%d,\"duplicates\":%d,\"lost\":%d,\"foreign\":%d}%n",
                events,
                outputs,
                duplicates,
                lost,
                foreign);
        return lost == 0 && duplicates == 0 ? 0 : 1;
    }

    private static final java.util.regex.Pattern RAW_ID =
            java.util.regex.Pattern.compile("\"id\":\"(\\d+)\"");

    /** A dead letter carries the raw record; the id is read back from it. */
    private static String idOf(DeadLetterRecord dead) {
        java.util.regex.Matcher m =
                RAW_ID.matcher(dead.getRawText() == null ? "" : dead.getRawText());
        return m.find() ? m.group(1) : null;
    }

    private static int parseId(String id) {
        try {
            return id == null ? -1 : Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
