package io.sgnflow.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.FlowScorer;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.core.TerminalMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An independent reference for the hand-written scorer and gradient: the scoring direction Φ⁻¹ of
 * the flow rebuilt as an ND4J SameDiff graph in float64.
 *
 * <p>Each force is written out as explicit graph operations — for V(u) = w·tanh(W u + b), ∇_u V =
 * ((1 − tanh(h)²) ⊙ w) W, of which the first n columns are the q (or p) part — so SameDiff only
 * ever needs first-order automatic differentiation ({@code calculateGradients}) to get the training
 * gradient; its own gradient-of-gradient is never used. The test compares (1) z0 with {@link
 * LeapfrogIntegrator#inverse}, (2) log p(x) with {@link FlowScorer} for a model whose terminal map
 * and standardiser are the identity, both to 1e-12, and (3) the parameter gradients of every
 * network weight and step logit with {@link FlowGradient#accumulate}, to 1e-10 relative in norm and
 * 1e-9·max(1, |g|) element-wise.
 */
class SameDiffReferenceTest {
    private static final int STEPS = 3;
    private static final int HIDDEN = 8;
    private static final int BATCH = 16;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    @BeforeAll
    static void float64SingleThread() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.getEnvironment().setMaxThreads(1);
    }

    @ParameterizedTest(name = "D={0}")
    @ValueSource(ints = {5, 6})
    void latentPointsMatchTheJavaIntegrator(int dim) {
        Fixture f = new Fixture(dim);
        INDArray z0 = f.reference.output(f.placeholders(), "z0").get("z0");
        assertThat(z0.dataType()).isEqualTo(DataType.DOUBLE);

        LeapfrogIntegrator integrator = new LeapfrogIntegrator(f.arch);
        PhaseState state = new PhaseState(f.arch);
        double[] expected = new double[dim];
        double maxDiff = 0;
        for (int e = 0; e < BATCH; e++) {
            state.load(f.latent[e]);
            integrator.inverse(f.params, state);
            state.store(expected);
            for (int i = 0; i < dim; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(z0.getDouble(e, i) - expected[i]));
            }
            // The flow must actually move the points, or the comparison would prove little.
            assertThat(distance(expected, f.latent[e])).isGreaterThan(1e-2);
        }
        assertThat(maxDiff).as("max |z0 SameDiff − z0 Java|").isLessThanOrEqualTo(1e-12);
    }

    @ParameterizedTest(name = "D={0}")
    @ValueSource(ints = {5, 6})
    void logLikelihoodMatchesTheScorer(int dim) {
        Fixture f = new Fixture(dim);
        INDArray z0 = f.reference.output(f.placeholders(), "z0").get("z0");
        SgnFlowModel model =
                new SgnFlowModel(
                        1,
                        "2026-01-01T00:00:00Z",
                        TestModels.names(dim),
                        f.arch,
                        TerminalMap.identity(dim),
                        f.params,
                        new Standardizer(new double[dim], ones(dim), new boolean[dim]),
                        AnomalyThreshold.calibrate(0.01, new double[] {-3, -2, -1, 0}),
                        null);
        FlowScorer scorer = model.newScorer();

        double maxDiff = 0;
        for (int e = 0; e < BATCH; e++) {
            double squared = 0;
            for (int i = 0; i < dim; i++) {
                squared += z0.getDouble(e, i) * z0.getDouble(e, i);
            }
            double reference = -0.5 * squared - 0.5 * dim * LOG_2PI;
            maxDiff = Math.max(maxDiff, Math.abs(scorer.logLikelihood(f.latent[e]) - reference));
        }
        assertThat(maxDiff).as("max |log p SameDiff − log p scorer|").isLessThanOrEqualTo(1e-12);
    }

    @ParameterizedTest(name = "D={0}")
    @ValueSource(ints = {5, 6})
    void parameterGradientsMatchFlowGradient(int dim) {
        Fixture f = new Fixture(dim);
        Map<String, INDArray> sdGrads =
                f.reference.calculateGradients(f.placeholders(), f.parameterNames());

        double[] grad = new double[f.params.length];
        FlowGradient gradient = new FlowGradient(f.arch, TerminalMap.identity(dim));
        double loss = 0;
        for (double[] z : f.latent) {
            loss += gradient.accumulate(f.params, z, 1.0 / BATCH, grad) / BATCH;
        }
        double sdLoss = f.reference.output(f.placeholders(), "loss").get("loss").getDouble(0);
        assertThat(Math.abs(loss - sdLoss)).isLessThanOrEqualTo(1e-12 * Math.max(1, loss));

        // Pair every network weight and step logit: flat index in the Java vector ↔ SameDiff.
        List<double[]> pairs = new ArrayList<>();
        for (Net net : f.nets) {
            EnergyNetwork e = net.network;
            int width = e.width(0);
            int fanIn = e.fanIn(0);
            INDArray gW = sdGrads.get(net.prefix + "W");
            INDArray gb = sdGrads.get(net.prefix + "b");
            INDArray gw = sdGrads.get(net.prefix + "w");
            for (int j = 0; j < width; j++) {
                for (int k = 0; k < fanIn; k++) {
                    int index = net.offset + e.weightOffset(0) + j * fanIn + k;
                    pairs.add(new double[] {index, gW.getDouble(j, k)});
                }
                pairs.add(new double[] {net.offset + e.biasOffset(0) + j, gb.getDouble(0, j)});
                pairs.add(new double[] {net.offset + e.outputOffset() + j, gw.getDouble(0, j)});
            }
        }
        for (int k = 0; k < STEPS; k++) {
            INDArray gTheta = sdGrads.get("theta_" + k);
            pairs.add(new double[] {f.arch.stepLogitOffset() + k, gTheta.getDouble(0)});
        }
        assertThat(pairs).hasSize(f.arch.stepLogitOffset() + STEPS);

        double diffSq = 0;
        double normSq = 0;
        for (double[] pair : pairs) {
            int index = (int) pair[0];
            double reference = pair[1];
            double diff = grad[index] - reference;
            diffSq += diff * diff;
            normSq += reference * reference;
            assertThat(Math.abs(diff))
                    .as("parameter %d: FlowGradient %s, SameDiff %s", index, grad[index], reference)
                    .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(reference)));
        }
        assertThat(normSq).isGreaterThan(1e-6);
        assertThat(Math.sqrt(diffSq / normSq)).as("‖Δ‖/‖g‖").isLessThanOrEqualTo(1e-10);
        for (int k = 0; k < STEPS; k++) {
            assertThat(Math.abs(grad[f.arch.stepLogitOffset() + k])).isGreaterThan(1e-8);
        }
    }

    /** One network's SameDiff variables and where it sits in the flat parameter vector. */
    private static final class Net {
        final String prefix;
        final EnergyNetwork network;
        final int offset;
        SDVariable weights;
        SDVariable bias;
        SDVariable output;

        Net(String prefix, EnergyNetwork network, int offset) {
            this.prefix = prefix;
            this.network = network;
            this.offset = offset;
        }
    }

    /** A random model (identity terminal map), a batch of latent points and the SameDiff graph. */
    private static final class Fixture {
        final FlowArchitecture arch;
        final double[] params;
        final double[][] latent;
        final SameDiff reference;
        final Net[] nets;
        private final int n;
        private final int m;

        Fixture(int dim) {
            arch = TestModels.architecture(dim, STEPS, Activation.TANH, HIDDEN);
            Random random = new Random(20260 + dim);
            params = TestModels.randomParameters(arch, random);
            // Terminal map g = identity: L = 0, U off-diagonal 0, s = 0, b = 0.
            Arrays.fill(params, arch.lowerOffset(), params.length, 0.0);
            latent = new double[BATCH][dim];
            for (double[] z : latent) {
                for (int i = 0; i < dim; i++) {
                    z[i] = 1.5 * random.nextGaussian();
                }
            }
            n = arch.half();
            m = arch.casimirDim();
            nets =
                    new Net[] {
                        new Net("V_", arch.potential(), arch.potentialOffset()),
                        new Net("T_", arch.kinetic(), arch.kineticOffset())
                    };
            reference = build();
        }

        Map<String, INDArray> placeholders() {
            return Map.of("z", Nd4j.createFromArray(latent));
        }

        String[] parameterNames() {
            List<String> names = new ArrayList<>();
            for (Net net : nets) {
                names.add(net.prefix + "W");
                names.add(net.prefix + "b");
                names.add(net.prefix + "w");
            }
            for (int k = 0; k < STEPS; k++) {
                names.add("theta_" + k);
            }
            return names.toArray(new String[0]);
        }

        private SameDiff build() {
            SameDiff sd = SameDiff.create();
            int dim = arch.dim();
            SDVariable z = sd.placeHolder("z", DataType.DOUBLE, BATCH, dim);
            for (Net net : nets) {
                EnergyNetwork e = net.network;
                int width = e.width(0);
                int fanIn = e.fanIn(0);
                net.weights =
                        sd.var(
                                net.prefix + "W",
                                slice(net.offset + e.weightOffset(0), width * fanIn)
                                        .reshape('c', width, fanIn));
                net.bias =
                        sd.var(
                                net.prefix + "b",
                                slice(net.offset + e.biasOffset(0), width).reshape(1, width));
                net.output =
                        sd.var(
                                net.prefix + "w",
                                slice(net.offset + e.outputOffset(), width).reshape(1, width));
            }
            SDVariable q = sd.slice(z, new int[] {0, 0}, BATCH, n);
            SDVariable p = sd.slice(z, new int[] {0, n}, BATCH, n);
            SDVariable c = m == 0 ? null : sd.slice(z, new int[] {0, 2 * n}, BATCH, m);
            double epsMax = arch.stepSizeMax();
            Net potential = nets[0];
            Net kinetic = nets[1];
            for (int k = STEPS - 1; k >= 0; k--) {
                SDVariable theta =
                        sd.var("theta_" + k, Nd4j.scalar(params[arch.stepLogitOffset() + k]));
                SDVariable eps = sd.nn.sigmoid(theta).mul(epsMax);
                SDVariable halfEps = eps.mul(0.5);
                p = p.add(force(sd, potential, q, c).mul(halfEps));
                q = q.sub(force(sd, kinetic, p, c).mul(eps));
                p = p.add(force(sd, potential, q, c).mul(halfEps));
            }
            SDVariable z0 = m == 0 ? sd.concat("z0", 1, q, p) : sd.concat("z0", 1, q, p, c);
            sd.math.square(z0).sum(1).mean().mul("loss", 0.5);
            sd.setLossVariables("loss");
            return sd;
        }

        /**
         * ∇_block f(block, c) for f(u) = w·tanh(W u + b), u = [block, c], as explicit graph
         * operations: ((1 − tanh(h)²) ⊙ w) W, first n columns.
         */
        private SDVariable force(SameDiff sd, Net net, SDVariable block, SDVariable c) {
            SDVariable u = c == null ? block : sd.concat(1, block, c);
            SDVariable h = sd.mmul(u, net.weights, false, true, false).add(net.bias);
            SDVariable a = sd.math.tanh(h);
            SDVariable delta = a.mul(a).rsub(1.0).mul(net.output);
            SDVariable gradU = delta.mmul(net.weights);
            return c == null ? gradU : sd.slice(gradU, new int[] {0, 0}, BATCH, n);
        }

        private INDArray slice(int from, int length) {
            return Nd4j.createFromArray(Arrays.copyOfRange(params, from, from + length));
        }
    }

    private static double[] ones(int dim) {
        double[] ones = new double[dim];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }
}
