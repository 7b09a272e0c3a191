package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

    @Test
    void oneEventFarOutDoesNotDecideTheComparison() {
        // 40 held-out events; the candidate is 0.5 nats/dim worse on the 39 normal ones, and both
        // models give the 40th, a value far out, about -1e300.
        double[] current = new double[40];
        double[] candidate = new double[40];
        for (int i = 0; i < 39; i++) {
            current[i] = -2.0 - 0.01 * i;
            candidate[i] = current[i] - 1.0;
        }
        current[39] = -3.7e300;
        candidate[39] = -3.7e300;

        var d = ValidationGate.evaluate(candidate, current, 2, 0.05);

        assertThat(d.reason()).isEqualTo(RejectReason.WORSE);
        assertThat(d.currentPerDim() - d.candidatePerDim()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void theTrimmedMeanLeavesOutTheLowestTwentiethOfTheScores() {
        double[] values = new double[20];
        for (int i = 0; i < 20; i++) {
            values[i] = i;
        }
        values[3] = -1000; // the lowest of 20: left out

        assertThat(ValidationGate.meanPerDim(values, 1)).isEqualTo((190.0 - 3) / 19);
        assertThat(ValidationGate.meanPerDim(new double[] {-1000, 1, 2}, 1))
                .as("fewer than 20 values: nothing left out")
                .isEqualTo(-997.0 / 3);
    }
}
