package io.sgnflow.model.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN §5 contracts 1–3 for even and odd D and K ∈ {1, 8, 64}. */
class NumericalContractsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(6, 1, Activation.TANH, new int[] {16}),
                Arguments.of(6, 8, Activation.TANH, new int[] {16}),
                Arguments.of(6, 64, Activation.TANH, new int[] {16}),
                Arguments.of(7, 1, Activation.TANH, new int[] {16}),
                Arguments.of(7, 8, Activation.TANH, new int[] {16}),
                Arguments.of(7, 64, Activation.TANH, new int[] {16}),
                Arguments.of(6, 8, Activation.SOFTPLUS, new int[] {9, 6}),
                Arguments.of(7, 64, Activation.SILU, new int[] {12}),
                Arguments.of(38, 8, Activation.TANH, new int[] {16}));
    }

    private static SgnFlowModel model(int dim, int steps) {
        return model(dim, steps, Activation.TANH, new int[] {16});
    }

    private static SgnFlowModel model(int dim, int steps, Activation act, int[] hidden) {
        FlowArchitecture arch = TestModels.architecture(dim, steps, act, hidden);
        return TestModels.random(arch, 1000L * dim + steps);
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2} {3}")
    @MethodSource("shapes")
    void roundTripIsExactToRoundingLevel(int dim, int steps, Activation act, int[] hidden) {
        SgnFlowModel model = model(dim, steps, act, hidden);
        double[][] events = TestModels.events(model, 50, 1);

        double relative = NumericalContracts.roundTripMaxRelativeError(model, events);

        assertThat(relative).isLessThanOrEqualTo(1e-9);
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2} {3}")
    @MethodSource("shapes")
    void flowHasUnitJacobianDeterminant(int dim, int steps, Activation act, int[] hidden) {
        SgnFlowModel model = model(dim, steps, act, hidden);
        double[][] events = TestModels.events(model, 5, 2);

        assertThat(NumericalContracts.flowLogDetMaxAbs(model, events)).isLessThanOrEqualTo(1e-8);
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2} {3}")
    @MethodSource("shapes")
    void inverseLogDetAtTheImageIsTheNegativeOfTheForwardOne(
            int dim, int steps, Activation act, int[] hidden) {
        SgnFlowModel model = model(dim, steps, act, hidden);
        double[] x = TestModels.events(model, 1, 3)[0];

        double forward = NumericalContracts.forwardFlowLogDet(model, x);
        double inverse = NumericalContracts.inverseFlowLogDet(model, x);

        assertThat(forward).isCloseTo(0, offset(1e-8));
        assertThat(inverse).isCloseTo(-forward, offset(1e-8));
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2} {3}")
    @MethodSource("shapes")
    void wholeInverseMapHasTheNegativeLogDetOfTheWholeForwardMap(
            int dim, int steps, Activation act, int[] hidden) {
        // x = μ + σ ⊙ g(Φ(z0)): its log-det is Σ s_i + Σ log σ_i, far from 0, so this checks that
        // encode inverts decode to first order where Φ alone (log-det 0) could not tell.
        SgnFlowModel model = model(dim, steps, act, hidden);
        double[] z0 = new double[dim];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < dim; i++) {
            z0[i] = random.nextGaussian();
        }
        double[] x = model.decode(z0);
        double[] latentSteps = new double[dim];
        double[] dataSteps = new double[dim];
        for (int i = 0; i < dim; i++) {
            latentSteps[i] = 1e-5;
            dataSteps[i] = 1e-5 * model.standardizer().scale()[i];
        }
        double closedForm = -model.standardizer().logDet();
        for (int i = 0; i < dim; i++) {
            closedForm += model.parameters()[model.architecture().logDiagOffset() + i];
        }

        double forward = NumericalContracts.jacobianLogDet(model::decode, z0, latentSteps);
        double inverse = NumericalContracts.jacobianLogDet(model::encode, x, dataSteps);

        assertThat(Math.abs(closedForm)).isGreaterThan(0.1);
        assertThat(forward).isCloseTo(closedForm, offset(1e-6));
        assertThat(inverse).isCloseTo(-forward, offset(1e-6));
    }

    @Test
    void aStateDependentStepSizeChangesVolumeAndTheCheckSeesIt() {
        // Negative control: the same leapfrog step, once with its fixed ε and once with ε growing
        // with ‖q‖ (the adaptive rule DESIGN §2.1 forbids). The finite-difference check must pass
        // the first and flag the second.
        SgnFlowModel model = model(6, 1);
        FlowArchitecture arch = model.architecture();
        double[] params = model.parameters();
        double[] z = model.encode(TestModels.events(model, 1, 8)[0]);
        double[] steps = new double[6];
        java.util.Arrays.fill(steps, 1e-5);

        double fixed =
                NumericalContracts.jacobianLogDet(
                        in -> leapfrogStep(arch, params, in, 0), z, steps);
        double adaptive =
                NumericalContracts.jacobianLogDet(
                        in -> {
                            double q2 = 0;
                            for (int i = 0; i < 3; i++) {
                                q2 += in[i] * in[i];
                            }
                            return leapfrogStep(arch, params, in, Math.sqrt(q2));
                        },
                        z,
                        steps);

        assertThat(fixed).isCloseTo(0, offset(1e-8));
        assertThat(Math.abs(adaptive)).isGreaterThan(1e-3);
    }

    /** One forward leapfrog step with the step logit of step 0 raised by {@code logitShift}. */
    private static double[] leapfrogStep(
            FlowArchitecture arch, double[] params, double[] in, double logitShift) {
        double[] shifted = params.clone();
        shifted[arch.stepLogitOffset()] += logitShift;
        PhaseState state = new PhaseState(arch);
        state.load(in);
        new LeapfrogIntegrator(arch).forwardStep(shifted, 0, state);
        double[] out = new double[in.length];
        state.store(out);
        return out;
    }

    @ParameterizedTest(name = "D={0}, K={1}, {2} {3}")
    @MethodSource("shapes")
    void exactLogLikelihoodEqualsBruteForceChangeOfVariables(
            int dim, int steps, Activation act, int[] hidden) {
        SgnFlowModel model = model(dim, steps, act, hidden);
        double[][] events = TestModels.events(model, 5, 4);

        assertThat(NumericalContracts.logLikelihoodVsBruteForceMaxAbs(model, events))
                .isLessThanOrEqualTo(1e-6);
    }

    @Test
    void determinantCheckDetectsAVolumeChangingMap() {
        double[][] stretch = {{2, 0.5}, {0, 3}};

        assertThat(NumericalContracts.logAbsDet(stretch)).isCloseTo(Math.log(6), offset(1e-12));
    }

    @Test
    void flowIsGenuinelyNonlinearInTheseTests() {
        // Guards the contracts above against passing on a near-identity flow.
        SgnFlowModel model = model(6, 8);
        double[] x = TestModels.events(model, 1, 5)[0];
        double[] z0 = model.encode(x);
        double[] y = new double[6];
        model.standardizer().apply(x, y);
        double[] scratch = new double[6];
        double[] z = new double[6];
        model.terminalMap().inverse(model.parameters(), y, scratch, scratch, z);

        double moved = 0;
        for (int i = 0; i < 6; i++) {
            moved = Math.max(moved, Math.abs(z0[i] - z[i]));
        }
        assertThat(moved).isGreaterThan(0.1);
    }
}
