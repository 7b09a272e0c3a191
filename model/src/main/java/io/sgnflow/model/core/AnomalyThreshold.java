package io.sgnflow.model.core;

import java.util.Arrays;

/**
 * The anomaly decision of DESIGN §2.6: threshold τ, the α-quantile of validation log-likelihoods,
 * and a sorted sample of those log-likelihoods for empirical tail probabilities.
 *
 * <p>Immutable and thread-safe.
 */
public final class AnomalyThreshold {
    /** Largest number of validation scores kept in a model file. */
    public static final int MAX_SAMPLE = 5000;

    private final double alpha;
    private final double threshold;
    private final double[] sortedSample;

    public AnomalyThreshold(double alpha, double threshold, double[] sortedSample) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, was " + threshold);
        }
        if (sortedSample.length == 0) {
            throw new IllegalArgumentException("validation sample must not be empty");
        }
        for (int i = 0; i < sortedSample.length; i++) {
            if (!Double.isFinite(sortedSample[i])
                    || (i > 0 && sortedSample[i] < sortedSample[i - 1])) {
                throw new IllegalArgumentException(
                        "validation sample must be finite and sorted; entry "
                                + i
                                + " is "
                                + sortedSample[i]);
            }
        }
        this.alpha = alpha;
        this.threshold = threshold;
        this.sortedSample = sortedSample.clone();
    }

    /**
     * Calibrates on validation log-likelihoods: τ is their α-quantile (linear interpolation between
     * order statistics) and at most {@link #MAX_SAMPLE} evenly spaced order statistics are kept.
     */
    public static AnomalyThreshold calibrate(double alpha, double[] validationLogLikelihoods) {
        double[] sorted = validationLogLikelihoods.clone();
        Arrays.sort(sorted);
        double tau = quantile(sorted, alpha);
        double[] sample = sorted;
        if (sorted.length > MAX_SAMPLE) {
            sample = new double[MAX_SAMPLE];
            for (int i = 0; i < MAX_SAMPLE; i++) {
                sample[i] = sorted[(int) ((long) i * (sorted.length - 1) / (MAX_SAMPLE - 1))];
            }
        }
        return new AnomalyThreshold(alpha, tau, sample);
    }

    /** Quantile of sorted values with linear interpolation. */
    public static double quantile(double[] sorted, double level) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double pos = level * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    public double alpha() {
        return alpha;
    }

    /** τ: an event is anomalous when log p(x) &lt; τ. */
    public double threshold() {
        return threshold;
    }

    public boolean isAnomaly(double logLikelihood) {
        return logLikelihood < threshold;
    }

    /** Share of validation events whose log-likelihood is strictly lower than this one. */
    public double tailProbability(double logLikelihood) {
        int lo = 0;
        int hi = sortedSample.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedSample[mid] < logLikelihood) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) lo / sortedSample.length;
    }

    public double[] sortedSample() {
        return sortedSample.clone();
    }
}
