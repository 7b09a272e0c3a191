package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.connectors.record.ScoreStatus;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.RecordJson;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the scoring job's scored records into flags: one {@link SampledEvent#flag} per record with
 * {@code anomaly = true}, at the coordinates of the event it scored and with that event's time (its
 * source record's Kafka timestamp, which the scored record carries), so flag and event fall into
 * the same window. Other records, and records that are not scored-event JSON, yield nothing (the
 * latter are counted in {@code unreadableScores}).
 */
final class ToFlag extends ProcessFunction<KafkaInput, SampledEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ToFlag.class);

    private final String inputTopic;

    private transient Counter unreadable;
    private transient Counter flags;

    /**
     * @param inputTopic the events topic of the retraining job: flags of other topics are not its
     */
    ToFlag(String inputTopic) {
        this.inputTopic = inputTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        unreadable = getRuntimeContext().getMetricGroup().counter("unreadableScores");
        flags = getRuntimeContext().getMetricGroup().counter("anomalyFlags");
    }

    @Override
    public void processElement(KafkaInput record, Context ctx, Collector<SampledEvent> out) {
        ScoredEvent scored;
        try {
            scored = RecordJson.scoredEventFromJson(record.getValue());
        } catch (RuntimeException e) {
            unreadable.inc();
            if (unreadable.getCount() <= 10) {
                LOG.warn(
                        "Ignoring record {}-{}@{} of the scores topic: not a scored event ({})",
                        record.getTopic(),
                        record.getPartition(),
                        record.getOffset(),
                        e.getMessage());
            }
            return;
        }
        SampledEvent flag = flagOf(scored, ctx.timestamp(), inputTopic);
        if (flag != null) {
            flags.inc();
            out.collect(flag);
        }
    }

    /**
     * The flag a scored record raises in the retraining windows of {@code inputTopic}, or null:
     * only a SCORED anomaly of an event of that topic is one (a scores topic shared by several
     * scoring jobs carries other topics' verdicts too). Its time is the record's (Kafka) timestamp
     * when known, else the event's.
     */
    static SampledEvent flagOf(ScoredEvent scored, Long recordTimestamp, String inputTopic) {
        if (scored == null
                || scored.getStatus() != ScoreStatus.SCORED
                || !Boolean.TRUE.equals(scored.getAnomaly())
                || !inputTopic.equals(scored.getSourceTopic())) {
            return null;
        }
        long eventTime =
                scored.getSourceTimestamp() >= 0
                        ? scored.getSourceTimestamp()
                        : recordTimestamp != null ? recordTimestamp : scored.getTs();
        return SampledEvent.flag(
                eventTime,
                scored.getSourceTopic(),
                scored.getSourcePartition(),
                scored.getSourceOffset());
    }
}
