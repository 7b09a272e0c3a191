package io.sgnflow.jobs.scoring;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts dead letters by reason (metric {@code deadLetters} under group {@code reason=<REASON>})
 * and logs them at WARN, at most one line per reason every ten seconds so that a flood of bad input
 * cannot flood the log. Not thread-safe; one per operator instance.
 */
final class DeadLetterMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterMetrics.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);
    private final Map<DeadLetterReason, Long> lastLog = new EnumMap<>(DeadLetterReason.class);
    private final Map<DeadLetterReason, Long> suppressed = new EnumMap<>(DeadLetterReason.class);
    private final Counter total;
    private final String stage;

    DeadLetterMetrics(MetricGroup group, String stage) {
        this.stage = stage;
        this.total = group.counter("deadLetters");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counters.put(reason, group.addGroup("reason", reason.name()).counter("deadLetters"));
        }
    }

    void record(DeadLetterRecord dead) {
        total.inc();
        DeadLetterReason reason = dead.getReason();
        counters.get(reason).inc();
        long now = System.nanoTime();
        Long last = lastLog.get(reason);
        if (last == null || now - last > LOG_INTERVAL_NANOS) {
            long skipped = suppressed.getOrDefault(reason, 0L);
            LOG.warn(
                    "Dead letter at {} stage ({}): {} at {}-{}@{}{}",
                    stage,
                    reason,
                    dead.getMessage(),
                    dead.getTopic(),
                    dead.getPartition(),
                    dead.getOffset(),
                    skipped > 0
                            ? " (" + skipped + " more " + reason + " since the last line)"
                            : "");
            lastLog.put(reason, now);
            suppressed.put(reason, 0L);
        } else {
            suppressed.merge(reason, 1L, Long::sum);
        }
    }
}
