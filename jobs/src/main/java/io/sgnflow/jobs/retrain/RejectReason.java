package io.sgnflow.jobs.retrain;

/** Why a window produced no new model version; each has a counter {@link #metricName()}. */
public enum RejectReason {
    /** Fewer usable events than the minimum (after dropping unresolvable and flagged ones). */
    TOO_FEW_EVENTS("rejectedTooFewEvents"),
    /** The trainer refused the data (e.g. non-finite or too few distinct rows) or failed. */
    TRAINING_FAILED("rejectedTrainingFailed"),
    /** The candidate is not finite on every held-out event. */
    NON_FINITE("rejectedNonFinite"),
    /** The candidate is worse than the current model by more than the tolerance. */
    WORSE("rejectedWorse"),
    /** The model store could not be written; nothing was published. */
    STORE_FAILED("rejectedStoreFailed"),
    /**
     * The model file is larger than the model-updates topic takes; publishing it would fail the job
     * over and over.
     */
    TOO_LARGE("rejectedTooLarge");

    private final String metricName;

    RejectReason(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
