package io.sgnflow.jobs.retrain;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the retraining job keeps of an event: its event time (the Kafka record timestamp, the same
 * time the windows use), its features and its Kafka coordinates, without the raw text, so that
 * window state stays small. With a scores topic configured, the same type also carries a flag: the
 * coordinates of an event that the scoring job marked as an anomaly, with no features.
 *
 * <p>A Flink POJO. Arrays are stored without copying.
 */
public final class SampledEvent {
    private long timestamp;
    private String[] featureNames;
    private double[] values;
    private String topic;
    private int partition = -1;
    private long offset = -1;
    private boolean flag;

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

    /** An event with its Kafka coordinates. */
    public static SampledEvent of(
            long timestamp,
            String[] featureNames,
            double[] values,
            String topic,
            int partition,
            long offset) {
        SampledEvent e = new SampledEvent(timestamp, featureNames, values);
        e.topic = topic;
        e.partition = partition;
        e.offset = offset;
        return e;
    }

    /** The scoring job's verdict "anomaly" on the event at these coordinates. */
    public static SampledEvent flag(long timestamp, String topic, int partition, long offset) {
        SampledEvent e = of(timestamp, null, null, topic, partition, offset);
        e.flag = true;
        return e;
    }

    /** "topic/partition/offset", or null when the coordinates are unknown. */
    public String coordinate() {
        return topic == null || partition < 0 || offset < 0
                ? null
                : topic + "/" + partition + "/" + offset;
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

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public int getPartition() {
        return partition;
    }

    public void setPartition(int partition) {
        this.partition = partition;
    }

    public long getOffset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }

    /** True for a flag from the scores topic rather than an event. */
    public boolean isFlag() {
        return flag;
    }

    public void setFlag(boolean flag) {
        this.flag = flag;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SampledEvent other)) {
            return false;
        }
        return timestamp == other.timestamp
                && Arrays.equals(featureNames, other.featureNames)
                && Arrays.equals(values, other.values)
                && Objects.equals(topic, other.topic)
                && partition == other.partition
                && offset == other.offset
                && flag == other.flag;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                timestamp,
                Arrays.hashCode(featureNames),
                Arrays.hashCode(values),
                topic,
                partition,
                offset,
                flag);
    }

    @Override
    public String toString() {
        return "SampledEvent{ts="
                + timestamp
                + (flag ? ", flag " : ", at ")
                + coordinate()
                + ", values="
                + Arrays.toString(values)
                + "}";
    }
}
