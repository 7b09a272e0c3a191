package io.sgnflow.model.core;

import java.util.List;

/**
 * Fixed per-feature affine standardisation y = (x − μ)/σ, the first, untrained part of the terminal
 * map's inverse. Its log-determinant −Σ log σ_i is part of every exact log-likelihood.
 *
 * <p>A feature that is constant in the training data has no scale; it gets the floor scale {@link
 * #CONSTANT_SCALE_FLOOR} (relative to its magnitude). Scoring its training value costs nothing; any
 * other value lands millions of standard units away and gets a finite, very low log-likelihood,
 * never a division by zero.
 *
 * <p>Immutable and thread-safe.
 */
public final class Standardizer {
    /** Scale given to a feature that never varied in training, relative to max(1, |μ|). */
    public static final double CONSTANT_SCALE_FLOOR = 1e-6;

    /**
     * Largest |mean| and scale: those of data whose values stay within 1e150, the most training
     * takes ({@code TrainingConfig.MAX_TRAINING_VALUE}). Beyond it sampling and the
     * finite-difference checks overflow.
     */
    public static final double MAX_MAGNITUDE = 1e150;

    private final double[] mean;
    private final double[] scale;
    private final boolean[] constant;

    public Standardizer(double[] mean, double[] scale, boolean[] constant) {
        if (mean.length != scale.length || mean.length != constant.length) {
            throw new IllegalArgumentException(
                    "standardizer arrays differ in length: mean "
                            + mean.length
                            + ", scale "
                            + scale.length
                            + ", constant "
                            + constant.length);
        }
        for (int i = 0; i < scale.length; i++) {
            if (!(scale[i] > 0 && scale[i] <= MAX_MAGNITUDE)
                    || !(Math.abs(mean[i]) <= MAX_MAGNITUDE)) {
                throw new IllegalArgumentException(
                        "feature "
                                + i
                                + " has mean "
                                + mean[i]
                                + " and scale "
                                + scale[i]
                                + "; both must be within "
                                + MAX_MAGNITUDE
                                + " in magnitude and the scale positive");
            }
        }
        this.mean = mean.clone();
        this.scale = scale.clone();
        this.constant = constant.clone();
    }

    /** Fits mean and standard deviation per column of {@code rows} ([rows, features]). */
    public static Standardizer fit(double[][] rows) {
        return fit(rows, null);
    }

    /**
     * As {@link #fit(double[][])}; {@code featureNames} (may be null) only make the error for a
     * column whose spread overflows double precision name the feature.
     */
    public static Standardizer fit(double[][] rows, List<String> featureNames) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot standardise an empty data set");
        }
        int d = rows[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        boolean[] constant = new boolean[d];
        for (int j = 0; j < d; j++) {
            double first = rows[0][j];
            boolean same = true;
            double sum = 0;
            for (double[] row : rows) {
                sum += row[j];
                same &= row[j] == first;
            }
            double mu = sum / rows.length;
            double ss = 0;
            for (double[] row : rows) {
                double dev = row[j] - mu;
                ss += dev * dev;
            }
            double sd = Math.sqrt(ss / rows.length);
            if (!Double.isFinite(mu) || !Double.isFinite(sd)) {
                throw new IllegalArgumentException(
                        "feature "
                                + (featureNames == null ? j : "'" + featureNames.get(j) + "'")
                                + " spans values too large to standardise (largest |value| "
                                + largestMagnitude(rows, j)
                                + "; its mean or standard deviation overflows a double);"
                                + " rescale the feature, e.g. to logarithms or smaller units");
            }
            double floor = CONSTANT_SCALE_FLOOR * Math.max(1.0, Math.abs(mu));
            mean[j] = same ? first : mu;
            constant[j] = same;
            scale[j] = same ? floor : Math.max(sd, floor);
        }
        return new Standardizer(mean, scale, constant);
    }

    private static double largestMagnitude(double[][] rows, int column) {
        double largest = 0;
        for (double[] row : rows) {
            largest = Math.max(largest, Math.abs(row[column]));
        }
        return largest;
    }

    public int dim() {
        return mean.length;
    }

    public void apply(double[] x, double[] y) {
        for (int i = 0; i < mean.length; i++) {
            y[i] = (x[i] - mean[i]) / scale[i];
        }
    }

    public void invert(double[] y, double[] x) {
        for (int i = 0; i < mean.length; i++) {
            x[i] = y[i] * scale[i] + mean[i];
        }
    }

    /** log|det ∂y/∂x| = −Σ log σ_i. */
    public double logDet() {
        double sum = 0;
        for (double s : scale) {
            sum -= Math.log(s);
        }
        return sum;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] scale() {
        return scale.clone();
    }

    public boolean[] constant() {
        return constant.clone();
    }

    public boolean isConstant(int feature) {
        return constant[feature];
    }

    public int constantCount() {
        int count = 0;
        for (boolean b : constant) {
            if (b) {
                count++;
            }
        }
        return count;
    }
}
