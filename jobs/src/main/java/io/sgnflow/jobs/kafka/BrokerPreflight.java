package io.sgnflow.jobs.kafka;

import io.sgnflow.connectors.kafka.TopicCheck;
import io.sgnflow.connectors.kafka.TransactionTimeoutCheck;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks of a job against its Kafka cluster, run before anything is submitted: the brokers
 * must answer (otherwise Flink would restart the job forever on metadata timeouts), with
 * exactly-once delivery the sink's transaction timeout must not exceed the brokers' maximum, and
 * the topics must exist: every topic the job reads, and every topic it writes unless the brokers
 * create topics on first write.
 */
public final class BrokerPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerPreflight.class);

    private BrokerPreflight() {}

    /**
     * @param readTopics the topics the job reads, each with the option that names it
     * @param writeTopics the topics the job writes, each with the option that names it
     * @throws IllegalArgumentException naming the bootstrap servers, both timeouts, or the missing
     *     topics and their options, when a check fails
     */
    public static void check(
            String bootstrapServers,
            Properties clientProperties,
            DeliveryGuarantee guarantee,
            long transactionTimeoutMs,
            Map<String, String> readTopics,
            Map<String, String> writeTopics) {
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
        checkTopics(bootstrapServers, clientProperties, readTopics, writeTopics);
    }

    private static void checkTopics(
            String bootstrapServers,
            Properties clientProperties,
            Map<String, String> readTopics,
            Map<String, String> writeTopics) {
        Set<String> all = new LinkedHashSet<>(readTopics.keySet());
        all.addAll(writeTopics.keySet());
        TopicCheck.Result result;
        try {
            result = TopicCheck.check(bootstrapServers, clientProperties, all);
        } catch (IllegalStateException | KafkaException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<String> fatal = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (String topic : result.missing()) {
            String option = readTopics.getOrDefault(topic, writeTopics.get(topic));
            String named = "'" + topic + "' (" + option + ")";
            if (readTopics.containsKey(topic) || !result.autoCreate()) {
                fatal.add(named);
            } else {
                created.add(named);
            }
        }
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(
                    (fatal.size() == 1 ? "topic " : "topics ")
                            + String.join(", ", fatal)
                            + (fatal.size() == 1 ? " does" : " do")
                            + " not exist at "
                            + bootstrapServers
                            + (result.autoCreate()
                                    ? ""
                                    : " (the brokers do not create topics on first write)")
                            + "; create "
                            + (fatal.size() == 1 ? "it" : "them")
                            + " first, e.g. kafka-topics.sh --bootstrap-server "
                            + bootstrapServers
                            + " --create --topic NAME --partitions N");
        }
        if (!created.isEmpty()) {
            LOG.info(
                    "Topics {} do not exist yet; the brokers create them on first write ({}=true)",
                    created,
                    TopicCheck.AUTO_CREATE_CONFIG);
        }
    }
}
