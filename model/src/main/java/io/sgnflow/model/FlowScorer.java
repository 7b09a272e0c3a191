package io.sgnflow.model;

import io.sgnflow.model.core.PhaseState;

/**
 * Scores events with one {@link SgnFlowModel} on preallocated buffers: standardise, invert the
 * terminal map, run the leapfrog steps backwards, add the log-determinants (DESIGN §2.3).
 *
 * <p>Not thread-safe: create one per thread (or per Flink subtask). Creating one is cheap.
 */
public final class FlowScorer implements DensityScorer {
    private final SgnFlowModel model;
    private final double[] standardized;
    private final double[] scratch;
    private final double[] z;
    private final PhaseState state;
    private BatchFlowScorer batch;

    FlowScorer(SgnFlowModel model) {
        this.model = model;
        int d = model.dim();
        standardized = new double[d];
        scratch = new double[d];
        z = new double[d];
        state = new PhaseState(model.architecture());
    }

    @Override
    public SgnFlowModel model() {
        return model;
    }

    /**
     * Exact log p(x) in nats.
     *
     * @param x feature vector in the model's feature order, length D
     * @throws IllegalArgumentException if the length is wrong or a value is NaN or infinite
     */
    public double logLikelihood(double[] x) {
        model.checkEvent(x);
        return model.logLikelihoodUnchecked(x, standardized, scratch, z, state);
    }

    /**
     * Scores a batch ([events, features]) into {@code out} with the batched kernel ({@link
     * BatchFlowScorer}); each value equals {@link #logLikelihood} of that row alone to about 1e-14
     * relative.
     *
     * @throws IllegalArgumentException if a row has the wrong length or a non-finite value (nothing
     *     is written then)
     */
    public void logLikelihoods(double[][] batch, double[] out) {
        logLikelihoods(batch, batch.length, out);
    }

    /** Scores the first {@code count} rows of {@code batch}; see {@link #logLikelihoods}. */
    public void logLikelihoods(double[][] rows, int count, double[] out) {
        if (batch == null) {
            batch = new BatchFlowScorer(model);
        }
        batch.logLikelihoods(rows, count, out);
    }

    /** The exact log-likelihood; see {@link #logLikelihood}. */
    @Override
    public double score(double[] x) {
        return logLikelihood(x);
    }

    /** Exact log-likelihoods with the batched kernel; see {@link #logLikelihoods}. */
    @Override
    public void scores(double[][] rows, int count, double[] out) {
        logLikelihoods(rows, count, out);
    }

    /** The batched kernel {@link #logLikelihoods} uses; see {@link BatchFlowScorer#kernel()}. */
    @Override
    public String kernel() {
        if (batch == null) {
            batch = new BatchFlowScorer(model);
        }
        return batch.kernel();
    }

    /** z0 = Φ⁻¹(g⁻¹(x)), the latent point of x. */
    public double[] encode(double[] x) {
        model.checkEvent(x);
        double[] z0 = new double[model.dim()];
        model.encodeUnchecked(x, standardized, scratch, z0, state);
        return z0;
    }
}
