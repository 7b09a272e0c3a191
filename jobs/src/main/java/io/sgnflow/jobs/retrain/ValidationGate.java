package io.sgnflow.jobs.retrain;

/**
 * The validation gate of DESIGN §3: a candidate replaces the current model only when its mean
 * log-likelihood on held-out newest events is finite on every event and not worse than the current
 * model's by more than a tolerance, in nats per dimension. Stateless; no I/O.
 */
public final class ValidationGate {
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
        double sum = 0;
        for (double v : candidate) {
            if (!Double.isFinite(v)) {
                nonFinite++;
            } else {
                sum += v;
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
        double candidatePerDim = sum / candidate.length / dim;
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

    /** Mean per dimension; a non-finite value counts as −∞ (the current model failed there). */
    static double meanPerDim(double[] values, int dim) {
        double sum = 0;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return Double.NEGATIVE_INFINITY;
            }
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length / dim;
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
