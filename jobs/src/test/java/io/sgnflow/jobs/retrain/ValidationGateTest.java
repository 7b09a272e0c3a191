package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ValidationGateTest {

    @Test
    void acceptsABetterOrEqualCandidate() {
        var d = ValidationGate.evaluate(new double[] {-3, -3}, new double[] {-6, -6}, 3, 0.0);
        assertThat(d.accepted()).isTrue();
        assertThat(d.candidatePerDim()).isEqualTo(-1.0);
        assertThat(d.currentPerDim()).isEqualTo(-2.0);
        assertThat(ValidationGate.evaluate(new double[] {-3}, new double[] {-3}, 3, 0).accepted())
                .isTrue();
    }

    @Test
    void acceptsASlightlyWorseCandidateWithinTheTolerance() {
        // 0.3 nats over 3 dimensions = 0.1 nats/dim worse.
        double[] current = {-3.0};
        double[] candidate = {-3.3};
        assertThat(ValidationGate.evaluate(candidate, current, 3, 0.1 + 1e-12).accepted()).isTrue();
        var d = ValidationGate.evaluate(candidate, current, 3, 0.05);
        assertThat(d.accepted()).isFalse();
        assertThat(d.reason()).isEqualTo(RejectReason.WORSE);
        assertThat(d.message()).contains("-1.1000").contains("-1.0000");
    }

    @Test
    void rejectsANonFiniteCandidateEvenOnAColdStart() {
        var d = ValidationGate.evaluate(new double[] {-1, Double.NaN, -2}, null, 1, 1.0);
        assertThat(d.reason()).isEqualTo(RejectReason.NON_FINITE);
        assertThat(d.message()).contains("1 of 3");
        d =
                ValidationGate.evaluate(
                        new double[] {Double.NEGATIVE_INFINITY}, new double[] {-1}, 1, 1);
        assertThat(d.reason()).isEqualTo(RejectReason.NON_FINITE);
    }

    @Test
    void coldStartChecksOnlyFiniteness() {
        var d = ValidationGate.evaluate(new double[] {-100, -200}, null, 2, 0);
        assertThat(d.accepted()).isTrue();
        assertThat(d.currentPerDim()).isNaN();
    }

    @Test
    void aCurrentModelThatFailsOnSomeEventCountsAsMinusInfinity() {
        var d =
                ValidationGate.evaluate(
                        new double[] {-50, -60}, new double[] {-1, Double.NaN}, 2, 0);
        assertThat(d.accepted()).isTrue();
        assertThat(d.currentPerDim()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void noHeldOutEventsIsARejection() {
        assertThat(ValidationGate.evaluate(new double[0], null, 2, 0).reason())
                .isEqualTo(RejectReason.TOO_FEW_EVENTS);
    }
}
