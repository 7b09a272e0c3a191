package io.sgnflow.connectors.serde;

import io.sgnflow.connectors.record.DeadLetterRecord;
import java.util.Objects;

/**
 * The outcome of {@link FeatureResolver#resolve}: a feature vector in model order or a {@link
 * DeadLetterRecord}, never both. Not serializable: consume it in the operator that resolved.
 */
public final class Resolution {
    private final double[] values;
    private final DeadLetterRecord deadLetter;

    private Resolution(double[] values, DeadLetterRecord deadLetter) {
        this.values = values;
        this.deadLetter = deadLetter;
    }

    /**
     * Wraps a resolved feature vector.
     *
     * @param values feature values in model order, {@code [features]}; not copied
     * @return a successful resolution
     * @throws NullPointerException if {@code values} is null
     */
    public static Resolution ok(double[] values) {
        return new Resolution(Objects.requireNonNull(values, "values"), null);
    }

    /**
     * Wraps a rejected event.
     *
     * @param deadLetter the dead letter
     * @return a failed resolution
     * @throws NullPointerException if {@code deadLetter} is null
     */
    public static Resolution failed(DeadLetterRecord deadLetter) {
        return new Resolution(null, Objects.requireNonNull(deadLetter, "deadLetter"));
    }

    /**
     * Tells whether resolution succeeded.
     *
     * @return true when {@link #values()} is available, false when {@link #deadLetter()} is
     */
    public boolean isOk() {
        return values != null;
    }

    /**
     * Returns the feature vector in model order. The array is freshly allocated for this
     * resolution; the caller may keep or modify it.
     *
     * @return values, {@code [features]}
     * @throws IllegalStateException if resolution failed
     */
    public double[] values() {
        if (values == null) {
            throw new IllegalStateException(
                    "resolution failed (" + deadLetter.getReason() + "); there are no values");
        }
        return values;
    }

    /**
     * Returns the dead letter.
     *
     * @return the dead letter
     * @throws IllegalStateException if resolution succeeded
     */
    public DeadLetterRecord deadLetter() {
        if (deadLetter == null) {
            throw new IllegalStateException("resolution succeeded; there is no dead letter");
        }
        return deadLetter;
    }
}
