package io.sgnflow.model;

import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.core.TerminalMap;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A trained SGN-Flow density model: x = g(Φ(z0)) with z0 ~ N(0, I_D), Φ a leapfrog-integrated
 * neural Hamiltonian flow and g an invertible affine terminal map (Symplectic Generative Networks,
 * DESIGN §2). Because every leapfrog sub-step is a shear, Φ has unit Jacobian and
 *
 * <pre>log p(x) = −½‖z0‖² − (D/2)·log 2π − Σ s_i − Σ log σ_i</pre>
 *
 * exactly, with s the log-diagonal of the terminal map and σ the fixed feature scales.
 *
 * <p>Immutable and thread-safe. The convenience methods here allocate scratch per call; hot paths
 * use one {@link FlowScorer} per thread.
 */
public final class SgnFlowModel implements DensityModel {
    /** Model type in model files. */
    public static final String TYPE = "sgn-flow";

    static final double LOG_2PI = Math.log(2 * Math.PI);

    /** Relative tolerance on the spectral-norm constraint when a model is built or loaded. */
    static final double NORM_TOLERANCE = 1e-3;

    /**
     * Reported for events so far out that −½‖z0‖² overflows a double (about 1e154 standard units
     * from the data): the lowest finite double, still an exact lower bound on log p(x).
     */
    public static final double LOWEST_LOG_LIKELIHOOD = -Double.MAX_VALUE;

    private final long version;
    private final String createdAt;
    private final List<String> featureNames;
    private final FlowArchitecture architecture;
    private final double[] params;
    private final Standardizer standardizer;
    private final TerminalMap terminalMap;
    private final LeapfrogIntegrator integrator;
    private final AnomalyThreshold threshold;
    private final TrainingSummary training;
    private final double constantLogDet;

    /**
     * @throws IllegalArgumentException if the parts disagree in dimension, a parameter is not
     *     finite, or a network breaks the norm constraints that bound its step size
     */
    public SgnFlowModel(
            long version,
            String createdAt,
            List<String> featureNames,
            FlowArchitecture architecture,
            int[] permutation,
            double[] params,
            Standardizer standardizer,
            AnomalyThreshold threshold,
            TrainingSummary training) {
        int d = architecture.dim();
        ModelChecks.common(
                d,
                featureNames,
                standardizer,
                params,
                architecture.parameterCount(),
                architecture,
                version);

        SpectralNorm.checkConstraints(architecture, params, NORM_TOLERANCE);
        this.version = version;
        this.createdAt = createdAt == null ? Instant.now().toString() : createdAt;
        this.featureNames = List.copyOf(featureNames);
        this.architecture = architecture;
        this.params = params.clone();
        this.standardizer = standardizer;
        this.terminalMap = new TerminalMap(architecture, permutation);
        this.integrator = new LeapfrogIntegrator(architecture);
        this.threshold = threshold;
        this.training = training;
        this.constantLogDet =
                -0.5 * d * LOG_2PI - terminalMap.logDet(this.params) + standardizer.logDet();
        if (!Double.isFinite(constantLogDet)) {
            throw new IllegalArgumentException(
                    "the log-determinant of the terminal map and standardisation is "
                            + constantLogDet
                            + "; the model cannot give finite log-likelihoods");
        }
    }

    @Override
    public String modelType() {
        return TYPE;
    }

    @Override
    public ScoreKind scoreKind() {
        return ScoreKind.EXACT_LOG_LIKELIHOOD;
    }

    @Override
    public SgnFlowModel withVersion(long newVersion) {
        return new SgnFlowModel(
                newVersion,
                createdAt,
                featureNames,
                architecture,
                terminalMap.permutation(),
                params,
                standardizer,
                threshold,
                training);
    }

    @Override
    public SgnFlowModel withThreshold(AnomalyThreshold newThreshold) {
        return new SgnFlowModel(
                version,
                createdAt,
                featureNames,
                architecture,
                terminalMap.permutation(),
                params,
                standardizer,
                newThreshold,
                training);
    }

    @Override
    public FlowScorer newScorer() {
        return new FlowScorer(this);
    }

