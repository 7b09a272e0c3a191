package io.sgnflow.jobs.retrain;

import java.util.Arrays;

/**
 * The validation gate of DESIGN §3: a candidate replaces the current model only when its
 * log-likelihood on held-out newest events is finite on every event and its trimmed mean is not
 * worse than the current model's by more than a tolerance, in nats per dimension.
 *
 * <p>Trimmed: each model's lowest {@value #TRIM_FRACTION} of held-out scores are left out of its
 * mean. One event far out scores around −1e300 under any model and would otherwise decide the
 * comparison alone (both means equal to the last digit, whatever the models), and a few anomalies
 * among the held-out events should not either. Stateless; no I/O.
 */
public final class ValidationGate {
    /** Share of each model's lowest held-out scores left out of its mean. */
    public static final double TRIM_FRACTION = 0.05;

    private ValidationGate() {}

    /**
     * Decides on a candidate.
     *
     * @param candidate log-likelihoods of the held-out events under the candidate
     * @param current the same under the current model, or null on a cold start (no current model:
     *     only finiteness is checked)
     * @param dim number of features, to report nats per dimension
     * @param tolerance largest allowed loss in nats per dimension, >= 0
     */
    public static Decision evaluate(
            double[] candidate, double[] current, int dim, double tolerance) {
        if (candidate.length == 0) {
            return new Decision(
                    RejectReason.TOO_FEW_EVENTS, "no held-out events", Double.NaN, Double.NaN);
        }
        int nonFinite = 0;
        for (double v : candidate) {
            if (!Double.isFinite(v)) {
                nonFinite++;
            }
        }
        double currentPerDim = current == null ? Double.NaN : meanPerDim(current, dim);
        if (nonFinite > 0) {
            return new Decision(
                    RejectReason.NON_FINITE,
                    "candidate log-likelihood is not finite on "
                            + nonFinite
                            + " of "
                            + candidate.length
                            + " held-out events",
                    Double.NaN,
                    currentPerDim);
        }
        double candidatePerDim = meanPerDim(candidate, dim);
        if (current != null && candidatePerDim < currentPerDim - tolerance) {
            return new Decision(
                    RejectReason.WORSE,
                    String.format(
                            java.util.Locale.ROOT,
                            "candidate %.4f nats/dim is worse than the current model's %.4f by"
                                    + " more than the tolerance %.4f",
                            candidatePerDim,
                            currentPerDim,
                            tolerance),
                    candidatePerDim,
                    currentPerDim);
        }
        return new Decision(null, "accepted", candidatePerDim, currentPerDim);
    }

    /**
     * Trimmed mean per dimension: the lowest {@link #TRIM_FRACTION} of the values left out (none of
     * fewer than 1 / TRIM_FRACTION values). A non-finite value counts as −∞ (the model failed
     * there) and makes the mean −∞.
     */
    static double meanPerDim(double[] values, int dim) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        for (double v : sorted) {
            if (!Double.isFinite(v)) {
                return Double.NEGATIVE_INFINITY;
            }
        }
        Arrays.sort(sorted);
        int from = (int) Math.floor(sorted.length * TRIM_FRACTION);
        double sum = 0;
        for (int i = from; i < sorted.length; i++) {
            sum += sorted[i];
        }
        return sum / (sorted.length - from) / dim;
    }

    /**
     * The gate's verdict with both figures (nats per dimension; the current one is NaN on a cold
     * start).
     */
    public record Decision(
            RejectReason reason, String message, double candidatePerDim, double currentPerDim) {
        public boolean accepted() {
            return reason == null;
        }
    }
}
