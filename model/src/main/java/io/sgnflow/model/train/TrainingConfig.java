package io.sgnflow.model.train;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.Standardizer;
import java.util.Arrays;

/**
 * Settings of one training run. Immutable; build with {@link #builder()}, which validates in {@link
 * Builder#build()} and names any bad value.
 */
public final class TrainingConfig {
    /** Default number of leapfrog steps K. */
    public static final int DEFAULT_STEPS = 8;

    /** Default hidden width of V and T. */
    public static final int DEFAULT_HIDDEN = 64;

    /**
     * Largest model, in parameters (160 MB of float64, four times that with Adam's state and the
     * gradient): far beyond what these density models need, and a clear error instead of running
     * out of memory after minutes of training.
     */
    public static final int MAX_PARAMETERS = 20_000_000;

    /**
     * @throws IllegalArgumentException when a model of {@code parameters} parameters is larger than
     *     {@link #MAX_PARAMETERS}
     */
    static void checkSize(long parameters, Object architecture) {
        if (parameters > MAX_PARAMETERS) {
            throw new IllegalArgumentException(
                    "the model would have "
                            + parameters
                            + " parameters ("
                            + architecture
                            + "); at most "
                            + MAX_PARAMETERS
                            + " are supported: use fewer or narrower hidden layers");
        }
    }

    /**
     * Largest |value| a training row may hold: the square of a larger one overflows a double, so no
     * mean or spread could be computed. Callers leave such rows out as they do rows with non-finite
     * values (they still score, as the lowest finite log-likelihood).
     */
    public static final double MAX_TRAINING_VALUE = Standardizer.MAX_MAGNITUDE;

    /** Whether every value of a row is finite and within {@link #MAX_TRAINING_VALUE}. */
    public static boolean trainable(double[] row) {
        for (double v : row) {
            if (!(Math.abs(v) <= MAX_TRAINING_VALUE)) {
                return false;
            }
        }
        return true;
    }

    /** Default anomaly quantile α. */
    public static final double DEFAULT_ALPHA = 0.01;

    private final int[] hiddenWidths;
    private final Activation activation;
    private final int steps;
    private final double outputNormBound;
    private final double spectralBound;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final double terminalLearningRateScale;
    private final double validationFraction;
    private final int patience;
    private final double gradientClipNorm;
    private final long seed;
    private final double alpha;
    private final int threads;
    private final double maxSeconds;
    private final boolean dropDuplicates;
    private final double correlationJitter;
    private final boolean gaussianStart;

    private TrainingConfig(Builder b) {
        this.hiddenWidths = b.hiddenWidths.clone();
        this.activation = b.activation;
        this.steps = b.steps;
        this.outputNormBound = b.outputNormBound;
        this.spectralBound = b.spectralBound;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.terminalLearningRateScale = b.terminalLearningRateScale;
        this.validationFraction = b.validationFraction;
        this.patience = b.patience;
        this.gradientClipNorm = b.gradientClipNorm;
        this.seed = b.seed;
        this.alpha = b.alpha;
        this.threads = b.threads;
        this.maxSeconds = b.maxSeconds;
        this.dropDuplicates = b.dropDuplicates;
        this.correlationJitter = b.correlationJitter;
        this.gaussianStart = b.gaussianStart;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hiddenWidths = hiddenWidths.clone();
        b.activation = activation;
        b.steps = steps;
        b.outputNormBound = outputNormBound;
        b.spectralBound = spectralBound;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.terminalLearningRateScale = terminalLearningRateScale;
        b.validationFraction = validationFraction;
        b.patience = patience;
        b.gradientClipNorm = gradientClipNorm;
        b.seed = seed;
        b.alpha = alpha;
        b.threads = threads;
        b.maxSeconds = maxSeconds;
        b.dropDuplicates = dropDuplicates;
        b.correlationJitter = correlationJitter;
        b.gaussianStart = gaussianStart;
        return b;
    }

    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    public Activation activation() {
        return activation;
    }

