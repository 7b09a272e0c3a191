package io.sgnflow.jobs.retrain;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the events (and anomaly flags) that reached the retraining windows after their window had
 * closed, in the {@code lateEvents} metric, with a WARN now and then. They are not trained on. A
 * record stamped ahead of the others (a producer's clock, an event time up to an hour ahead that a
 * broker accepts) moves the watermark on, and the events after it then count here instead of
 * vanishing unseen.
 */
final class LateEvents extends ProcessFunction<SampledEvent, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LateEvents.class);

    /** The window operator's side output of late records. */
    static final OutputTag<SampledEvent> TAG = new OutputTag<>("late-events") {};

    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public void processElement(SampledEvent event, Context ctx, Collector<Void> out) {
        late.inc();
        long count = late.getCount();
        if (count == 1 || Long.bitCount(count) == 1) {
            LOG.warn(
                    "{} events reached the retraining windows after their window closed (this one"
                            + " at event time {}, watermark {}); they are not trained on. Records"
                            + " stamped far ahead of the others move the watermark on; see"
                            + " --out-of-orderness-ms",
                    count,
                    ctx.timestamp(),
                    ctx.timerService().currentWatermark());
        }
    }
}
