package io.sgnflow.jobs.kafka;

import io.sgnflow.connectors.serde.EventFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The settings that the scoring and the retraining job share: how each reads the events topic, how
 * it writes to Kafka and how it checkpoints. {@link KafkaJobWiring} builds the common stages from
 * them, so both jobs read events and commit outputs the same way.
 */
public interface KafkaJobSettings {
    String bootstrapServers();

    String inputTopic();

    String groupId();

    /** earliest, latest or committed. */
    String startingOffsets();

    int parallelism();

    long checkpointIntervalMs();

    DeliveryGuarantee deliveryGuarantee();

    String transactionalIdPrefix();

    long transactionTimeoutMs();

    EventFormat eventFormat();

    Duration outOfOrderness();

    Duration idleness();

    /** Extra Kafka client settings (SASL/SSL); a copy. */
    Properties clientProperties();

    /** Whether the event source stops at the offsets that are latest when the job starts. */
    boolean bounded();

    /** The topics the job reads, each mapped to the option that names it. */
    Map<String, String> readTopics();

    /** The topics the job writes, each mapped to the option that names it. */
    Map<String, String> writeTopics();

    /**
     * Every topic option that is set, in order, with its topic (option → topic), repeats included:
     * the maps above keep one option per topic.
     */
    List<Map.Entry<String, String>> topicOptions();
}