    public int steps() {
        return steps;
    }

    public double outputNormBound() {
        return outputNormBound;
    }

    public double spectralBound() {
        return spectralBound;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    public double terminalLearningRateScale() {
        return terminalLearningRateScale;
    }

    public double validationFraction() {
        return validationFraction;
    }

    public int patience() {
        return patience;
    }

    public double gradientClipNorm() {
        return gradientClipNorm;
    }

    public long seed() {
        return seed;
    }

    public double alpha() {
        return alpha;
    }

    public int threads() {
        return threads;
    }

    public double maxSeconds() {
        return maxSeconds;
    }

    public boolean dropDuplicates() {
        return dropDuplicates;
    }

    public double correlationJitter() {
        return correlationJitter;
    }

    /**
     * Whether a new SGN-Flow's terminal map starts at the best Gaussian of the training data (the
     * Cholesky factor of its correlation matrix); otherwise at the identity, so that training has
     * to learn the correlations too.
     */
    public boolean gaussianStart() {
        return gaussianStart;
    }

    @Override
    public String toString() {
        return "TrainingConfig{hidden="
                + Arrays.toString(hiddenWidths)
                + ", activation="
                + activation.id()
                + ", steps="
                + steps
                + ", outputNormBound="
                + outputNormBound
                + ", spectralBound="
                + spectralBound
                + ", epochs="
                + epochs
                + ", batchSize="
                + batchSize
                + ", learningRate="
                + learningRate
                + ", terminalLearningRateScale="
                + terminalLearningRateScale
                + ", validationFraction="
                + validationFraction
                + ", patience="
                + patience
                + ", clip="
                + gradientClipNorm
                + ", seed="
                + seed
                + ", alpha="
                + alpha
                + ", threads="
                + threads
                + ", maxSeconds="
                + maxSeconds
                + ", dropDuplicates="
                + dropDuplicates
                + "}";
    }

    /** Fluent builder; every setter returns {@code this}. */
    public static final class Builder {
        private int[] hiddenWidths = {DEFAULT_HIDDEN};
        private Activation activation = Activation.TANH;
        private int steps = DEFAULT_STEPS;
        private double outputNormBound = 2.0;
        private double spectralBound = 2.0;
        private int epochs = 60;
        private int batchSize = 256;
        private double learningRate = 5e-3;
        private double terminalLearningRateScale = 0.1;
        private double validationFraction = 0.1;
        private int patience = 8;
        private double gradientClipNorm = 10.0;
        private long seed = 42L;
        private double alpha = DEFAULT_ALPHA;
        private int threads = 1;
        private double maxSeconds = Double.POSITIVE_INFINITY;
        private boolean dropDuplicates = true;
        private double correlationJitter = 1e-3;
        private boolean gaussianStart = true;

        private Builder() {}

        /** Hidden layer widths of V and T, e.g. {64} or {64, 64}. */
        public Builder hiddenWidths(int... widths) {
            this.hiddenWidths = widths.clone();
            return this;
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** Leapfrog steps K. */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Norm bound β of each network's output weights; sets the stable step size. */
        public Builder outputNormBound(double bound) {
            this.outputNormBound = bound;
            return this;
        }

        /**
         * Bound ρ on the spectral norm of each hidden weight matrix: larger values let the networks
         * resolve finer structure (about 1/ρ standard units) at the price of smaller stable step
         * sizes.
         */
        public Builder spectralBound(double bound) {
            this.spectralBound = bound;
            return this;
        }

        /** Largest number of passes over the training rows. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Adam step size. */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Factor on the learning rate of the terminal map (L, U, s, b). The map starts at the best
         * Gaussian, where its gradients are tiny; Adam's normalised steps would still move every
         * entry by about the full rate and knock the near-singular directions of correlated or
         * discrete data off their optimum (seen on shuttle: the training likelihood fell epoch
         * after epoch at factor 1).
         */
        public Builder terminalLearningRateScale(double scale) {
            this.terminalLearningRateScale = scale;
            return this;
        }

        /** Share of rows held out for early stopping and the threshold, in (0, 0.5]. */
        public Builder validationFraction(double fraction) {
            this.validationFraction = fraction;
            return this;
        }

        /** Epochs without a better validation likelihood before stopping. */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /** Global gradient norm above which gradients are scaled down. */
        public Builder gradientClipNorm(double norm) {
            this.gradientClipNorm = norm;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Anomaly quantile α of validation log-likelihoods, in (0, 1). */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Threads computing each minibatch gradient; results do not depend on it. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Wall-clock budget; training stops after the epoch that exceeds it. */
        public Builder maxSeconds(double seconds) {
            this.maxSeconds = seconds;
            return this;
        }

        /** Drop exact duplicate rows before splitting (point masses break a density fit). */
        public Builder dropDuplicates(boolean drop) {
            this.dropDuplicates = drop;
            return this;
        }

        /** Ridge added to the correlation matrix used to initialise the terminal map. */
        public Builder correlationJitter(double jitter) {
            this.correlationJitter = jitter;
            return this;
        }

        /** See {@link TrainingConfig#gaussianStart()}; default true. */
        public Builder gaussianStart(boolean start) {
            this.gaussianStart = start;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first invalid setting and its value
         */
        public TrainingConfig build() {
            check(hiddenWidths.length > 0, "hidden widths", Arrays.toString(hiddenWidths));
            for (int w : hiddenWidths) {
                check(w > 0 && w <= 4096, "hidden width (1..4096)", String.valueOf(w));
            }
            check(
                    hiddenWidths.length <= 16,
                    "hidden layers (1..16)",
                    String.valueOf(hiddenWidths.length));
            check(activation != null, "activation", "null");
            check(steps >= 1 && steps <= 1024, "steps (1..1024)", String.valueOf(steps));
            check(
                    outputNormBound > 0 && Double.isFinite(outputNormBound),
                    "output norm bound",
                    String.valueOf(outputNormBound));
            check(
                    spectralBound > 0 && Double.isFinite(spectralBound),
                    "spectral bound",
                    String.valueOf(spectralBound));
            check(epochs >= 1, "epochs", String.valueOf(epochs));
            check(batchSize >= 1, "batch size", String.valueOf(batchSize));
            // Adam moves each weight by about the learning rate per step: beyond 1 a step jumps
            // across the whole stable region of the networks.
            check(
                    learningRate > 0 && learningRate <= 1,
                    "learning rate (0 < rate <= 1)",
                    String.valueOf(learningRate));
            check(
                    terminalLearningRateScale >= 0 && Double.isFinite(terminalLearningRateScale),
                    "terminal learning rate scale",
                    String.valueOf(terminalLearningRateScale));
            check(
                    validationFraction > 0 && validationFraction <= 0.5,
                    "validation fraction (0, 0.5]",
                    String.valueOf(validationFraction));
            check(patience >= 1, "patience", String.valueOf(patience));
            check(gradientClipNorm > 0, "gradient clip norm", String.valueOf(gradientClipNorm));
            check(alpha > 0 && alpha < 1, "alpha (0, 1)", String.valueOf(alpha));
            check(threads >= 1 && threads <= 64, "threads (1..64)", String.valueOf(threads));
            check(maxSeconds > 0, "max seconds", String.valueOf(maxSeconds));
            check(
                    correlationJitter >= 0 && correlationJitter < 1,
                    "correlation jitter [0, 1)",
                    String.valueOf(correlationJitter));
            return new TrainingConfig(this);
        }

        private static void check(boolean ok, String what, String value) {
            if (!ok) {
                throw new IllegalArgumentException("invalid " + what + ": " + value);
            }
        }
    }
}
