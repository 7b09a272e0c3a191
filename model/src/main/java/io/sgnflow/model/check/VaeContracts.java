package io.sgnflow.model.check;

import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import io.sgnflow.model.vae.DenseNetwork;
import io.sgnflow.model.vae.SgnVaeModel;
import io.sgnflow.model.vae.VaeArchitecture;
import io.sgnflow.model.vae.VaeEvaluator;
import java.util.Random;

/**
 * The numerical contracts of an SGN-VAE's latent core, measured at the encoder means of given
 * events: Φ is exactly invertible, its Jacobian determinant is 1, and so the log importance weight
 * the model computes (with no Jacobian term) equals the one a brute-force change of variables gives
 * with the finite-difference Jacobian of Φ. Stateless and thread-safe.
 */
public final class VaeContracts {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private VaeContracts() {}

    /** Largest |Φ⁻¹(Φ(z0)) − z0| / max(1, |z0|) over the encoder means z0 of the events. */
    public static double latentRoundTripMaxRelativeError(SgnVaeModel model, double[][] events) {
        return latentRoundTrip(model, events, true);
    }

    /** Largest |Φ⁻¹(Φ(z0)) − z0| over the encoder means z0 of the events. */
    public static double latentRoundTripMaxAbsError(SgnVaeModel model, double[][] events) {
        return latentRoundTrip(model, events, false);
    }

    private static double latentRoundTrip(SgnVaeModel model, double[][] events, boolean relative) {
        FlowArchitecture core = model.architecture().core();
        LeapfrogIntegrator integrator = new LeapfrogIntegrator(core);
        PhaseState state = new PhaseState(core);
        double[] params = model.parameters();
        double[] back = new double[core.dim()];
        double worst = 0;
        for (double[] x : events) {
            double[] z0 = encoderMean(model, params, x);
            state.load(z0);
            integrator.forward(params, state);
            integrator.inverse(params, state);
            state.store(back);
            for (int i = 0; i < z0.length; i++) {
                worst = Math.max(worst, Math.abs(back[i] - z0[i]) / Math.max(1.0, Math.abs(z0[i])));
            }
        }
        return worst;
    }

    /** Largest |log|det ∂Φ/∂z0|| (finite differences) at the encoder means of the events. */
    public static double latentFlowLogDetMaxAbs(SgnVaeModel model, double[][] events) {
        double[] params = model.parameters();
        double worst = 0;
        for (double[] x : events) {
            double[] z0 = encoderMean(model, params, x);
            worst =
                    Math.max(
                            worst,
                            Math.abs(
                                    NumericalContracts.flowLogDet(
                                            model.architecture().core(), params, z0, true)));
        }
        return worst;
    }

    /**
     * Largest |w − w_bf| over the events and {@code draws} noise draws each (seeded), where w is
     * the model's log importance weight and w_bf = log p(y|z_K) + log N(z_K) − log q_K(z_K) with
     * the density of z_K = Φ(z0) obtained by the change of variables log q_K = log q(z0|y) −
     * log|det ∂Φ/∂z0|, the determinant from finite differences and every term written out on its
     * own.
     */
    public static double logWeightVsBruteForceMaxAbs(
            SgnVaeModel model, double[][] events, int draws, long seed) {
        VaeArchitecture arch = model.architecture();
        FlowArchitecture core = arch.core();
        double[] params = model.parameters();
        VaeEvaluator evaluator = new VaeEvaluator(arch);
        LeapfrogIntegrator integrator = new LeapfrogIntegrator(core);
        PhaseState state = new PhaseState(core);
        DenseNetwork.Tape encoderTape = arch.encoder().newTape();
        DenseNetwork.Tape decoderTape = arch.decoder().newTape();
        int latent = arch.latentDim();
        Random random = new Random(seed);
        double worst = 0;
        for (double[] x : events) {
            double[] y = new double[x.length];
            model.standardizer().apply(x, y);
            arch.encoder().forward(params, arch.encoderOffset(), y, encoderTape);
            double[] raw = encoderTape.output();
            evaluator.encode(params, y);
            for (int draw = 0; draw < draws; draw++) {
                double[] eps = new double[latent];
                for (int j = 0; j < latent; j++) {
                    eps[j] = random.nextGaussian();
                }
                double w = evaluator.logWeight(params, eps);

                double[] z0 = new double[latent];
                double logQ0 = -0.5 * latent * LOG_2PI;
                for (int j = 0; j < latent; j++) {
                    double logSigma = VaeArchitecture.encoderLogScale(raw[latent + j]);
                    z0[j] = raw[j] + Math.exp(logSigma) * eps[j];
                    double r = (z0[j] - raw[j]) / Math.exp(logSigma);
                    logQ0 -= 0.5 * r * r + logSigma;
                }
                double logDet = NumericalContracts.flowLogDet(core, params, z0, true);
                double[] zK = new double[latent];
                state.load(z0);
                integrator.forward(params, state);
                state.store(zK);
                double logPrior = -0.5 * latent * LOG_2PI;
                for (double v : zK) {
                    logPrior -= 0.5 * v * v;
                }
                arch.decoder().forward(params, arch.decoderOffset(), zK, decoderTape);
                double[] m = decoderTape.output();
                double logLik = 0;
                for (int i = 0; i < y.length; i++) {
                    double scale = Math.exp(params[arch.logScaleOffset() + i]);
                    double r = (y[i] - m[i]) / scale;
                    logLik += -0.5 * r * r - Math.log(scale) - 0.5 * LOG_2PI;
                }
                double bruteForce = logLik + logPrior - (logQ0 - logDet);
                worst = Math.max(worst, Math.abs(w - bruteForce));
            }
        }
        return worst;
    }

    private static double[] encoderMean(SgnVaeModel model, double[] params, double[] x) {
        VaeArchitecture arch = model.architecture();
        double[] y = new double[x.length];
        model.standardizer().apply(x, y);
        VaeEvaluator evaluator = new VaeEvaluator(arch);
        evaluator.encode(params, y);
        return evaluator.mean().clone();
    }
}
