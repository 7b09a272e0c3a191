package io.sgnflow.model.vae;

import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.VectorSupport;
import java.util.Random;

/**
 * Scores events with one {@link SgnVaeModel} on preallocated buffers: standardise, encode, then for
 * each of the model's k fixed noise draws move z0 through Φ and decode, and combine the k log
 * weights into the ELBO (their mean) or the importance-weighted bound (log of their mean
 * exponential). The draws are the same for every event, so the score of an event does not depend on
 * what else is scored, in what order, or how often.
 *
 * <p>Not thread-safe: create one per thread (or per Flink subtask). Creating one draws the k·L
 * noise values once.
 */
public final class VaeScorer implements DensityScorer {
    /**
     * Returned when a log weight overflows (an event ~1e154 standard units out), as in SGN-Flow.
     */
    public static final double LOWEST_SCORE = -Double.MAX_VALUE;

    private final SgnVaeModel model;
    private final double[] params;
    private final VaeEvaluator evaluator;
    private final double[][] noise;
    private final double[] weights;
    private final double[] standardized;
    private final double constant;
    private final boolean importanceWeighted;

    /** The Vector API kernel of the log weights, or null for the scalar evaluator. */
    private final VaeWeightKernel vector;

    VaeScorer(SgnVaeModel model) {
        this(model, true);
    }

    /**
     * @param allowVector use the Vector API kernel when the JVM has it
     */
    VaeScorer(SgnVaeModel model, boolean allowVector) {
        this.model = model;
        this.params = model.parametersUnsafe();
        this.evaluator = new VaeEvaluator(model.architecture());
        VaeScoring scoring = model.scoring();
        this.noise = noiseTable(scoring, model.architecture().latentDim());
        this.weights = new double[scoring.samples()];
        this.standardized = new double[model.dim()];
        this.constant = model.standardizer().logDet();
        this.importanceWeighted = scoring.kind() == ScoreKind.IW_LOG_LIKELIHOOD;
        this.vector = allowVector ? VectorSupport.vaeKernel(model, noise) : null;
    }

    /** "vector (…)" when the Vector API kernel computes the weights, else "scalar". */
    @Override
    public String kernel() {
        return vector == null ? "scalar" : vector.name();
    }

    /** The k noise draws of a scoring rule, [k, L]. */
    static double[][] noiseTable(VaeScoring scoring, int latentDim) {
        Random random = new Random(scoring.noiseSeed());
        double[][] table = new double[scoring.samples()][latentDim];
        for (double[] row : table) {
            for (int j = 0; j < latentDim; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return table;
    }

    @Override
    public SgnVaeModel model() {
        return model;
    }

    /** The model's score of {@code x}: ELBO or importance-weighted bound, in nats. */
    @Override
    public double score(double[] x) {
        model.checkEvent(x);
        return scoreUnchecked(x);
    }

    @Override
    public void scores(double[][] rows, int count, double[] out) {
        for (int i = 0; i < count; i++) {
            model.checkEvent(rows[i]);
        }
        for (int i = 0; i < count; i++) {
            out[i] = scoreUnchecked(rows[i]);
        }
    }

    /** The ELBO of {@code x} with this scorer's k draws, whatever the model's score kind. */
    public double elbo(double[] x) {
        model.checkEvent(x);
        encodeAndWeigh(x);
        return finite(mean(weights) + constant);
    }

    /**
     * The importance-weighted bound of {@code x} with this scorer's k draws, whatever the model's
     * score kind.
     */
    public double importanceWeighted(double[] x) {
        model.checkEvent(x);
        encodeAndWeigh(x);
        return finite(logMeanExp(weights) + constant);
    }

    private double scoreUnchecked(double[] x) {
        encodeAndWeigh(x);
        double combined = importanceWeighted ? logMeanExp(weights) : mean(weights);
        return finite(combined + constant);
    }

    private void encodeAndWeigh(double[] x) {
        model.standardizer().apply(x, standardized);
        if (vector != null) {
            vector.logWeights(standardized, weights);
            return;
        }
        evaluator.encode(params, standardized);
        for (int j = 0; j < noise.length; j++) {
            weights[j] = evaluator.logWeight(params, noise[j]);
        }
    }

    /** log((1/k) Σ exp(w_j)), shifted by the largest w so that nothing overflows. */
    static double logMeanExp(double[] w) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : w) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
            return max;
        }
        double sum = 0;
        for (double v : w) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum / w.length);
    }

    private static double mean(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        return sum / w.length;
    }

    /** −∞ or NaN from finite inputs means overflow far from the data: the lowest finite score. */
    private static double finite(double score) {
        return score == Double.NEGATIVE_INFINITY || Double.isNaN(score) ? LOWEST_SCORE : score;
    }
}
