package io.sgnflow.connectors.kafka;

import io.sgnflow.connectors.record.KafkaInput;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the unbounded {@link KafkaSource}s of the scoring job: the event topic and the
 * model-updates topic. Both emit raw {@link KafkaInput}s (see {@link
 * KafkaInputDeserializationSchema}); model files travel as bytes and are decoded by the job.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * KafkaSource<KafkaInput> events = KafkaInputSource.build(
 *         "broker:9092", "events", "sgn-scorer", OffsetsInitializer.committedOffsets(),
 *         ClientProperties.load(Path.of("client.properties")));
 * }</pre>
 *
 * <p>Client properties (SASL, SSL, {@code isolation.level}, ...) pass through unchanged, except
 * that the explicit arguments win over {@code bootstrap.servers} and {@code group.id} in them.
 * Offsets are committed to the group on checkpoints (the connector default); on restore the
 * checkpointed offsets are used and {@code startingOffsets} is ignored. Stateless and thread-safe.
 */
public final class KafkaInputSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaInputSource.class);

    private KafkaInputSource() {}

    /**
     * Builds a source for the event topic.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param topic topic to read
     * @param groupId consumer group, used for committed offsets
     * @param startingOffsets where to start without a checkpoint, e.g. {@link
     *     OffsetsInitializer#committedOffsets()} or {@link OffsetsInitializer#earliest()}
     * @param clientProperties extra Kafka consumer settings, or null for none; copied, not modified
     * @return the source
     * @throws IllegalArgumentException if a string argument is null or blank (naming it)
     * @throws NullPointerException if {@code startingOffsets} is null
     */
    public static KafkaSource<KafkaInput> build(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            Properties clientProperties) {
        return build(bootstrapServers, topic, groupId, startingOffsets, clientProperties, false);
    }

    /**
     * Like {@link #build(String, String, String, OffsetsInitializer, Properties)}; with {@code
     * bounded} the source stops at the offsets that are latest when the job starts (for replays of
     * a finite topic, and tests).
     */
    public static KafkaSource<KafkaInput> build(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            Properties clientProperties,
            boolean bounded) {
        KafkaArgs.requireNonBlank(bootstrapServers, "bootstrapServers");
        KafkaArgs.requireNonBlank(topic, "topic");
        KafkaArgs.requireNonBlank(groupId, "groupId");
        Objects.requireNonNull(startingOffsets, "startingOffsets");
        Properties properties = copyWarningOnOverrides(clientProperties, bootstrapServers, groupId);
        // Upstream producers (our own retraining job included) write transactionally; never
        // read records of aborted transactions unless the user asks for it.
        properties.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

        LOG.info(
                "Kafka source: topic {}, bootstrap servers {}, group {}, client properties {}",
                topic,
                bootstrapServers,
                groupId,
                ClientProperties.redacted(properties));
        KafkaSourceBuilder<KafkaInput> builder =
                KafkaSource.<KafkaInput>builder()
                        .setProperties(properties)
                        .setBootstrapServers(bootstrapServers)
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setStartingOffsets(startingOffsets)
                        .setDeserializer(new KafkaInputDeserializationSchema());
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Builds a source for the model-updates topic, starting from the earliest offset without a
     * checkpoint, so that a fresh job replays every published model and ends on the latest.
     *
     * <p>Each record value is one serialized model file. Kafka fetches a record larger than {@code
     * max.partition.fetch.bytes} on its own, so large models need no consumer settings; producers
     * and the topic's {@code max.message.bytes} must allow their size.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param topic model-updates topic
     * @param groupId consumer group, distinct from the event source's
     * @param clientProperties extra Kafka consumer settings, or null for none; copied
     * @return the source
     * @throws IllegalArgumentException if a string argument is null or blank (naming it)
     */
    public static KafkaSource<KafkaInput> buildModelUpdates(
            String bootstrapServers, String topic, String groupId, Properties clientProperties) {
        return buildModelUpdates(
                bootstrapServers, topic, groupId, OffsetsInitializer.earliest(), clientProperties);
    }

    /**
     * Builds a source for the model-updates topic with explicit starting offsets.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param topic model-updates topic
     * @param groupId consumer group, distinct from the event source's
     * @param startingOffsets where to start without a checkpoint
     * @param clientProperties extra Kafka consumer settings, or null for none; copied
     * @return the source
     * @throws IllegalArgumentException if a string argument is null or blank (naming it)
     * @throws NullPointerException if {@code startingOffsets} is null
     */
    public static KafkaSource<KafkaInput> buildModelUpdates(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            Properties clientProperties) {
        return build(bootstrapServers, topic, groupId, startingOffsets, clientProperties);
    }

    private static Properties copyWarningOnOverrides(
            Properties clientProperties, String bootstrapServers, String groupId) {
        Properties properties = ClientProperties.copy(clientProperties);
        KafkaArgs.warnIfOverridden(
                LOG, properties, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        KafkaArgs.warnIfOverridden(LOG, properties, ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return properties;
    }
}
