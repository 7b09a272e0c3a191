package io.sgnflow.connectors.kafka;

import io.sgnflow.connectors.record.ScoreStatus;
import io.sgnflow.connectors.record.ScoredEvent;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Routing of anomalous scores to the anomalies topic, in the same JSON format as the scores topic.
 *
 * <p>Either filter first and write with {@link #schema(String)}:
 *
 * <pre>{@code
 * scores.filter(AnomalyRouting.filter()).sinkTo(KafkaSinks.build(..., AnomalyRouting.schema("anomalies"), ...));
 * }</pre>
 *
 * <p>or sink the unfiltered stream with {@link #schema(String)}, which drops non-anomalous events
 * itself (the Kafka sink skips records serialized to null). Stateless and thread-safe.
 */
public final class AnomalyRouting {
    private AnomalyRouting() {}

    /**
     * Tells whether a score goes to the anomalies topic.
     *
     * @param event a score
     * @return true when the event was {@link ScoreStatus#SCORED} and flagged anomalous; false for
     *     warm-up events and null
     */
    public static boolean isAnomaly(ScoredEvent event) {
        return event != null
                && event.getStatus() == ScoreStatus.SCORED
                && Boolean.TRUE.equals(event.getAnomaly());
    }

    /**
     * Returns a filter keeping only anomalies (see {@link #isAnomaly(ScoredEvent)}).
     *
     * @return a serializable, stateless filter
     */
    public static FilterFunction<ScoredEvent> filter() {
        return AnomalyRouting::isAnomaly;
    }

    /**
     * Returns the serialization schema of the anomalies topic: the scores-topic format, keyed by
     * the event key, dropping events that are not anomalies.
     *
     * @param anomaliesTopic the anomalies topic
     * @return the schema
     * @throws IllegalArgumentException if {@code anomaliesTopic} is null or blank
     */
    public static ScoredEventSerializationSchema schema(String anomaliesTopic) {
        return new ScoredEventSerializationSchema(anomaliesTopic, true);
    }
}
