package io.sgnflow.connectors.kafka;

import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the job's {@link KafkaSink}s (scores, anomalies, dead letters) with one set of producer
 * settings.
 *
 * <pre>{@code
 * KafkaSink<ScoredEvent> scores = KafkaSinks.build("broker:9092",
 *         new ScoredEventSerializationSchema("scores"), DeliveryGuarantee.EXACTLY_ONCE,
 *         "sgn-scores", 900_000L, clientProperties);
 * }</pre>
 *
 * <p>With {@link DeliveryGuarantee#EXACTLY_ONCE} the sink writes in Kafka transactions committed on
 * checkpoints; {@code transaction.timeout.ms} must exceed the longest time from a checkpoint's
 * start to its commit after a failure (checkpoint interval plus restart time), and must not exceed
 * the brokers' {@code transaction.max.timeout.ms} (900000 by default): check it with {@link
 * TransactionTimeoutCheck#verify}. Each sink in a job, and each job on a cluster, needs its own
 * transactional-id prefix. Consumers of the output topics should read with {@code
 * isolation.level=read_committed}. Stateless and thread-safe.
 */
public final class KafkaSinks {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSinks.class);

    private KafkaSinks() {}

    /**
     * Builds a Kafka sink.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param schema serializer choosing topic, key and value of each record
     * @param guarantee delivery guarantee
     * @param transactionalIdPrefix prefix of the producers' transactional ids; required (non-blank)
     *     for {@link DeliveryGuarantee#EXACTLY_ONCE}, ignored otherwise
     * @param transactionTimeoutMs {@code transaction.timeout.ms} of the producers in milliseconds;
     *     must be positive for {@link DeliveryGuarantee#EXACTLY_ONCE}, ignored otherwise
     * @param clientProperties extra Kafka producer settings, or null for none; copied, not
     *     modified. The explicit arguments win over the same settings in them.
     * @param <T> element type
     * @return the sink
     * @throws IllegalArgumentException if {@code bootstrapServers} is blank, or for {@code
     *     EXACTLY_ONCE} the prefix is blank or the timeout not positive (naming the value)
     * @throws NullPointerException if {@code schema} or {@code guarantee} is null
     */
    public static <T> KafkaSink<T> build(
            String bootstrapServers,
            KafkaRecordSerializationSchema<T> schema,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            long transactionTimeoutMs,
            Properties clientProperties) {
        Objects.requireNonNull(schema, "schema");
        Properties properties =
                producerProperties(
                        bootstrapServers,
                        guarantee,
                        transactionalIdPrefix,
                        transactionTimeoutMs,
                        clientProperties);

        LOG.info(
                "Kafka sink: {} with {}, bootstrap servers {}, transactional id prefix {},"
                        + " producer properties {}",
                schema.getClass().getSimpleName(),
                guarantee,
                bootstrapServers,
                guarantee == DeliveryGuarantee.EXACTLY_ONCE ? transactionalIdPrefix : "(none)",
                ClientProperties.redacted(properties));
        var builder =
                KafkaSink.<T>builder()
                        .setKafkaProducerConfig(properties)
                        .setBootstrapServers(bootstrapServers)
                        .setRecordSerializer(schema)
                        .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    /**
     * Validates the arguments of {@link #build} and returns the producer settings it passes to the
     * connector's builder (which adds its own defaults and the serializers).
     */
    static Properties producerProperties(
            String bootstrapServers,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            long transactionTimeoutMs,
            Properties clientProperties) {
        KafkaArgs.requireNonBlank(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(guarantee, "guarantee");
        Properties properties = ClientProperties.copy(clientProperties);
        KafkaArgs.warnIfOverridden(
                LOG, properties, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (guarantee != DeliveryGuarantee.EXACTLY_ONCE) {
            return properties;
        }

        KafkaArgs.requireNonBlank(transactionalIdPrefix, "transactionalIdPrefix");
        if (transactionTimeoutMs <= 0) {
            throw new IllegalArgumentException(
                    "transactionTimeoutMs must be positive for EXACTLY_ONCE, found "
                            + transactionTimeoutMs);
        }
        String timeout = Long.toString(transactionTimeoutMs);
        KafkaArgs.warnIfOverridden(
                LOG, properties, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeout);
        properties.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeout);
        return properties;
    }
}
