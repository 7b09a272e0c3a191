package io.sgnflow.model;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.core.TerminalMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Models with random, clearly non-trivial parameters for the numerical contract tests. */
public final class TestModels {
    private TestModels() {}

    public static FlowArchitecture architecture(int dim, int steps, Activation act, int... hidden) {
        return new FlowArchitecture(dim, hidden, act, steps, 4.0);
    }

    /** Random parameters inside the stable region, with forces large enough to bend the flow. */
    public static double[] randomParameters(FlowArchitecture arch, Random random) {
        double[] params = new double[arch.parameterCount()];
        for (EnergyNetwork net : new EnergyNetwork[] {arch.potential(), arch.kinetic()}) {
            int base = net == arch.potential() ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                int size = net.width(l) * net.fanIn(l);
                for (int i = 0; i < size; i++) {
                    params[base + net.weightOffset(l) + i] =
                            random.nextGaussian() / Math.sqrt(net.fanIn(l));
                }
                for (int i = 0; i < net.width(l); i++) {
                    params[base + net.biasOffset(l) + i] = 0.5 * random.nextGaussian();
                }
            }
            int width = net.width(net.layers() - 1);
            for (int i = 0; i < width; i++) {
                params[base + net.outputOffset() + i] = random.nextGaussian();
            }
        }
        for (int k = 0; k < arch.steps(); k++) {
            params[arch.stepLogitOffset() + k] = random.nextGaussian();
        }
        int d = arch.dim();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                params[arch.lowerIndex(i, j)] = 0.3 * random.nextGaussian();
                params[arch.upperIndex(j, i)] = 0.3 * random.nextGaussian();
            }
            params[arch.logDiagOffset() + i] = 0.3 * random.nextGaussian();
            params[arch.shiftOffset() + i] = random.nextGaussian();
        }
        new SpectralNorm(arch, random.nextLong()).project(params, 300);
        return params;
    }

    public static SgnFlowModel random(FlowArchitecture arch, long seed) {
        Random random = new Random(seed);
        double[] params = randomParameters(arch, random);
        int d = arch.dim();
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = 10 * random.nextGaussian();
            scale[i] = Math.exp(random.nextGaussian());
        }
        return new SgnFlowModel(
                1,
                "2026-01-01T00:00:00Z",
                names(d),
                arch,
                shuffled(d, random),
                params,
                new Standardizer(mean, scale, new boolean[d]),
                AnomalyThreshold.calibrate(0.01, new double[] {-3, -2, -1, 0}),
                null);
    }

    /** A random permutation, so that every test also exercises the terminal map's P. */
    public static int[] shuffled(int d, Random random) {
        int[] permutation = TerminalMap.identity(d);
        for (int i = d - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = tmp;
        }
        return permutation;
    }

    public static List<String> names(int d) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            names.add("f" + i);
        }
        return names;
    }

    /** Events drawn from the model itself (in-distribution data). */
    public static double[][] events(SgnFlowModel model, int n, long seed) {
        return model.sample(n, new Random(seed));
    }
}
