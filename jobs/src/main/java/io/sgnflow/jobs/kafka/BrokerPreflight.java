package io.sgnflow.jobs.kafka;

import io.sgnflow.connectors.kafka.TransactionTimeoutCheck;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks of a job against its Kafka cluster, run before anything is submitted: the brokers
 * must answer (otherwise Flink would restart the job forever on metadata timeouts), and with
 * exactly-once delivery the sink's transaction timeout must not exceed the brokers' maximum.
 */
public final class BrokerPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerPreflight.class);

    private BrokerPreflight() {}

    /**
     * @throws IllegalArgumentException naming the bootstrap servers, or both timeouts, when a check
     *     fails
     */
    public static void check(
            String bootstrapServers,
            Properties clientProperties,
            DeliveryGuarantee guarantee,
            long transactionTimeoutMs) {
        long brokerMax;
        try {
            brokerMax = TransactionTimeoutCheck.brokerMaximum(bootstrapServers, clientProperties);
        } catch (IllegalStateException | KafkaException e) {
            throw new IllegalArgumentException(
                    "cannot reach Kafka at --bootstrap-servers "
                            + bootstrapServers
                            + ": "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()),
                    e);
        }
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            if (transactionTimeoutMs > brokerMax) {
                throw new IllegalArgumentException(
                        "sink transaction.timeout.ms="
                                + transactionTimeoutMs
                                + " exceeds the broker's transaction.max.timeout.ms="
                                + brokerMax
                                + "; lower the sink's timeout (--transaction-timeout-ms) or raise"
                                + " the broker's maximum");
            }
            LOG.info(
                    "Sink transaction.timeout.ms={} within the brokers' maximum {} at {}",
                    transactionTimeoutMs,
                    brokerMax,
                    bootstrapServers);
        } else {
            LOG.info("Kafka at {} reachable; delivery guarantee {}", bootstrapServers, guarantee);
        }
    }
}
