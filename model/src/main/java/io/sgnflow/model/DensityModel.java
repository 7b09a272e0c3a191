package io.sgnflow.model;

import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.Standardizer;
import java.util.List;
import java.util.Random;

/**
 * A trained density model of D named features that scores events in nats: {@link SgnFlowModel}
 * (exact log-likelihood) or {@link io.sgnflow.model.vae.SgnVaeModel} (ELBO or importance-weighted
 * bound). What the score is, is {@link #scoreKind()}; the threshold is calibrated in the same kind.
 *
 * <p>Implementations are immutable and thread-safe; scoring state lives in a {@link DensityScorer},
 * one per thread.
 */
public interface DensityModel {
    /** Model type as written in model files, e.g. {@code sgn-flow}. */
    String modelType();

    ScoreKind scoreKind();

    long version();

    String createdAt();

    int dim();

    List<String> featureNames();

    /** The fixed per-feature standardisation fitted on the first training data. */
    Standardizer standardizer();

    AnomalyThreshold threshold();

    /** How the model was trained; null for a model built by hand. */
    TrainingSummary training();

    /** A scorer with its own buffers; not thread-safe. */
    DensityScorer newScorer();

    /** Score of one event; allocates scratch, so prefer a {@link DensityScorer} in loops. */
    default double score(double[] x) {
        return newScorer().score(x);
    }

    /** Same model under another version number (the retraining job numbers what it publishes). */
    DensityModel withVersion(long newVersion);

    /** Same parameters with a recalibrated threshold. */
    DensityModel withThreshold(AnomalyThreshold newThreshold);

    /** Draws {@code n} events ([n, features]) from the model's generative direction. */
    double[][] sample(int n, Random random);

    /**
     * Checks that {@code x} can be scored: length D and every value finite.
     *
     * @throws IllegalArgumentException naming the feature otherwise
     */
    default void checkEvent(double[] x) {
        int d = dim();
        if (x.length != d) {
            throw new IllegalArgumentException(
                    "event has " + x.length + " features, model expects " + d);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException(
                        "feature '"
                                + featureNames().get(i)
                                + "' is "
                                + x[i]
                                + "; it must be finite");
            }
        }
    }
}
