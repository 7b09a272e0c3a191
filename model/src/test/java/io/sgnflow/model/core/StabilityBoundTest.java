package io.sgnflow.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.io.InvalidModelFileException;
import io.sgnflow.model.io.ModelFile;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step-size bound of DESIGN §2.1 rests on two facts checked here independently of the code that
 * enforces them: the projection keeps every hidden layer's true spectral norm ≤ ρ (and each output
 * vector ≤ β), and for such networks the force ∇V is Lipschitz with the constant {@link
 * FlowArchitecture#forceLipschitzBound()}, which sets ε_max.
 */
class StabilityBoundTest {
    /**
     * Power iteration estimates a spectral norm from below, so a projected layer can exceed ρ by
     * the estimate's error; model files are checked at load to this relative tolerance.
     */
    private static final double NORM_TOLERANCE = 1e-3;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(Activation.TANH, new int[] {16}),
                Arguments.of(Activation.SOFTPLUS, new int[] {12, 8}),
                Arguments.of(Activation.SILU, new int[] {10}),
                Arguments.of(Activation.TANH, new int[] {8, 8, 6}));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapes")
    void projectionBringsEveryLayerWithinItsNorms(Activation act, int[] hidden) {
        FlowArchitecture arch = new FlowArchitecture(7, hidden, act, 4, 2.0, 1.5);
        double[] params = inflated(arch, TestModels.randomParameters(arch, new Random(3)), 10);

        // As at the end of training: 200 power iterations.
        new SpectralNorm(arch, 5).project(params, 200);

        for (EnergyNetwork net : new EnergyNetwork[] {arch.potential(), arch.kinetic()}) {
            int base = net == arch.potential() ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                assertThat(
                                spectralNorm(
                                        params,
                                        base + net.weightOffset(l),
                                        net.width(l),
                                        net.fanIn(l)))
                        .as("layer %d", l)
                        .isLessThanOrEqualTo(arch.spectralBound() * (1 + NORM_TOLERANCE));
            }
            double norm = 0;
            for (int j = 0; j < net.width(net.layers() - 1); j++) {
                double w = params[base + net.outputOffset() + j];
                norm += w * w;
            }
            assertThat(Math.sqrt(norm)).isLessThanOrEqualTo(arch.outputNormBound() * (1 + 1e-12));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapes")
    void forceIsLipschitzWithinTheBoundAndOnlyBecauseOfTheProjection(Activation act, int[] hidden) {
        FlowArchitecture arch = new FlowArchitecture(7, hidden, act, 4, 2.0, 1.5);
        double[] params = TestModels.randomParameters(arch, new Random(7));
        new SpectralNorm(arch, 9).project(params, 300);
        double bound = arch.forceLipschitzBound();

        double projected = largestHessianNorm(arch, params, new Random(11));
        double unprojected = largestHessianNorm(arch, inflated(arch, params, 10), new Random(11));

        System.err.printf(
                "PROBE %s %s projected %.4g unprojected %.4g bound %.4g%n",
                act, java.util.Arrays.toString(hidden), projected, unprojected, bound);
        assertThat(projected).isLessThanOrEqualTo(bound);
        // Negative control: the same networks with weights ten times larger break the bound, so
        // the check above can fail.
        assertThat(unprojected).isGreaterThan(bound);
    }

    @Test
    void aModelFileWhoseNetworksBreakTheBoundIsRefusedNamingTheLayer() throws Exception {
        ObjectMapper json = new ObjectMapper();
        SgnFlowModel model =
                TestModels.random(TestModels.architecture(5, 3, Activation.TANH, 8), 11);
        ObjectNode root = (ObjectNode) json.readTree(ModelFile.toBytes(model));
        ObjectNode body = (ObjectNode) root.get("body");
        ArrayNode parameters = (ArrayNode) body.get("parameters");
        int weights =
                model.architecture().potential().width(0)
                        * model.architecture().potential().fanIn(0);
        for (int i = 0; i < weights; i++) {
            parameters.set(i, json.getNodeFactory().numberNode(10 * parameters.get(i).asDouble()));
        }
        root.put("sha256", ModelFile.sha256(json.writeValueAsBytes(body)));

        assertThatThrownBy(() -> ModelFile.fromBytes(json.writeValueAsBytes(root)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("potential V layer 1 has spectral norm")
                .hasMessageContaining("stable step-size bound");
    }

    /** A copy with every weight matrix and output vector (not the biases) scaled by factor. */
    private static double[] inflated(FlowArchitecture arch, double[] params, double factor) {
        double[] out = params.clone();
        for (EnergyNetwork net : new EnergyNetwork[] {arch.potential(), arch.kinetic()}) {
            int base = net == arch.potential() ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                int from = base + net.weightOffset(l);
                for (int i = from; i < from + net.width(l) * net.fanIn(l); i++) {
                    out[i] *= factor;
                }
            }
            int from = base + net.outputOffset();
            for (int i = from; i < from + net.width(net.layers() - 1); i++) {
                out[i] *= factor;
            }
        }
        return out;
    }

    /** Largest ‖∇²V‖₂ (finite-difference Jacobian of the force) over random points q, c. */
    private static double largestHessianNorm(
            FlowArchitecture arch, double[] params, Random random) {
        EnergyNetwork net = arch.potential();
        int n = arch.half();
        int c = arch.dim() - 2 * n;
        EnergyNetwork.Tape tape = net.newTape();
        double worst = 0;
        for (int point = 0; point < 200; point++) {
            double spread = point < 100 ? 1 : 0.2;
            double[] q = new double[n];
            double[] casimir = new double[c];
            for (int i = 0; i < n; i++) {
                q[i] = spread * random.nextGaussian();
            }
            for (int i = 0; i < c; i++) {
                casimir[i] = random.nextGaussian();
            }
            double[][] hessian = new double[n][n];
            double[] plus = new double[n];
            double[] minus = new double[n];
            double h = 1e-5;
            for (int j = 0; j < n; j++) {
                double saved = q[j];
                q[j] = saved + h;
                net.force(params, arch.potentialOffset(), q, casimir, plus, tape);
                q[j] = saved - h;
                net.force(params, arch.potentialOffset(), q, casimir, minus, tape);
                q[j] = saved;
                for (int i = 0; i < n; i++) {
                    hessian[i][j] = (plus[i] - minus[i]) / (2 * h);
                }
            }
            worst = Math.max(worst, spectralNorm(hessian));
        }
        return worst;
    }

    /** ‖W‖₂ of the rows × cols block at params[offset], by power iteration on WᵀW. */
    private static double spectralNorm(double[] params, int offset, int rows, int cols) {
        double[][] w = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(params, offset + r * cols, w[r], 0, cols);
        }
        return spectralNorm(w);
    }

    private static double spectralNorm(double[][] w) {
        int rows = w.length;
        int cols = w[0].length;
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1.0 / Math.sqrt(cols));
        v[0] += 0.1;
        double sigma = 0;
        for (int it = 0; it < 5000; it++) {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    u[r] += w[r][k] * v[k];
                }
            }
            double[] next = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    next[k] += w[r][k] * u[r];
                }
            }
            double norm = 0;
            for (double x : next) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return 0;
            }
            for (int k = 0; k < cols; k++) {
                v[k] = next[k] / norm;
            }
            sigma = Math.sqrt(norm);
        }
        return sigma;
    }
}
