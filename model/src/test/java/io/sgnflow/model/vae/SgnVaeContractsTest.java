package io.sgnflow.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.check.VaeContracts;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.io.ModelFile;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The latent core of an SGN-VAE keeps SGN-Flow's contracts (exact inverse, unit Jacobian), which is
 * why its ELBO carries no Jacobian term; and scoring is a fixed function of the event.
 */
class SgnVaeContractsTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(6, 2, 1, Activation.TANH),
                Arguments.of(6, 3, 8, Activation.TANH),
                Arguments.of(9, 5, 64, Activation.SOFTPLUS),
                Arguments.of(4, 8, 8, Activation.SILU));
    }

    @ParameterizedTest(name = "D={0}, L={1}, K={2}, {3}")
    @MethodSource("shapes")
    void latentCoreIsExactlyInvertibleAndVolumePreserving(
            int dim, int latent, int steps, Activation act) {
        SgnVaeModel model = randomModel(dim, latent, steps, act);
        double[][] events = events(model, 10, 31);

        assertThat(VaeContracts.latentRoundTripMaxRelativeError(model, events))
                .isLessThanOrEqualTo(1e-9);
        assertThat(VaeContracts.latentFlowLogDetMaxAbs(model, events)).isLessThanOrEqualTo(1e-8);
    }

    @ParameterizedTest(name = "D={0}, L={1}, K={2}, {3}")
    @MethodSource("shapes")
    void logWeightNeedsNoJacobianTerm(int dim, int latent, int steps, Activation act) {
        SgnVaeModel model = randomModel(dim, latent, steps, act);
        double[][] events = events(model, 5, 32);

        // Brute force: density of z_K by the change of variables with a finite-difference
        // Jacobian of Φ; the model's weight, which has no such term, must agree.
        assertThat(VaeContracts.logWeightVsBruteForceMaxAbs(model, events, 3, 33))
                .isLessThanOrEqualTo(1e-6);
    }

    @Test
    void latentCoreMovesThePoint() {
        // Guards the contracts above against a core that does nothing.
        SgnVaeModel model = randomModel(6, 4, 8, Activation.TANH);
        VaeArchitecture arch = model.architecture();
        io.sgnflow.model.core.PhaseState state = new io.sgnflow.model.core.PhaseState(arch.core());
        double[] z = {0.5, -1, 0.3, 1.2};
        state.load(z);
        new LeapfrogIntegrator(arch.core()).forward(model.parameters(), state);
        double[] out = new double[4];
        state.store(out);

        double moved = 0;
        for (int i = 0; i < 4; i++) {
            moved = Math.max(moved, Math.abs(out[i] - z[i]));
        }
        assertThat(moved).isGreaterThan(0.05);
    }

    static Stream<Arguments> kernelShapes() {
        return Stream.of(
                Arguments.of(6, 3, 4, Activation.TANH, new int[] {6}, 16),
                Arguments.of(7, 4, 8, Activation.SOFTPLUS, new int[] {}, 5),
                Arguments.of(5, 5, 2, Activation.SILU, new int[] {4, 3}, 37));
    }

    @ParameterizedTest(name = "D={0}, L={1}, K={2}, {3}, decoder={4}, k={5}")
    @MethodSource("kernelShapes")
    void simdWeightsEqualTheScalarOnes(
            int dim, int latent, int steps, Activation act, int[] decoder, int draws) {
        VaeArchitecture arch =
                TestVaes.architecture(dim, latent, steps, act, new int[] {8}, decoder);
        SgnVaeModel model = TestVaes.random(arch, ScoreKind.IW_LOG_LIKELIHOOD, draws, 50 + dim);
        VaeScorer simd = new VaeScorer(model, true);
        VaeScorer scalar = new VaeScorer(model, false);
        assertThat(simd.kernel()).startsWith("vector");
        assertThat(scalar.kernel()).isEqualTo("scalar");

        for (double[] x : events(model, 12, 51)) {
            double expectedIw = scalar.importanceWeighted(x);
            double expectedElbo = scalar.elbo(x);
            assertThat(simd.importanceWeighted(x))
                    .isCloseTo(
                            expectedIw,
                            org.assertj.core.data.Offset.offset(
                                    1e-10 * Math.max(1, Math.abs(expectedIw))));
            assertThat(simd.elbo(x))
                    .isCloseTo(
                            expectedElbo,
                            org.assertj.core.data.Offset.offset(
                                    1e-10 * Math.max(1, Math.abs(expectedElbo))));
        }
    }

    @Test
    void scoreIsTheSameAloneInABatchInAnotherScorerAndAfterReloading() {
        SgnVaeModel model = randomModel(6, 3, 4, Activation.TANH);
        double[][] batch = events(model, 7, 34);
        double[] alone = new double[batch.length];
        VaeScorer first = model.newScorer();
        for (int i = 0; i < batch.length; i++) {
            alone[i] = first.score(batch[i]);
        }

        double[] inBatch = new double[batch.length];
        model.newScorer().scores(batch, batch.length, inBatch);
        SgnVaeModel reloaded = (SgnVaeModel) ModelFile.load(ModelFile.toBytes(model));
        VaeScorer second = reloaded.newScorer();
        double[] reversed = new double[batch.length];
        for (int i = batch.length - 1; i >= 0; i--) {
            reversed[i] = second.score(batch[i]);
        }

        assertThat(inBatch).containsExactly(alone);
        assertThat(reversed).containsExactly(alone);
        assertThat(first.score(batch[0])).isEqualTo(alone[0]);
    }

    @Test
    void importanceWeightedBoundIsAtLeastTheElboWithTheSameDraws() {
        // Jensen: log mean exp(w) ≥ mean w for the same draws, event by event.
        SgnVaeModel model = randomModel(6, 3, 4, Activation.TANH);
        VaeScorer scorer = model.newScorer();

        for (double[] x : events(model, 20, 35)) {
            assertThat(scorer.importanceWeighted(x)).isGreaterThanOrEqualTo(scorer.elbo(x));
        }
    }

    @Test
    void extremeEventGetsTheSameFiniteVeryLowScoreAloneAndInABatch() {
        SgnVaeModel model = randomModel(5, 3, 4, Activation.TANH);
        double[] extreme = {1e6, -1e6, 1e6, -1e6, 1e6};
        double[][] batch = events(model, 4, 36);
        double[][] mixed = {batch[0], extreme, batch[1], batch[2]};
        VaeScorer scorer = model.newScorer();

        double alone = scorer.score(extreme);
        double[] out = new double[mixed.length];
        scorer.scores(mixed, mixed.length, out);

        assertThat(alone).isFinite().isLessThan(-1e6);
        assertThat(out[1]).isEqualTo(alone);
        assertThat(out[0]).isGreaterThan(alone);
    }

    @Test
    void rejectsEventsOfTheWrongLengthOrWithNonFiniteValues() {
        SgnVaeModel model = randomModel(5, 3, 2, Activation.TANH);
        VaeScorer scorer = model.newScorer();

        assertThatThrownBy(() -> scorer.score(new double[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event has 4 features, model expects 5");
        assertThatThrownBy(() -> scorer.score(new double[] {0, 0, Double.NaN, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature 'f2' is NaN");
    }

    @Test
    void scoreKindIsTheScoringRules() {
        assertThat(randomModel(4, 2, 1, Activation.TANH).scoreKind())
                .isEqualTo(ScoreKind.IW_LOG_LIKELIHOOD);
        assertThatThrownBy(() -> new VaeScoring(ScoreKind.EXACT_LOG_LIKELIHOOD, 4, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("elbo or iw_log_likelihood");
        assertThatThrownBy(() -> new VaeScoring(ScoreKind.ELBO, 0, 1))
                .hasMessageContaining("samples must be in [1, 4096], was 0");
    }

    static SgnVaeModel randomModel(int dim, int latent, int steps, Activation act) {
        VaeArchitecture arch =
                TestVaes.architecture(dim, latent, steps, act, new int[] {8}, new int[] {6});
        return TestVaes.random(arch, ScoreKind.IW_LOG_LIKELIHOOD, 8, 40 + dim + latent + steps);
    }

    /** Events drawn from the model itself, so they sit where it puts mass. */
    static double[][] events(SgnVaeModel model, int n, long seed) {
        return model.sample(n, new Random(seed));
    }
}
