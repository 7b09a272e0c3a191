package io.sgnflow.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Which of a job's topics exist on the cluster, and whether the brokers would create a missing one
 * on first write. A Kafka source on a missing topic fails its job over and over with {@code
 * UnknownTopicOrPartitionException}; asking first turns that into one clear message at start.
 *
 * <p>Needs {@code DESCRIBE} on the topics and {@code DESCRIBE_CONFIGS} on the cluster when ACLs are
 * on; a topic that cannot be described for lack of rights counts as present (the job will say more
 * if it is not). Stateless and thread-safe; each call opens and closes its own admin client.
 */
public final class TopicCheck {
    /** The broker setting that decides whether producing to a missing topic creates it. */
    public static final String AUTO_CREATE_CONFIG = "auto.create.topics.enable";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicCheck() {}

    /**
     * What the cluster says about some topics.
     *
     * @param missing the topics that do not exist, in the order asked
     * @param autoCreate whether a broker creates a missing topic on first write
     */
    public record Result(List<String> missing, boolean autoCreate) {}

    /**
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param clientProperties extra Kafka client settings (SASL, SSL), or null for none; copied
     * @param topics the topics to look for
     * @throws IllegalStateException naming the bootstrap servers when the cluster cannot be asked
     */
    public static Result check(
            String bootstrapServers, Properties clientProperties, Collection<String> topics) {
        Set<String> unique = new LinkedHashSet<>(topics);
        try (Admin admin = admin(bootstrapServers, clientProperties)) {
            Map<String, KafkaFuture<TopicDescription>> described =
                    admin.describeTopics(unique).topicNameValues();
            List<String> missing = new ArrayList<>();
            for (String topic : unique) {
                try {
                    described.get(topic).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add(topic);
                    }
                }
            }
            return new Result(List.copyOf(missing), missing.isEmpty() || autoCreate(admin));
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "timed out after "
                            + TIMEOUT.toMillis()
                            + " ms asking the Kafka brokers at "
                            + bootstrapServers
                            + " for topics "
                            + unique,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while asking the Kafka brokers at " + bootstrapServers, e);
        }
    }

    /** Kafka's default largest record batch of a topic: {@value} bytes. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    /**
     * The largest record batch {@code topic} takes: its {@code max.message.bytes}, else (a topic
     * still to be created) the brokers' {@code message.max.bytes}, else Kafka's default when
     * neither can be read.
     */
    public static int maxMessageBytes(
            String bootstrapServers, Properties clientProperties, String topic) {
        try (Admin admin = admin(bootstrapServers, clientProperties)) {
            String value =
                    setting(
                            admin,
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            "max.message.bytes");
            if (value == null) {
                // No such topic yet, or no rights to see it: the brokers' setting.
                value = setting(admin, broker(admin), "message.max.bytes");
            }
            return value == null ? DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(value);
        } catch (TimeoutException | NumberFormatException e) {
            return DEFAULT_MAX_MESSAGE_BYTES;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_MAX_MESSAGE_BYTES;
        }
    }

    /** An admin client that gives up after {@link #TIMEOUT}. */
    private static Admin admin(String bootstrapServers, Properties clientProperties) {
        KafkaArgs.requireNonBlank(bootstrapServers, "bootstrapServers");
        Properties properties = ClientProperties.copy(clientProperties);
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        properties.setProperty(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        return Admin.create(properties);
    }

    /** One of the cluster's brokers, or null when it lists none. */
    private static ConfigResource broker(Admin admin)
            throws InterruptedException, TimeoutException {
        try {
            Collection<Node> nodes =
                    admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return nodes.isEmpty()
                    ? null
                    : new ConfigResource(
                            ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** A setting of a topic or broker, or null when it cannot be read. */
    private static String setting(Admin admin, ConfigResource resource, String key)
            throws InterruptedException, TimeoutException {
        if (resource == null) {
            return null;
        }
        try {
            Config config =
                    admin.describeConfigs(List.of(resource))
                            .all()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(resource);
            ConfigEntry entry = config == null ? null : config.get(key);
            return entry == null ? null : entry.value();
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** The setting of one broker; false when it cannot be read (the safe assumption). */
    private static boolean autoCreate(Admin admin) throws InterruptedException, TimeoutException {
        return Boolean.parseBoolean(setting(admin, broker(admin), AUTO_CREATE_CONFIG));
    }
}
