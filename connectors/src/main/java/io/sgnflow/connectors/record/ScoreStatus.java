package io.sgnflow.connectors.record;

/** Whether a {@link ScoredEvent} carries a model score. */
public enum ScoreStatus {
    /** Scored by a model: the likelihood, threshold and anomaly flag are set. */
    SCORED,
    /** No model was available yet: the event passed through unscored. */
    WARMUP
}
