package io.sgnflow.jobs.kafka;

import io.sgnflow.connectors.kafka.KafkaInputSource;
import io.sgnflow.connectors.kafka.KafkaSinks;
import io.sgnflow.connectors.record.KafkaInput;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The stages both jobs build alike from their {@link KafkaJobSettings}. */
public final class KafkaJobWiring {
    /** The values of {@link KafkaJobSettings#startingOffsets()}. */
    public static final List<String> STARTING_OFFSETS = List.of("earliest", "latest", "committed");

    private KafkaJobWiring() {}

    /**
     * Checks the brokers (reachable, the sinks' transaction timeout, the topics: see {@link
     * BrokerPreflight}), then sets parallelism and exactly-once checkpointing.
     *
     * @throws IllegalArgumentException naming what the brokers would refuse
     */
    public static void prepare(StreamExecutionEnvironment env, KafkaJobSettings settings) {
        BrokerPreflight.check(
                settings.bootstrapServers(),
                settings.clientProperties(),
                settings.deliveryGuarantee(),
                settings.transactionTimeoutMs(),
                settings.readTopics(),
                settings.writeTopics());
        env.setParallelism(settings.parallelism());
        env.enableCheckpointing(settings.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
    }

    /**
     * Event time from the Kafka record timestamp, with bounded out-of-orderness and idleness so
     * that an idle partition never holds back downstream time.
     */
    public static WatermarkStrategy<KafkaInput> watermarks(KafkaJobSettings settings) {
        return eventTime(settings, KafkaInput::getKafkaTimestamp);
    }

    /**
     * Event time from {@code timestamp}, bounded out-of-orderness and idleness as {@link
     * #watermarks}, for a stream that is not a Kafka source's.
     */
    public static <T> WatermarkStrategy<T> eventTime(
            KafkaJobSettings settings, SerializableToLongFunction<T> timestamp) {
        return WatermarkStrategy.<T>forBoundedOutOfOrderness(settings.outOfOrderness())
                .withIdleness(settings.idleness())
                .withTimestampAssigner((record, ts) -> notAhead(timestamp.applyAsLong(record)));
    }

    /** A timestamp function that Flink can ship to its tasks. */
    @FunctionalInterface
    public interface SerializableToLongFunction<T> extends java.io.Serializable {
        long applyAsLong(T value);
    }

    /**
     * Most event time may run ahead of this machine's clock: {@value} ms. A record stamped an hour
     * ahead (brokers accept that by default) would otherwise move the watermark an hour on, and
     * every event of that hour would arrive after its window closed.
     */
    public static final long MAX_AHEAD_MS = 60_000L;

    /**
     * The event time of a record stamped {@code timestampMs}: at most {@link #MAX_AHEAD_MS} ahead.
     */
    static long notAhead(long timestampMs) {
        return Math.min(timestampMs, System.currentTimeMillis() + MAX_AHEAD_MS);
    }

    /**
     * For an input without event time of its own (model updates): it reports the largest watermark,
     * so that a two-input operator's event time is that of its other input alone. With {@code
     * noWatermarks()} the operator's time would stay at its minimum for good.
     */
    public static WatermarkStrategy<KafkaInput> outsideEventTime() {
        return WatermarkStrategy.forGenerator(
                context ->
                        new WatermarkGenerator<KafkaInput>() {
                            @Override
                            public void onEvent(
                                    KafkaInput record, long timestamp, WatermarkOutput output) {}

                            @Override
                            public void onPeriodicEmit(WatermarkOutput output) {
                                output.emitWatermark(new Watermark(Long.MAX_VALUE));
                            }
                        });
    }

    /** The raw records of the events topic, from the configured starting offsets. */
    public static DataStream<KafkaInput> events(
            StreamExecutionEnvironment env,
            KafkaJobSettings settings,
            WatermarkStrategy<KafkaInput> watermarks) {
        return source(
                env,
                settings,
                settings.inputTopic(),
                settings.groupId(),
                startingOffsets(settings.startingOffsets()),
                watermarks,
                "events");
    }

    /**
     * Raw records of one topic, with the job's client settings; the operator's uid is {@code name +
     * "-source"}.
     */
    public static SingleOutputStreamOperator<KafkaInput> source(
            StreamExecutionEnvironment env,
            KafkaJobSettings settings,
            String topic,
            String groupId,
            OffsetsInitializer offsets,
            WatermarkStrategy<KafkaInput> watermarks,
            String name) {
        return env.fromSource(
                        KafkaInputSource.build(
                                settings.bootstrapServers(),
                                topic,
                                groupId,
                                offsets,
                                settings.clientProperties(),
                                settings.bounded()),
                        watermarks,
                        name)
                .uid(name + "-source");
    }

    /**
     * A sink with the job's delivery guarantee; its transactional ids are the job's prefix plus
     * {@code "-" + name}, so that no two sinks of one job share them.
     */
    public static <T> KafkaSink<T> sink(
            KafkaJobSettings settings, KafkaRecordSerializationSchema<T> schema, String name) {
        return sink(settings, schema, name, new Properties());
    }

    /**
     * As {@link #sink(KafkaJobSettings, KafkaRecordSerializationSchema, String)}, with producer
     * settings of its own over the job's client settings.
     */
    public static <T> KafkaSink<T> sink(
            KafkaJobSettings settings,
            KafkaRecordSerializationSchema<T> schema,
            String name,
            Properties producerOverrides) {
        Properties client = settings.clientProperties();
        client.putAll(producerOverrides);
        return KafkaSinks.build(
                settings.bootstrapServers(),
                schema,
                settings.deliveryGuarantee(),
                settings.transactionalIdPrefix() + "-" + name,
                settings.transactionTimeoutMs(),
                client);
    }

    /**
     * The Kafka offsets initializer for a {@link #STARTING_OFFSETS} value; {@code committed} falls
     * back to the earliest offset for a group without commits.
     *
     * @throws IllegalArgumentException naming the value when it is none of them
     */
    public static OffsetsInitializer startingOffsets(String name) {
        switch (checkStartingOffsets(name)) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    /**
     * The checks both jobs' settings share: event-time bounds, and a different topic for every
     * topic option (a dead letter written to the input topic, say, would come back as input and be
     * dead-lettered again, larger each time, for ever).
     *
     * @return the settings
     * @throws IllegalArgumentException naming the option(s) and the value
     */
    public static <T extends KafkaJobSettings> T checkShared(T settings) {
        Duration outOfOrderness = settings.outOfOrderness();
        if (outOfOrderness == null || outOfOrderness.isNegative()) {
            throw new IllegalArgumentException(
                    "--out-of-orderness-ms must be >= 0, was "
                            + (outOfOrderness == null ? "unset" : outOfOrderness.toMillis()));
        }
        Duration idleness = settings.idleness();
        if (idleness == null || idleness.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "--idleness-ms must be >= 1, was "
                            + (idleness == null ? "unset" : idleness.toMillis()));
        }
        Map<String, String> optionOfTopic = new HashMap<>();
        for (Map.Entry<String, String> topic : settings.topicOptions()) {
            String earlier = optionOfTopic.putIfAbsent(topic.getValue(), topic.getKey());
            if (earlier != null) {
                throw new IllegalArgumentException(
                        topic.getKey()
                                + " and "
                                + earlier
                                + " both name topic '"
                                + topic.getValue()
                                + "': every topic of a job must differ (a job that read its own"
                                + " output would, for one, dead-letter its dead letters for"
                                + " ever)");
            }
        }
        return settings;
    }

    /**
     * @return the value, when it is one of {@link #STARTING_OFFSETS}
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static String checkStartingOffsets(String name) {
        if (!STARTING_OFFSETS.contains(name)) {
            throw new IllegalArgumentException(
                    "starting offsets must be earliest, latest or committed, was '" + name + "'");
        }
        return name;
    }
}
