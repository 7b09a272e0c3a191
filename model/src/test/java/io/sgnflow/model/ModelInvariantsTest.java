package io.sgnflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelInvariantsTest {
    private final SgnFlowModel model =
            TestModels.random(TestModels.architecture(3, 2, Activation.TANH, 4), 5);

    @Test
    void rejectsDuplicateFeatureNames() {
        assertThatThrownBy(() -> rebuild(List.of("a", "a", "c"), model.parameters()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct")
                .hasMessageContaining("[a, a, c]");
    }

    @Test
    void rejectsATerminalMapWhoseLogDeterminantIsNotFinite() {
        FlowArchitecture arch = model.architecture();
        double[] params = model.parameters();
        params[arch.logDiagOffset()] = 1e308;
        params[arch.logDiagOffset() + 1] = 1e308;

        assertThatThrownBy(() -> rebuild(model.featureNames(), params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log-determinant");
    }

    @Test
    void scoresAnEventBeyondDoubleRangeAtTheLowestFiniteLikelihood() {
        double far = model.logLikelihood(new double[] {1e200, 0, 0});
        double near = model.logLikelihood(new double[] {1e6, 0, 0});

        assertThat(far).isEqualTo(SgnFlowModel.LOWEST_LOG_LIKELIHOOD).isFinite();
        assertThat(near).isFinite().isGreaterThan(far);
    }

    private SgnFlowModel rebuild(List<String> names, double[] params) {
        return new SgnFlowModel(
                1,
                model.createdAt(),
                names,
                model.architecture(),
                model.permutation(),
                params,
                model.standardizer(),
                model.threshold(),
                null);
    }
}
