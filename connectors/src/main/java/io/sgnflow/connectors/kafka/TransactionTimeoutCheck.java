package io.sgnflow.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check that an exactly-once sink's {@code transaction.timeout.ms} does not exceed the
 * brokers' {@code transaction.max.timeout.ms}. Without it the job fails only when the first
 * producer initializes its transactions, with a less obvious {@code InvalidTxnTimeoutException}.
 *
 * <p>Asks every broker listed by {@code describeCluster} for its configuration with the Kafka
 * {@link Admin} client and compares with the smallest maximum (brokers may differ; any of them can
 * be a transaction coordinator). Needs {@code DESCRIBE_CONFIGS} on the cluster when ACLs are on.
 * Stateless and thread-safe; each call opens and closes its own admin client.
 */
public final class TransactionTimeoutCheck {
    /** Default bound on the whole check: {@value} ms. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000L;

    /** The broker setting compared against. */
    public static final String BROKER_MAX_TIMEOUT_CONFIG = "transaction.max.timeout.ms";

    private static final Logger LOG = LoggerFactory.getLogger(TransactionTimeoutCheck.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private TransactionTimeoutCheck() {}

    /**
     * Verifies the sink's transaction timeout against the brokers, waiting at most {@value
     * #DEFAULT_TIMEOUT_MS} ms.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param clientProperties extra Kafka client settings (SASL, SSL), or null for none; copied
     * @param sinkTransactionTimeoutMs the sink's {@code transaction.timeout.ms}
     * @return the smallest {@code transaction.max.timeout.ms} of the brokers, in milliseconds
     * @throws IllegalArgumentException if {@code sinkTransactionTimeoutMs} exceeds it (the message
     *     gives both values), or an argument is invalid
     * @throws IllegalStateException if the brokers cannot be asked in time, refuse, or do not
     *     report the setting (the message names the bootstrap servers)
     */
    public static long verify(
            String bootstrapServers, Properties clientProperties, long sinkTransactionTimeoutMs) {
        return verify(
                bootstrapServers,
                clientProperties,
                sinkTransactionTimeoutMs,
                Duration.ofMillis(DEFAULT_TIMEOUT_MS));
    }

    /**
     * Verifies the sink's transaction timeout against the brokers.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param clientProperties extra Kafka client settings (SASL, SSL), or null for none; copied
     * @param sinkTransactionTimeoutMs the sink's {@code transaction.timeout.ms}
     * @param timeout bound on the whole check
     * @return the smallest {@code transaction.max.timeout.ms} of the brokers, in milliseconds
     * @throws IllegalArgumentException if {@code sinkTransactionTimeoutMs} exceeds it (the message
     *     gives both values), or an argument is invalid
     * @throws IllegalStateException if the brokers cannot be asked in time, refuse, or do not
     *     report the setting (the message names the bootstrap servers)
     */
    public static long verify(
            String bootstrapServers,
            Properties clientProperties,
            long sinkTransactionTimeoutMs,
            Duration timeout) {
        KafkaArgs.requireNonBlank(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(timeout, "timeout");
        if (sinkTransactionTimeoutMs <= 0) {
            throw new IllegalArgumentException(
                    "sink transaction.timeout.ms must be positive, found "
                            + sinkTransactionTimeoutMs);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, found " + timeout);
        }

        long brokerMaxMs = brokerMaxTimeoutMs(bootstrapServers, clientProperties, timeout);
        if (sinkTransactionTimeoutMs > brokerMaxMs) {
            throw new IllegalArgumentException(
                    "sink transaction.timeout.ms="
                            + sinkTransactionTimeoutMs
                            + " exceeds the broker's transaction.max.timeout.ms="
                            + brokerMaxMs
                            + "; lower the sink's timeout (--transaction-timeout-ms) or raise the"
                            + " broker's maximum");
        }
        LOG.info(
                "Sink transaction.timeout.ms={} is within the brokers' transaction.max.timeout.ms={}"
                        + " at {}",
                sinkTransactionTimeoutMs,
                brokerMaxMs,
                bootstrapServers);
        return brokerMaxMs;
    }

    /**
     * Asks the brokers for their smallest {@code transaction.max.timeout.ms}; doubles as the
     * start-up check that the cluster is reachable at all, whatever the delivery guarantee.
     *
     * @throws IllegalStateException naming the bootstrap servers when they cannot be reached in
     *     time
     */
    public static long brokerMaximum(String bootstrapServers, Properties clientProperties) {
        KafkaArgs.requireNonBlank(bootstrapServers, "bootstrapServers");
        return brokerMaxTimeoutMs(
                bootstrapServers, clientProperties, Duration.ofMillis(DEFAULT_TIMEOUT_MS));
    }

    private static long brokerMaxTimeoutMs(
            String bootstrapServers, Properties clientProperties, Duration timeout) {
        long timeoutMs = timeout.toMillis();
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        Properties properties = ClientProperties.copy(clientProperties);
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        // The admin client rejects a request timeout above the API timeout.
        long requestTimeoutMs =
                Math.min(
                        timeoutMs,
                        Long.parseLong(
                                properties.getProperty(
                                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000")));
        properties.setProperty(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeoutMs));

        Admin admin = Admin.create(properties);
        try {
            Collection<Node> nodes =
                    admin.describeCluster()
                            .nodes()
                            .get(remainingMs(deadlineNanos), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException(
                        "the Kafka cluster at " + bootstrapServers + " reported no brokers");
            }
            List<ConfigResource> resources = new ArrayList<>();
            for (Node node : nodes) {
                resources.add(new ConfigResource(ConfigResource.Type.BROKER, node.idString()));
            }
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources)
                            .all()
                            .get(remainingMs(deadlineNanos), TimeUnit.MILLISECONDS);
            return smallestMaximum(bootstrapServers, configs);
        } catch (TimeoutException e) {
            throw timedOut(bootstrapServers, timeoutMs, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw timedOut(bootstrapServers, timeoutMs, cause);
            }
            throw new IllegalStateException(
                    "could not read "
                            + BROKER_MAX_TIMEOUT_CONFIG
                            + " from the Kafka brokers at "
                            + bootstrapServers
                            + ": "
                            + cause,
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while asking the Kafka brokers at "
                            + bootstrapServers
                            + " for "
                            + BROKER_MAX_TIMEOUT_CONFIG,
                    e);
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    private static IllegalStateException timedOut(
            String bootstrapServers, long timeoutMs, Throwable cause) {
        return new IllegalStateException(
                "timed out after "
                        + timeoutMs
                        + " ms asking the Kafka brokers at "
                        + bootstrapServers
                        + " for "
                        + BROKER_MAX_TIMEOUT_CONFIG
                        + "; check the bootstrap servers and the client security settings",
                cause);
    }

    private static long smallestMaximum(
            String bootstrapServers, Map<ConfigResource, Config> configs) {
        long smallest = Long.MAX_VALUE;
        for (Map.Entry<ConfigResource, Config> entry : configs.entrySet()) {
            String broker = entry.getKey().name();
            ConfigEntry setting = entry.getValue().get(BROKER_MAX_TIMEOUT_CONFIG);
            if (setting == null || setting.value() == null) {
                throw new IllegalStateException(
                        "Kafka broker "
                                + broker
                                + " at "
                                + bootstrapServers
                                + " does not report "
                                + BROKER_MAX_TIMEOUT_CONFIG);
            }
            long value;
            try {
                value = Long.parseLong(setting.value().trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException(
                        "Kafka broker "
                                + broker
                                + " at "
                                + bootstrapServers
                                + " reports a non-numeric "
                                + BROKER_MAX_TIMEOUT_CONFIG
                                + "='"
                                + setting.value()
                                + "'",
                        e);
            }
            LOG.debug("Kafka broker {} has {}={}", broker, BROKER_MAX_TIMEOUT_CONFIG, value);
            smallest = Math.min(smallest, value);
        }
        if (smallest == Long.MAX_VALUE) {
            throw new IllegalStateException(
                    "the Kafka cluster at "
                            + bootstrapServers
                            + " returned no broker configuration");
        }
        return smallest;
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0L, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
