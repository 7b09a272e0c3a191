package io.sgnflow.model;

import java.util.Locale;

/**
 * What a model's score of an event is. Every score is in nats of the event in its original units,
 * higher meaning more typical, and the anomaly threshold of a model is in the same kind.
 */
public enum ScoreKind {
    /** SGN-Flow: the exact log p(x). */
    EXACT_LOG_LIKELIHOOD,
    /** SGN-VAE: the evidence lower bound, a lower bound on log p(x). */
    ELBO,
    /**
     * SGN-VAE: the importance-weighted bound log (1/k) Σ_j p(x, z_j)/q(z_j|x), a tighter lower
     * bound on log p(x) that approaches it as k grows.
     */
    IW_LOG_LIKELIHOOD;

    /** Lower-case name used in records, model files and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an id such as {@code elbo}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ScoreKind parse(String id) {
        String upper = id.trim().toUpperCase(Locale.ROOT);
        for (ScoreKind kind : values()) {
            if (kind.name().equals(upper)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "score kind '"
                        + id
                        + "' is not known; use exact_log_likelihood, elbo or iw_log_likelihood");
    }
}
