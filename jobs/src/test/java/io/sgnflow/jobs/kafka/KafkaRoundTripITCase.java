package io.sgnflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.jobs.testing.ListeningSockets;
import io.sgnflow.jobs.testing.LocalFlink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded KRaft broker + loopback MiniCluster: a bounded KafkaSource, a map, and an exactly-once
 * KafkaSink, checked with a read_committed consumer.
 */
@Timeout(300)
class KafkaRoundTripITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRoundTripITCase.class);
    private static final int RECORDS = 1_000;
    private static final String IN = "in";
    private static final String OUT = "out";

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.extension();

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void exactlyOnceUpperCaseRoundTrip() throws Exception {
        kafka.createTopic(IN, 3);
        kafka.createTopic(OUT, 1);
        List<String> input =
                IntStream.range(0, RECORDS)
                        .mapToObj(i -> String.format(Locale.ROOT, "event-%04d", i))
                        .toList();
        produce(input);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        env.enableCheckpointing(500);

        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(IN)
                        .setGroupId("round-trip")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();
        KafkaSink<String> sink =
                KafkaSink.<String>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.builder()
                                        .setTopic(OUT)
                                        .setValueSerializationSchema(new SimpleStringSchema())
                                        .build())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("sgn-round-trip")
                        // The broker's transaction.max.timeout.ms is 15 min; Flink's default is 1
                        // h.
                        .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000")
                        .build();

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-in")
                .map(s -> s.toUpperCase(Locale.ROOT))
                .name("upper-case")
                .sinkTo(sink)
                .name("kafka-out");

        long t0 = System.nanoTime();
        JobExecutionResult result = env.execute("kafka-round-trip");
        LOG.info(
                "Round-trip job finished in {} ms (net runtime {} ms)",
                (System.nanoTime() - t0) / 1_000_000,
                result.getNetRuntime());

        List<String> output = consumeCommitted(RECORDS);
        assertThat(output).hasSize(RECORDS).doesNotHaveDuplicates();
        assertThat(output)
                .containsExactlyInAnyOrderElementsOf(
                        input.stream()
                                .map(s -> s.toUpperCase(Locale.ROOT))
                                .collect(Collectors.toList()));

        if (ListeningSockets.supported()) {
            List<ListeningSockets.Listener> listeners = ListeningSockets.ofThisProcess();
            LOG.info("Listening sockets of this JVM: {}", listeners);
            assertThat(listeners)
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l.isLoopback()).as(l.toString()).isTrue());
        }
    }

    private static void produce(List<String> values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < values.size(); i++) {
                // Round-robin over the three partitions of "in".
                producer.send(new ProducerRecord<>(IN, i % 3, null, values.get(i)));
            }
            producer.flush();
        }
    }

    /**
     * Reads {@code out} from the beginning with read_committed until {@code expected} records have
     * arrived, then keeps polling for two more seconds so that duplicates would show.
     */
    private static List<String> consumeCommitted(int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(OUT).stream()
                            .map(info -> new TopicPartition(OUT, info.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                if (values.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            LOG.info("Read {} committed records from {} (end offsets {})", values.size(), OUT, end);
        }
        return values;
    }
}
