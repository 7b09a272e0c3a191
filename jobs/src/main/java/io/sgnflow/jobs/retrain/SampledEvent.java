package io.sgnflow.jobs.retrain;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the retraining job keeps of an event: its event time (the Kafka record timestamp, the same
 * time the windows use) and its features, without the raw text, so that window state stays small.
 *
 * <p>A Flink POJO. Arrays are stored without copying.
 */
public final class SampledEvent {
    private long timestamp;
    private String[] featureNames;
    private double[] values;

    /** For Flink's POJO serializer. */
    public SampledEvent() {}

    /**
     * @param featureNames names of {@code values} in event order, or null for positional features
     */
    public SampledEvent(long timestamp, String[] featureNames, double[] values) {
        this.timestamp = timestamp;
        this.featureNames = featureNames;
        this.values = values;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    public String[] getFeatureNames() {
        return featureNames;
    }

    public void setFeatureNames(String[] featureNames) {
        this.featureNames = featureNames;
    }

    public double[] getValues() {
        return values;
    }

    public void setValues(double[] values) {
        this.values = values;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SampledEvent other)) {
            return false;
        }
        return timestamp == other.timestamp
                && Arrays.equals(featureNames, other.featureNames)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, Arrays.hashCode(featureNames), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "SampledEvent{ts=" + timestamp + ", values=" + Arrays.toString(values) + "}";
    }
}
