package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench-pipeline} end to end on a few events: both jobs account for every event, both
 * latency runs see outputs, and the memory figures are measured. (The figures themselves are the
 * benchmark's business, not this test's.)
 */
class PipelineBenchITCase {

    @Test
    @Timeout(300)
    void runsBothJobsOverTheSameEventsAndReportsEveryFigure() {
        CliRun run =
                CliRun.of(
                        "bench-pipeline",
                        "--events",
                        "3000",
                        "--latency-seconds",
                        "2",
                        "--dim",
                        "6",
                        "--hidden",
                        "8",
                        "--steps",
                        "2",
                        "--batch-size",
                        "64");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("events").asInt()).isEqualTo(3000);
        assertThat(json.at("/passThrough/eventsPerSecond").asDouble()).isPositive();
        assertThat(json.at("/scoring/eventsPerSecond").asDouble()).isPositive();
        assertThat(json.get("ratio").asDouble()).isPositive();
        for (String mode : new String[] {"exactlyOnce", "atLeastOnce"}) {
            JsonNode latency = json.at("/latencyAtHalfRate/" + mode);
            assertThat(latency.get("measuredEvents").asInt()).as(mode).isPositive();
            assertThat(latency.get("p99Ms").asLong())
                    .as(mode)
                    .isGreaterThanOrEqualTo(latency.get("p50Ms").asLong());
        }
        assertThat(json.at("/scoringSubtaskMemory/heapBytes").asLong()).isPositive();
        assertThat(json.at("/scoringSubtaskMemory/replicasMeasured").asInt()).isEqualTo(40);
    }
}
