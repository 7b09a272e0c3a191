package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.record.EventRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps what training needs of a parsed event, stamped with its stream timestamp (the Kafka record
 * timestamp that also assigns its windows), so "newest" in the held-out split means the same time
 * as the windows.
 */
final class ToSampledEvent extends ProcessFunction<EventRecord, SampledEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(EventRecord e, Context ctx, Collector<SampledEvent> out) {
        Long ts = ctx.timestamp();
        out.collect(
                SampledEvent.of(
                        ts == null ? e.getTimestamp() : ts,
                        e.getFeatureNames(),
                        e.getValues(),
                        e.getTopic(),
                        e.getPartition(),
                        e.getOffset()));
    }
}
