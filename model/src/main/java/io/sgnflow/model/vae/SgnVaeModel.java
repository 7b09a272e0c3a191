package io.sgnflow.model.vae;

import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ModelChecks;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * A trained SGN-VAE (DESIGN §2.5, the paper's hybrid variant): a Gaussian encoder q(z0|x), the
 * volume-preserving leapfrog core z_K = Φ(z0) on an L-dimensional latent, and a Gaussian decoder
 * p(x|z_K) under the prior z_K ~ N(0, I_L). Φ moves the encoder's Gaussian into a curved,
 * multi-modal posterior at no cost in the objective: its Jacobian determinant is exactly 1, so
 *
 * <pre>ELBO(x) = E_ε[log p(x|Φ(z0)) + log N(Φ(z0); 0, I) − log q(z0|x)],  z0 = μ(x) + σ(x) ⊙ ε
 * </pre>
 *
 * has no Jacobian term. Unlike {@link io.sgnflow.model.SgnFlowModel}, its score is a lower bound on
 * log p(x), not log p(x) itself: the ELBO or the importance-weighted bound of {@link VaeScoring},
 * which says which (see {@link #scoreKind()}). Both are in nats of x in its original units (the
 * standardisation's log-determinant is included).
 *
 * <p>Generation draws z_K from the prior and x from the decoder; Φ belongs to the posterior.
 *
 * <p>Immutable and thread-safe; scoring state lives in a {@link VaeScorer}, one per thread.
 */
public final class SgnVaeModel implements DensityModel {
    /** Model type in model files. */
    public static final String TYPE = "sgn-vae";

    /** Relative tolerance on the stability constraints when a model is built or loaded. */
    static final double NORM_TOLERANCE = 1e-3;

    private final long version;
    private final String createdAt;
    private final List<String> featureNames;
    private final VaeArchitecture architecture;
    private final double[] params;
    private final Standardizer standardizer;
    private final VaeScoring scoring;
    private final AnomalyThreshold threshold;
    private final TrainingSummary training;

    /**
     * @throws IllegalArgumentException if the parts disagree in dimension, a parameter is not
     *     finite, a decoder scale is below {@link VaeArchitecture#MIN_DECODER_SCALE}, or the latent
     *     core breaks the norm constraints that bound its step size
     */
    public SgnVaeModel(
            long version,
            String createdAt,
            List<String> featureNames,
            VaeArchitecture architecture,
            double[] params,
            Standardizer standardizer,
            VaeScoring scoring,
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
        double floor = Math.log(VaeArchitecture.MIN_DECODER_SCALE);
        for (int i = 0; i < d; i++) {
            double logScale = params[architecture.logScaleOffset() + i];
            if (logScale < floor - 1e-9) {
                throw new IllegalArgumentException(
                        "decoder scale of feature '"
                                + featureNames.get(i)
                                + "' is "
                                + Math.exp(logScale)
                                + ", below the floor "
                                + VaeArchitecture.MIN_DECODER_SCALE);
            }
        }

        SpectralNorm.checkConstraints(architecture.core(), params, NORM_TOLERANCE);
        this.version = version;
        this.createdAt = createdAt == null ? Instant.now().toString() : createdAt;
        this.featureNames = List.copyOf(featureNames);
        this.architecture = architecture;
        this.params = params.clone();
        this.standardizer = standardizer;
        this.scoring = scoring;
        this.threshold = threshold;
        this.training = training;
    }

    @Override
    public String modelType() {
        return TYPE;
    }

    @Override
    public ScoreKind scoreKind() {
        return scoring.kind();
    }

    public VaeScoring scoring() {
        return scoring;
    }

    /** Same parameters under another scoring rule; the threshold must then be recalibrated. */
    public SgnVaeModel withScoring(VaeScoring newScoring, AnomalyThreshold newThreshold) {
        return new SgnVaeModel(
                version,
                createdAt,
                featureNames,
                architecture,
                params,
                standardizer,
                newScoring,
                newThreshold,
                training);
    }

    @Override
    public SgnVaeModel withVersion(long newVersion) {
        return new SgnVaeModel(
                newVersion,
                createdAt,
                featureNames,
                architecture,
                params,
                standardizer,
                scoring,
                threshold,
                training);
    }

    @Override
    public SgnVaeModel withThreshold(AnomalyThreshold newThreshold) {
        return withScoring(scoring, newThreshold);
    }

    @Override
    public VaeScorer newScorer() {
        return new VaeScorer(this);
    }

    /** Draws {@code n} events ([n, features]): z_K ~ N(0, I_L), x ~ p(x|z_K). */
    @Override
    public double[][] sample(int n, Random random) {
        int d = dim();
        DenseNetwork decoder = architecture.decoder();
        DenseNetwork.Tape tape = decoder.newTape();
        double[] z = new double[architecture.latentDim()];
        double[] y = new double[d];
        double[][] rows = new double[n][];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < z.length; j++) {
                z[j] = random.nextGaussian();
            }
            decoder.forward(params, architecture.decoderOffset(), z, tape);
            double[] m = tape.output();
            for (int i = 0; i < d; i++) {
                double scale = Math.exp(params[architecture.logScaleOffset() + i]);
                y[i] = m[i] + scale * random.nextGaussian();
            }
            rows[r] = new double[d];
            standardizer.invert(y, rows[r]);
        }
        return rows;
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

    public VaeArchitecture architecture() {
        return architecture;
    }

    /** A copy of the flat parameter vector (layout in {@link VaeArchitecture}). */
    public double[] parameters() {
        return params.clone();
    }

    /** The live parameters, for scorers of this package only. */
    double[] parametersUnsafe() {
        return params;
    }

    @Override
    public Standardizer standardizer() {
        return standardizer;
    }

    @Override
    public AnomalyThreshold threshold() {
        return threshold;
    }

    @Override
    public TrainingSummary training() {
        return training;
    }

    @Override
    public String toString() {
        return "SgnVaeModel{version="
                + version
                + ", "
                + architecture
                + ", score="
                + scoring.kind().id()
                + " k="
                + scoring.samples()
                + ", threshold="
                + threshold.threshold()
                + "}";
    }
}
