package io.sgnflow.model;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;

/**
 * An SGN-Flow model's parameters unpacked for the batched scoring kernels: the standardisation, the
 * terminal map as its triangular factors, the step schedule of the inverse flow with fused
 * half-kicks, and each energy network's weights as separate arrays. Immutable after construction.
 */
final class FlowKernelParameters {
    final int dim;
    final int half;
    final int casimir;
    final double constantLogDet;
    final Activation activation;

    final double[] mean;
    final double[] scale;
    final double[] shift;
    final int[] permutation;

    /** Strict lower part of L by rows: {@code lower[i][j]}, j &lt; i. */
    final double[][] lower;

    /** Strict upper part of U by rows: {@code upper[i][j]}, j &gt; i (length D, zeros below). */
    final double[][] upper;

    final double[] inverseDiagonal;

    /**
     * Kick coefficients in application order, K + 1 of them: the inverse flow applies, between two
     * consecutive leapfrog steps k and k−1, the last half-kick of step k and the first of step k−1,
     * both with ∇V at the same q, as one kick with coefficient (ε_k + ε_{k−1})/2.
     */
    final double[] kicks;

    /** Drift coefficients in application order: −ε_{K−1}, …, −ε_0. */
    final double[] drifts;

    final Network potential;
    final Network kinetic;

    FlowKernelParameters(SgnFlowModel model) {
        FlowArchitecture arch = model.architecture();
        double[] params = model.parameters();
        dim = arch.dim();
        half = arch.half();
        casimir = arch.casimirDim();
        constantLogDet = model.constantLogDet();
        activation = arch.activation();
        mean = model.standardizer().mean();
        scale = model.standardizer().scale();
        shift = new double[dim];
        System.arraycopy(params, arch.shiftOffset(), shift, 0, dim);
        permutation = model.permutation();
        lower = new double[dim][];
        upper = new double[dim][];
        inverseDiagonal = new double[dim];
        for (int i = 0; i < dim; i++) {
            lower[i] = new double[i];
            for (int j = 0; j < i; j++) {
                lower[i][j] = params[arch.lowerIndex(i, j)];
            }
            upper[i] = new double[dim];
            for (int j = i + 1; j < dim; j++) {
                upper[i][j] = params[arch.upperIndex(i, j)];
            }
            inverseDiagonal[i] = Math.exp(-params[arch.logDiagOffset() + i]);
        }
        int steps = arch.steps();
        double[] eps = new double[steps];
        for (int k = 0; k < steps; k++) {
            eps[k] = arch.stepSize(params, k);
        }
        kicks = new double[steps + 1];
        drifts = new double[steps];
        kicks[0] = 0.5 * eps[steps - 1];
        for (int s = 0; s < steps; s++) {
            int k = steps - 1 - s;
            drifts[s] = -eps[k];
            kicks[s + 1] = k == 0 ? 0.5 * eps[0] : 0.5 * (eps[k] + eps[k - 1]);
        }
        potential = new Network(arch.potential(), arch.potentialOffset(), params);
        kinetic = new Network(arch.kinetic(), arch.kineticOffset(), params);
    }

    /** One energy network: per layer W [width, fanIn] row-major and b, then the output vector. */
    static final class Network {
        final int inputDim;
        final int layers;
        final int[] widths;
        final int[] fanIns;
        final double[][] weights;
        final double[][] biases;
        final double[] output;

        Network(EnergyNetwork net, int offset, double[] params) {
            inputDim = net.inputDim();
            layers = net.layers();
            widths = new int[layers];
            fanIns = new int[layers];
            weights = new double[layers][];
            biases = new double[layers][];
            for (int l = 0; l < layers; l++) {
                widths[l] = net.width(l);
                fanIns[l] = net.fanIn(l);
                weights[l] = new double[widths[l] * fanIns[l]];
                System.arraycopy(
                        params, offset + net.weightOffset(l), weights[l], 0, weights[l].length);
                biases[l] = new double[widths[l]];
                System.arraycopy(params, offset + net.biasOffset(l), biases[l], 0, widths[l]);
            }
            output = new double[widths[layers - 1]];
            System.arraycopy(params, offset + net.outputOffset(), output, 0, output.length);
        }
    }
}
