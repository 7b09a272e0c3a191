package io.sgnflow.model.vae;

import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.Standardizer;
import java.util.Random;

/** SGN-VAE models with random, clearly non-trivial parameters for the contract tests. */
final class TestVaes {
    private TestVaes() {}

    static VaeArchitecture architecture(
            int dim, int latent, int steps, Activation act, int[] encoder, int[] decoder) {
        FlowArchitecture core = TestModels.architecture(latent, steps, act, 5);
        return new VaeArchitecture(dim, latent, encoder, decoder, act, core);
    }

    /**
     * Random parameters: a core inside its stable region with forces that bend the flow, encoder
     * and decoder weights N(0, 1/fanIn), biases N(0, 0.25), decoder scales e^U(−0.5, 0.5).
     */
    static double[] randomParameters(VaeArchitecture arch, Random random) {
        double[] params = new double[arch.parameterCount()];
        double[] core = TestModels.randomParameters(arch.core(), random);
        System.arraycopy(core, 0, params, 0, arch.core().coreParameterCount());
        randomNetwork(arch.encoder(), params, arch.encoderOffset(), random);
        randomNetwork(arch.decoder(), params, arch.decoderOffset(), random);
        for (int i = 0; i < arch.dim(); i++) {
            params[arch.logScaleOffset() + i] = random.nextDouble() - 0.5;
        }
        return params;
    }

    static SgnVaeModel random(VaeArchitecture arch, ScoreKind kind, int samples, long seed) {
        Random random = new Random(seed);
        double[] params = randomParameters(arch, random);
        int d = arch.dim();
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = 3 * random.nextGaussian();
            scale[i] = Math.exp(0.5 * random.nextGaussian());
        }
        return new SgnVaeModel(
                1,
                "2026-01-01T00:00:00Z",
                TestModels.names(d),
                arch,
                params,
                new Standardizer(mean, scale, new boolean[d]),
                new VaeScoring(kind, samples, seed + 1),
                AnomalyThreshold.calibrate(0.01, new double[] {-30, -20, -10, 0}),
                null);
    }

    private static void randomNetwork(
            DenseNetwork net, double[] params, int offset, Random random) {
        net.initialise(params, offset, random, 1.0);
        // Non-zero biases, so that no unit sits at the symmetric point of its activation.
        for (int i = 0; i < net.parameterCount(); i++) {
            if (params[offset + i] == 0) {
                params[offset + i] = 0.5 * random.nextGaussian();
            }
        }
    }
}
