package io.sgnflow.model.vae;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogAdjoint;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;

/**
 * One event's pass through an SGN-VAE in standardised units, and its reverse for training.
 *
 * <p>For an event y and a noise draw ε ~ N(0, I_L): z0 = μ(y) + σ(y) ⊙ ε, z_K = Φ(z0), and the log
 * importance weight
 *
 * <pre>w = log p(y|z_K) + log N(z_K; 0, I) − log q(z0|y)
 *   = Σ_i [−½((y_i − m_i)/s_i)² − log s_i − ½ log 2π] − ½‖z_K‖² + ½‖ε‖² + Σ_j log σ_j</pre>
 *
 * (the two (L/2)·log 2π cancel). Φ is volume-preserving, so the density of z_K under the encoder is
 * q(z0|y) with no Jacobian term: this w is the whole of DESIGN §2.5's ELBO integrand. E_ε[w] is the
 * ELBO and log mean_j exp(w_j) the importance-weighted bound.
 *
 * <p>{@link #encode} once per event, then {@link #logWeight} per draw; {@link #backward} after a
 * {@link #logWeight} differentiates that draw's −w. Not thread-safe: one per thread.
 */
public final class VaeEvaluator {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final VaeArchitecture arch;
    private final FlowArchitecture core;
    private final LeapfrogIntegrator integrator;
    private final LeapfrogAdjoint adjoint;
    private final DenseNetwork.Tape encoderTape;
    private final DenseNetwork.Tape decoderTape;
    private final PhaseState state;
    private final int latent;
    private final double[] mu;
    private final double[] logSigma;
    private final double[] sigma;
    private final double[] zK;
    private final double[] mBar;
    private final double[] zBar;
    private final double[] qBar;
    private final double[] pBar;
    private final double[] cBar;
    private final double[] encoderBar;
    private double sumLogSigma;
    private double[] y;
    private double[] eps;

    public VaeEvaluator(VaeArchitecture arch) {
        this.arch = arch;
        this.core = arch.core();
        this.integrator = new LeapfrogIntegrator(core);
        this.adjoint = new LeapfrogAdjoint(core);
        this.encoderTape = arch.encoder().newTape();
        this.decoderTape = arch.decoder().newTape();
        this.state = new PhaseState(core);
        this.latent = arch.latentDim();
        mu = new double[latent];
        logSigma = new double[latent];
        sigma = new double[latent];
        zK = new double[latent];
        mBar = new double[arch.dim()];
        zBar = new double[latent];
        qBar = new double[core.half()];
        pBar = new double[core.half()];
        cBar = new double[core.casimirDim()];
        encoderBar = new double[2 * latent];
    }

    /** Runs the encoder on standardised {@code y} (kept by reference until the next call). */
    public void encode(double[] params, double[] y) {
        this.y = y;
        arch.encoder().forward(params, arch.encoderOffset(), y, encoderTape);
        double[] out = encoderTape.output();
        double sum = 0;
        for (int j = 0; j < latent; j++) {
            mu[j] = out[j];
            logSigma[j] = VaeArchitecture.encoderLogScale(out[latent + j]);
            sigma[j] = Math.exp(logSigma[j]);
            sum += logSigma[j];
        }
        sumLogSigma = sum;
    }

    /** Encoder mean μ of the last encoded event (live, not a copy). */
    public double[] mean() {
        return mu;
    }

    /**
     * The log importance weight w of noise draw {@code eps} (length L, kept by reference until the
     * next call) for the last encoded event; see the class comment.
     */
    public double logWeight(double[] params, double[] eps) {
        this.eps = eps;
        double epsSquared = 0;
        for (int j = 0; j < latent; j++) {
            zK[j] = mu[j] + sigma[j] * eps[j];
            epsSquared += eps[j] * eps[j];
        }
        state.load(zK);
        integrator.forward(params, state);
        state.store(zK);
        double priorMinusQ = -0.5 * state.squaredNorm() + 0.5 * epsSquared + sumLogSigma;
        arch.decoder().forward(params, arch.decoderOffset(), zK, decoderTape);
        double[] m = decoderTape.output();
        int scales = arch.logScaleOffset();
        double reconstruction = 0;
        for (int i = 0; i < y.length; i++) {
            double logScale = params[scales + i];
            double r = (y[i] - m[i]) * Math.exp(-logScale);
            reconstruction -= 0.5 * r * r + logScale + HALF_LOG_2PI;
        }
        return reconstruction + priorMinusQ;
    }

    /**
     * Adds {@code weight} · ∂(−w)/∂θ of the last {@link #logWeight} to {@code grad}. The decoder
     * log-scales of features marked in {@code frozenScales} (constant in training) get no gradient.
     */
    public void backward(double[] params, double weight, boolean[] frozenScales, double[] grad) {
        int d = arch.dim();
        double[] m = decoderTape.output();
        int scales = arch.logScaleOffset();
        // −log p(y|z_K) = Σ ½ r² + log s + const with r = (y − m)/s.
        for (int i = 0; i < d; i++) {
            double inv = Math.exp(-params[scales + i]);
            double r = (y[i] - m[i]) * inv;
            mBar[i] = -weight * r * inv;
            if (frozenScales == null || !frozenScales[i]) {
                grad[scales + i] += weight * (1 - r * r);
            }
        }
        arch.decoder().backward(params, arch.decoderOffset(), decoderTape, mBar, grad, zBar);
        // −log N(z_K) = ½‖z_K‖² + const.
        int n = core.half();
        for (int i = 0; i < n; i++) {
            qBar[i] = zBar[i] + weight * zK[i];
            pBar[i] = zBar[n + i] + weight * zK[n + i];
        }
        for (int i = 0; i < cBar.length; i++) {
            cBar[i] = zBar[2 * n + i] + weight * zK[2 * n + i];
        }
        // Φ ran forward steps 0 … K−1; walk back K−1 … 0, rebuilding z0 on the way.
        state.load(zK);
        for (int k = core.steps() - 1; k >= 0; k--) {
            adjoint.backStep(params, k, false, state, qBar, pBar, cBar, grad);
        }
        // z0 = μ + σ ⊙ ε and +log q(z0|y) = −Σ log σ + const (ε fixed: reparameterisation).
        double[] raw = encoderTape.output();
        for (int j = 0; j < latent; j++) {
            double z0Bar = j < n ? qBar[j] : j < 2 * n ? pBar[j - n] : cBar[j - 2 * n];
            encoderBar[j] = z0Bar;
            double logSigmaBar = z0Bar * sigma[j] * eps[j] - weight;
            double t = Activation.tanh(raw[latent + j] / VaeArchitecture.ENCODER_LOG_SCALE_BOUND);
            encoderBar[latent + j] = logSigmaBar * (1 - t * t);
        }
        arch.encoder().backward(params, arch.encoderOffset(), encoderTape, encoderBar, grad, null);
    }
}