    /** Exact log p(x); allocates scratch, so prefer a {@link FlowScorer} in loops. */
    public double logLikelihood(double[] x) {
        return newScorer().logLikelihood(x);
    }

    /** z0 = Φ⁻¹(g⁻¹(x)). */
    public double[] encode(double[] x) {
        return newScorer().encode(x);
    }

    /** x = g(Φ(z0)), the generative direction. */
    public double[] decode(double[] z0) {
        int d = dim();
        if (z0.length != d) {
            throw new IllegalArgumentException(
                    "latent vector has " + z0.length + " values, expected " + d);
        }
        PhaseState state = new PhaseState(architecture);
        state.load(z0);
        integrator.forward(params, state);
        double[] z = new double[d];
        state.store(z);
        double[] y = new double[d];
        terminalMap.forward(params, z, new double[d], y);
        double[] x = new double[d];
        standardizer.invert(y, x);
        return x;
    }

    /** Draws {@code n} events ([n, features]): z0 ~ N(0, I), then x = g(Φ(z0)). */
    @Override
    public double[][] sample(int n, Random random) {
        double[][] rows = new double[n][];
        double[] z0 = new double[dim()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < z0.length; j++) {
                z0[j] = random.nextGaussian();
            }
            rows[i] = decode(z0);
        }
        return rows;
    }

    double logLikelihoodUnchecked(
            double[] x, double[] standardized, double[] scratch, double[] z, PhaseState state) {
        encodeUnchecked(x, standardized, scratch, z, state);
        return bounded(constantLogDet - 0.5 * state.squaredNorm());
    }

    /**
     * An event so far out that the arithmetic overflows (about 1e150 standard units from the data:
     * ‖z0‖² becomes +∞, or the triangular solves meet ∞ − ∞ and give NaN) gets the lowest finite
     * value rather than −∞ or NaN, so it is still scored (and flagged) instead of rejected. With
     * finite inputs and parameters nothing else yields a non-finite result, and log p(x) is far
     * below −1.8e308 there, so the value is still a lower bound.
     */
    static double bounded(double logLikelihood) {
        return logLikelihood == Double.NEGATIVE_INFINITY || Double.isNaN(logLikelihood)
                ? LOWEST_LOG_LIKELIHOOD
                : logLikelihood;
    }

    /** −(D/2)·log 2π − Σ s_i − Σ log σ_i, the part of log p(x) that does not depend on x. */
    double constantLogDet() {
        return constantLogDet;
    }

    void encodeUnchecked(
            double[] x, double[] standardized, double[] scratch, double[] z0, PhaseState state) {
        standardizer.apply(x, standardized);
        terminalMap.inverse(params, standardized, scratch, scratch, z0);
        state.load(z0);
        integrator.inverse(params, state);
        state.store(z0);
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public String createdAt() {
        return createdAt;
    }

    @Override
    public int dim() {
        return architecture.dim();
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    public FlowArchitecture architecture() {
        return architecture;
    }

    /** A copy of the flat parameter vector (layout in {@link FlowArchitecture}). */
    public double[] parameters() {
        return params.clone();
    }

    public int[] permutation() {
        return terminalMap.permutation();
    }

    @Override
    public Standardizer standardizer() {
        return standardizer;
    }

    public TerminalMap terminalMap() {
        return terminalMap;
    }

    public LeapfrogIntegrator integrator() {
        return integrator;
    }

    @Override
    public AnomalyThreshold threshold() {
        return threshold;
    }

    @Override
    public TrainingSummary training() {
        return training;
    }

    /** Step sizes ε_k of the K leapfrog steps. */
    public double[] stepSizes() {
        double[] eps = new double[architecture.steps()];
        for (int k = 0; k < eps.length; k++) {
            eps[k] = architecture.stepSize(params, k);
        }
        return eps;
    }

    @Override
    public String toString() {
        return "SgnFlowModel{version="
                + version
                + ", "
                + architecture
                + ", threshold="
                + threshold.threshold()
                + ", steps="
                + Arrays.toString(stepSizes())
                + "}";
    }
}
