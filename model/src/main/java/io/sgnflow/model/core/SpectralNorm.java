package io.sgnflow.model.core;

import java.util.Random;

/**
 * Keeps the networks inside the region where the step-size bound of {@link FlowArchitecture} holds:
 * every hidden weight matrix at spectral norm ≤ ρ and every output vector at Euclidean norm ≤ β.
 * Training projects onto that region after each optimiser step (spectral norms by power iteration
 * with persistent vectors, as in spectral normalisation); loading a model checks it.
 *
 * <p>Not thread-safe (the persistent vectors are state).
 */
public final class SpectralNorm {
    private final FlowArchitecture arch;

    /** Right singular vector estimates, per network (0 = potential, 1 = kinetic) and layer. */
    private final double[][][] right;

    public SpectralNorm(FlowArchitecture arch, long seed) {
        this.arch = arch;
        Random random = new Random(seed);
        EnergyNetwork net = arch.potential();
        right = new double[2][net.layers()][];
        for (int which = 0; which < 2; which++) {
            for (int l = 0; l < net.layers(); l++) {
                double[] v = new double[net.fanIn(l)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = random.nextGaussian();
                }
                normalize(v);
                right[which][l] = v;
            }
        }
    }

    /**
     * Rescales, in place, every weight matrix whose estimated spectral norm exceeds ρ and every
     * output vector longer than β. Power iteration estimates a norm from below, so a rescaled
     * matrix can stay above ρ by the estimate's error; {@link #checkConstraints} allows for that
     * with its tolerance.
     *
     * @param iterations power iterations per matrix (1–2 during training, more at the end)
     */
    public void project(double[] params, int iterations) {
        for (int which = 0; which < 2; which++) {
            EnergyNetwork net = which == 0 ? arch.potential() : arch.kinetic();
            int base = which == 0 ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                int off = base + net.weightOffset(l);
                double sigma =
                        powerIteration(
                                params,
                                off,
                                net.width(l),
                                net.fanIn(l),
                                right[which][l],
                                iterations);
                if (sigma > arch.spectralBound()) {
                    double factor = arch.spectralBound() / sigma;
                    int size = net.width(l) * net.fanIn(l);
                    for (int i = 0; i < size; i++) {
                        params[off + i] *= factor;
                    }
                }
            }
            int out = base + net.outputOffset();
            int width = net.width(net.layers() - 1);
            double norm = 0;
            for (int i = 0; i < width; i++) {
                norm += params[out + i] * params[out + i];
            }
            norm = Math.sqrt(norm);
            if (norm > arch.outputNormBound()) {
                double factor = arch.outputNormBound() / norm;
                for (int i = 0; i < width; i++) {
                    params[out + i] *= factor;
                }
            }
        }
    }

    /**
     * Checks the constraints on a finished model.
     *
     * @throws IllegalArgumentException naming the network, layer and norm that break them
     */
    public static void checkConstraints(FlowArchitecture arch, double[] params, double tolerance) {
        SpectralNorm estimator = new SpectralNorm(arch, 17L);
        for (int which = 0; which < 2; which++) {
            EnergyNetwork net = which == 0 ? arch.potential() : arch.kinetic();
            String name = which == 0 ? "potential V" : "kinetic T";
            int base = which == 0 ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                double sigma =
                        powerIteration(
                                params,
                                base + net.weightOffset(l),
                                net.width(l),
                                net.fanIn(l),
                                estimator.right[which][l],
                                200);
                if (sigma > arch.spectralBound() * (1.0 + tolerance)) {
                    throw new IllegalArgumentException(
                            name
                                    + " layer "
                                    + (l + 1)
                                    + " has spectral norm "
                                    + sigma
                                    + " > bound "
                                    + arch.spectralBound()
                                    + ", so the stable step-size bound does not hold");
                }
            }
            int out = base + net.outputOffset();
            double norm = 0;
            for (int i = 0; i < net.width(net.layers() - 1); i++) {
                norm += params[out + i] * params[out + i];
            }
            norm = Math.sqrt(norm);
            if (norm > arch.outputNormBound() * (1.0 + tolerance)) {
                throw new IllegalArgumentException(
                        name
                                + " output weights have norm "
                                + norm
                                + " > bound "
                                + arch.outputNormBound());
            }
        }
    }

    /** Largest singular value estimate of the [rows, cols] matrix at {@code offset}. */
    static double powerIteration(
            double[] params, int offset, int rows, int cols, double[] v, int iterations) {
        double[] u = new double[rows];
        double sigma = 0;
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < rows; i++) {
                double acc = 0;
                int row = offset + i * cols;
                for (int j = 0; j < cols; j++) {
                    acc += params[row + j] * v[j];
                }
                u[i] = acc;
            }
            double uNorm = normalize(u);
            if (uNorm == 0) {
                return 0;
            }
            for (int j = 0; j < cols; j++) {
                v[j] = 0;
            }
            for (int i = 0; i < rows; i++) {
                int row = offset + i * cols;
                for (int j = 0; j < cols; j++) {
                    v[j] += params[row + j] * u[i];
                }
            }
            sigma = normalize(v);
        }
        return sigma;
    }

    private static double normalize(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
        return norm;
    }
}
