package io.sgnflow.model;

import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.vae.DenseNetwork;
import io.sgnflow.model.vae.SgnVaeModel;
import io.sgnflow.model.vae.VaeArchitecture;
import io.sgnflow.model.vae.VaeWeightKernel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGN-VAE's log importance weights on the JDK Vector API: an event's k noise draws are one tile,
 * one draw per lane, moved through the latent core (forward leapfrog steps with the shared
 * half-kicks of consecutive steps fused, so K + 1 potential forces instead of 2K) and the decoder
 * with the SIMD products and activation of {@link VectorForceNet}. The encoder runs once per event
 * on the scalar {@link DenseNetwork}. Each event is computed on its own, so its weights do not
 * depend on what else is scored; they agree with {@link io.sgnflow.model.vae.VaeEvaluator} to
 * rounding (fused multiply-adds, the fused kicks, the vector exp).
 *
 * <p>Not thread-safe: all scratch is preallocated per instance.
 */
final class VectorVaeKernel implements VaeWeightKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final VaeArchitecture arch;
    private final double[] params;
    private final int latent;
    private final int half;
    private final int draws;
    private final int nv;
    private final DenseNetwork.Tape encoderTape;

    /** Noise, [L][k padded], and ½‖ε_d‖² per draw. */
    private final double[][] noise;

    private final double[] halfNoiseNorm;
    private final double[] kicks;
    private final double[] drifts;

    /** The tile: rows 0..n−1 are q, n..2n−1 are p, 2n is c. */
    private final double[][] z;

    private final double[][] force;
    private final VectorForceNet potential;
    private final VectorForceNet kinetic;

    /** Decoder layers: weights, biases, widths, fan-ins, and each layer's output rows. */
    private final double[][] decoderWeights;

    private final double[][] decoderBiases;
    private final int[] decoderWidths;
    private final int[] decoderFans;
    private final double[][][] decoderRows;
    private final double[] logScales;
    private final double[] inverseScales;
    private final double[] lane;
    private final double[] activationScratch;

    VectorVaeKernel(SgnVaeModel model, double[][] noiseTable) {
        arch = model.architecture();
        params = model.parameters();
        latent = arch.latentDim();
        FlowArchitecture core = arch.core();
        half = core.half();
        draws = noiseTable.length;
        int width = VectorForceNet.padded(draws);
        nv = width / VL;
        encoderTape = arch.encoder().newTape();
        noise = new double[latent][width];
        halfNoiseNorm = new double[width];
        for (int d = 0; d < draws; d++) {
            double sq = 0;
            for (int j = 0; j < latent; j++) {
                noise[j][d] = noiseTable[d][j];
                sq += noiseTable[d][j] * noiseTable[d][j];
            }
            halfNoiseNorm[d] = 0.5 * sq;
        }
        int steps = core.steps();
        double[] eps = new double[steps];
        for (int k = 0; k < steps; k++) {
            eps[k] = core.stepSize(params, k);
        }
        // Forward step k: p −= (ε_k/2)∇V, q += ε_k ∇T, p −= (ε_k/2)∇V; consecutive half-kicks at
        // the same q fuse into one of −(ε_k + ε_{k+1})/2.
        kicks = new double[steps + 1];
        drifts = new double[steps];
        kicks[0] = -0.5 * eps[0];
        for (int k = 0; k < steps; k++) {
            drifts[k] = eps[k];
            kicks[k + 1] = k == steps - 1 ? -0.5 * eps[k] : -0.5 * (eps[k] + eps[k + 1]);
        }
        z = new double[latent][width];
        force = new double[half][width];
        double[][] qRows = new double[half + core.casimirDim()][];
        double[][] pRows = new double[half + core.casimirDim()][];
        for (int i = 0; i < half; i++) {
            qRows[i] = z[i];
            pRows[i] = z[half + i];
        }
        if (core.casimirDim() > 0) {
            qRows[half] = z[2 * half];
            pRows[half] = z[2 * half];
        }
        potential =
                new VectorForceNet(
                        new FlowKernelParameters.Network(
                                core.potential(), core.potentialOffset(), params),
                        half,
                        core.activation(),
                        qRows,
                        width);
        kinetic =
                new VectorForceNet(
                        new FlowKernelParameters.Network(
                                core.kinetic(), core.kineticOffset(), params),
                        half,
                        core.activation(),
                        pRows,
                        width);
        DenseNetwork decoder = arch.decoder();
        int layers = decoder.weightLayers();
        decoderWeights = new double[layers][];
        decoderBiases = new double[layers][];
        decoderWidths = new int[layers];
        decoderFans = new int[layers];
        decoderRows = new double[layers][][];
        int fan = latent;
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            int rows = decoder.layerWidth(l);
            widest = Math.max(widest, rows);
            int at = arch.decoderOffset() + decoder.weightOffset(l);
            decoderWeights[l] = new double[rows * fan];
            System.arraycopy(params, at, decoderWeights[l], 0, rows * fan);
            decoderBiases[l] = new double[rows];
            System.arraycopy(
                    params,
                    arch.decoderOffset() + decoder.biasOffset(l),
                    decoderBiases[l],
                    0,
                    rows);
            decoderWidths[l] = rows;
            decoderFans[l] = fan;
            decoderRows[l] = new double[rows][width];
            fan = rows;
        }
        int d = arch.dim();
        logScales = new double[d];
        inverseScales = new double[d];
        for (int i = 0; i < d; i++) {
            logScales[i] = params[arch.logScaleOffset() + i];
            inverseScales[i] = Math.exp(-logScales[i]);
        }
        lane = new double[width];
        activationScratch = new double[widest * width];
    }

    @Override
    public String name() {
        return "vector (" + S.vectorBitSize() + "-bit, " + draws + " draws per tile)";
    }

    @Override
    public void logWeights(double[] y, double[] out) {
        arch.encoder().forward(params, arch.encoderOffset(), y, encoderTape);
        double[] raw = encoderTape.output();
        double sumLogSigma = 0;
        for (int j = 0; j < latent; j++) {
            double logSigma = VaeArchitecture.encoderLogScale(raw[latent + j]);
            sumLogSigma += logSigma;
            DoubleVector sigma = DoubleVector.broadcast(S, Math.exp(logSigma));
            DoubleVector mu = DoubleVector.broadcast(S, raw[j]);
            for (int v = 0; v < nv; v++) {
                int at = v * VL;
                DoubleVector.fromArray(S, noise[j], at).fma(sigma, mu).intoArray(z[j], at);
            }
        }
        // z_K = Φ(z0): K + 1 kicks interleaved with K drifts.
        int steps = drifts.length;
        for (int s = 0; s <= steps; s++) {
            potential.force(nv, force);
            VectorForceNet.shear(z, half, half, force, kicks[s], nv);
            if (s == steps) {
                break;
            }
            kinetic.force(nv, force);
            VectorForceNet.shear(z, 0, half, force, drifts[s], nv);
        }
        // Decoder: hidden layers with the activation, then the linear output layer.
        double[][] in = z;
        int layers = decoderWeights.length;
        for (int l = 0; l < layers; l++) {
            VectorForceNet.affine(
                    decoderWeights[l],
                    decoderBiases[l],
                    decoderWidths[l],
                    decoderFans[l],
                    in,
                    decoderRows[l],
                    nv);
            if (l < layers - 1) {
                VectorForceNet.activateValues(
                        arch.activation(), decoderRows[l], decoderWidths[l], nv, activationScratch);
            }
            in = decoderRows[l];
        }
        double[][] m = decoderRows[layers - 1];
        double constant = sumLogSigma;
        for (int i = 0; i < logScales.length; i++) {
            constant -= logScales[i] + HALF_LOG_2PI;
        }
        DoubleVector base = DoubleVector.broadcast(S, constant);
        for (int v = 0; v < nv; v++) {
            int at = v * VL;
            // −½‖z_K‖² + ½‖ε‖² + Σ log σ − Σ (log s_i + ½ log 2π) − ½ Σ ((y_i − m_i)/s_i)²
            DoubleVector sq = DoubleVector.zero(S);
            for (int j = 0; j < latent; j++) {
                DoubleVector zj = DoubleVector.fromArray(S, z[j], at);
                sq = zj.fma(zj, sq);
            }
            for (int i = 0; i < logScales.length; i++) {
                DoubleVector r =
                        DoubleVector.fromArray(S, m[i], at).neg().add(y[i]).mul(inverseScales[i]);
                sq = r.fma(r, sq);
            }
            base.add(DoubleVector.fromArray(S, halfNoiseNorm, at))
                    .sub(sq.mul(0.5))
                    .intoArray(lane, at);
        }
        System.arraycopy(lane, 0, out, 0, draws);
    }
}
