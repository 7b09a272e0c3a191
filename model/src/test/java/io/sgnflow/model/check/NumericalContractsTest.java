package io.sgnflow.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN §5 contracts 1–3 for even and odd D and K ∈ {1, 8, 64}. */
class NumericalContractsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(6, 1),
                Arguments.of(6, 8),
                Arguments.of(6, 64),
                Arguments.of(7, 1),
                Arguments.of(7, 8),
                Arguments.of(7, 64),
                Arguments.of(38, 8));
    }

    private static SgnFlowModel model(int dim, int steps) {
        FlowArchitecture arch = TestModels.architecture(dim, steps, Activation.TANH, 16);
        return TestModels.random(arch, 1000L * dim + steps);
    }

    @ParameterizedTest(name = "D={0}, K={1}")
    @MethodSource("shapes")
    void roundTripIsExactToRoundingLevel(int dim, int steps) {
        SgnFlowModel model = model(dim, steps);
        double[][] events = TestModels.events(model, 50, 1);

        double relative = NumericalContracts.roundTripMaxRelativeError(model, events);

        assertThat(relative).isLessThanOrEqualTo(1e-9);
    }

    @ParameterizedTest(name = "D={0}, K={1}")
    @MethodSource("shapes")
    void flowHasUnitJacobianDeterminant(int dim, int steps) {
        SgnFlowModel model = model(dim, steps);
        double[][] events = TestModels.events(model, 5, 2);

        assertThat(NumericalContracts.flowLogDetMaxAbs(model, events)).isLessThanOrEqualTo(1e-8);
    }

    @ParameterizedTest(name = "D={0}, K={1}")
    @MethodSource("shapes")
    void inverseLogDetIsTheNegativeOfTheForwardOne(int dim, int steps) {
        SgnFlowModel model = model(dim, steps);
        double[] x = TestModels.events(model, 1, 3)[0];

        double forward = NumericalContracts.forwardFlowLogDet(model, x);
        double inverse = NumericalContracts.inverseFlowLogDet(model, x);

        assertThat(inverse).isCloseTo(-forward, org.assertj.core.data.Offset.offset(1e-8));
    }

    @ParameterizedTest(name = "D={0}, K={1}")
    @MethodSource("shapes")
    void exactLogLikelihoodEqualsBruteForceChangeOfVariables(int dim, int steps) {
        SgnFlowModel model = model(dim, steps);
        double[][] events = TestModels.events(model, 5, 4);

        assertThat(NumericalContracts.logLikelihoodVsBruteForceMaxAbs(model, events))
                .isLessThanOrEqualTo(1e-6);
    }

    @Test
    void determinantCheckDetectsAVolumeChangingMap() {
        double[][] stretch = {{2, 0.5}, {0, 3}};

        assertThat(NumericalContracts.logAbsDet(stretch))
                .isCloseTo(Math.log(6), org.assertj.core.data.Offset.offset(1e-12));
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
