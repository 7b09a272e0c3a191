package io.sgnflow.jobs.retrain;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Two regimes of a 3-feature stream, a small model of the first, and a timestamped producer. */
final class RetrainFixtures {
    static final List<String> FEATURES = List.of("a", "b", "c");

    private RetrainFixtures() {}

    /** Regime A: correlated, centred. */
    static double[][] regimeA(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][3];
        for (double[] row : rows) {
            double common = r.nextGaussian();
            row[0] = 10 + 2 * common + 0.5 * r.nextGaussian();
            row[1] = -3 + common + 0.3 * r.nextGaussian();
            row[2] = r.nextGaussian();
        }
        return rows;
    }

    /** Regime B: the same shape moved by several standard deviations and anti-correlated. */
    static double[][] regimeB(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][3];
        for (double[] row : rows) {
            double common = r.nextGaussian();
            row[0] = 16 + 2 * common + 0.5 * r.nextGaussian();
            row[1] = 0 - common + 0.3 * r.nextGaussian();
            row[2] = 3 + 0.5 * r.nextGaussian();
        }
        return rows;
    }

    /** A small model of regime A, version 1. */
    static SgnFlowModel modelOfA() {
        TrainingConfig config =
                TrainingConfig.builder()
                        .hiddenWidths(8)
                        .steps(2)
                        .epochs(8)
                        .learningRate(0.02)
                        .batchSize(64)
                        .seed(3)
                        .build();
        return new FlowTrainer(config, FlowTrainer.Listener.NONE).train(regimeA(2000, 1), FEATURES);
    }

    static String json(String id, double[] row) {
        return String.format(
                Locale.ROOT,
                "{\"id\":\"%s\",\"features\":{\"a\":%s,\"b\":%s,\"c\":%s}}",
                id,
                Double.toString(row[0]),
                Double.toString(row[1]),
                Double.toString(row[2]));
    }

    /** A produced event: id, features, Kafka timestamp. */
    record Event(String id, double[] row, long timestamp) {}

    /** {@code rows} spread evenly over [start, start + spanMs). */
    static List<Event> events(String idPrefix, double[][] rows, long start, long spanMs) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            out.add(
                    new Event(
                            String.format(Locale.ROOT, "%s-%05d", idPrefix, i),
                            rows[i],
                            start + i * spanMs / rows.length));
        }
        return out;
    }

    /** Sends events with their timestamps to one partition, or spread when partition < 0. */
    static void produce(String bootstrap, String topic, int partition, List<Event> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                Integer part = partition >= 0 ? partition : i % 3;
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                part,
                                e.timestamp(),
                                null,
                                json(e.id(), e.row()).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
