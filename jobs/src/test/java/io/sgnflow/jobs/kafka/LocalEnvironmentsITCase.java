package io.sgnflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sgnflow.jobs.testing.ListeningSockets;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The environment {@code score-stream} and {@code retrain-stream} run in when started from the
 * command line (no cluster): a local Flink whose every listener is on 127.0.0.1. Flink's own local
 * default binds its RPC and data ports to all interfaces.
 */
class LocalEnvironmentsITCase {

    @Test
    @Timeout(120)
    void aJobStartedOutsideAClusterListensOnLoopbackOnly() throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs /proc/net/tcp");
        StreamExecutionEnvironment env = LocalEnvironments.forJob();
        env.fromSequence(0, Long.MAX_VALUE).sinkTo(new DiscardingSink<>());

        JobClient job = env.executeAsync("loopback-probe");
        try {
            Thread.sleep(2000);
            List<ListeningSockets.Listener> listeners = ListeningSockets.ofThisProcess();

            assertThat(listeners)
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l.isLoopback()).as(l.toString()).isTrue());
        } finally {
            job.cancel().get();
        }
    }
}
