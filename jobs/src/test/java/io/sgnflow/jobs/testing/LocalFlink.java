package io.sgnflow.jobs.testing;

import io.sgnflow.jobs.kafka.LocalEnvironments;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * A Flink MiniCluster for JUnit 5 tests, bound to 127.0.0.1 only: one TaskManager with {@value
 * #SLOTS} slots, REST on a free port, metrics fetched every 200 ms.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK = LocalFlink.extension();
 * // then StreamExecutionEnvironment.getExecutionEnvironment() runs jobs on it
 * }</pre>
 */
public final class LocalFlink {

    public static final int TASK_MANAGERS = 1;
    public static final int SLOTS = 4;

    private LocalFlink() {}

    /** The cluster configuration: loopback-only, REST on an ephemeral port. */
    public static Configuration configuration() {
        Configuration conf = LocalEnvironments.loopbackConfiguration();
        conf.set(RestOptions.BIND_PORT, "0");
        // Tests read metrics through the REST API (FlinkRest); the default fetch is every 10 s.
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        return conf;
    }

    public static MiniClusterResourceConfiguration resourceConfiguration() {
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration())
                .setNumberTaskManagers(TASK_MANAGERS)
                .setNumberSlotsPerTaskManager(SLOTS)
                .build();
    }

    /**
     * A new extension; register it as a {@code static} field with {@code @RegisterExtension} so
     * that the cluster lives for the whole test class.
     */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(resourceConfiguration());
    }
}
