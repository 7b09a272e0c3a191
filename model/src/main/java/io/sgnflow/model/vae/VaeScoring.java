package io.sgnflow.model.vae;

import io.sgnflow.model.ScoreKind;

/**
 * How an SGN-VAE model scores an event: the kind of bound and the k noise draws ε_1..ε_k it
 * averages over. The draws come from {@code noiseSeed} and are the same for every event, so an
 * event's score is a fixed function of its features (an exactly-once replay reproduces it to the
 * bit) and differences between events are not blurred by sampling noise.
 *
 * @param kind {@link ScoreKind#ELBO} or {@link ScoreKind#IW_LOG_LIKELIHOOD}
 * @param samples k, in [1, {@value #MAX_SAMPLES}]
 * @param noiseSeed seed of the noise draws
 */
public record VaeScoring(ScoreKind kind, int samples, long noiseSeed) {
    /** Largest number of noise draws per event. */
    public static final int MAX_SAMPLES = 4096;

    /** Default kind: the importance-weighted bound, the closer one to log p(x). */
    public static final ScoreKind DEFAULT_KIND = ScoreKind.IW_LOG_LIKELIHOOD;

    /** Default k. */
    public static final int DEFAULT_SAMPLES = 16;

    /**
     * @throws IllegalArgumentException for a kind other than ELBO or IW, or k out of range
     */
    public VaeScoring {
        if (kind != ScoreKind.ELBO && kind != ScoreKind.IW_LOG_LIKELIHOOD) {
            throw new IllegalArgumentException(
                    "an SGN-VAE scores by elbo or iw_log_likelihood, not "
                            + (kind == null ? "null" : kind.id()));
        }
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new IllegalArgumentException(
                    "VAE scoring samples must be in [1, " + MAX_SAMPLES + "], was " + samples);
        }
    }
}
