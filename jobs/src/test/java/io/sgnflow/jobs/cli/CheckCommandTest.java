package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    private static Path model;
    private static Path data;

    @BeforeAll
    static void trainModel() throws Exception {
        data = TestData.write(shared.resolve("train.csv"), TestData.rows(400, 0, 31));
        model = shared.resolve("model.sgn");
        CliRun run = CliRun.of(TestData.fastTraining(data, model));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void passesOnSamplesDrawnFromTheModelWhenNoDataIsGiven() {
        CliRun run = CliRun.of("check", "--model", model);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("source").asText()).isEqualTo("model-samples");
        assertThat(json.get("rows").asInt()).isEqualTo(20);
        assertThat(json.get("roundTripMaxAbsError").asDouble()).isLessThan(1e-9);
        assertThat(json.get("roundTripMaxRelativeError").asDouble()).isLessThanOrEqualTo(1e-9);
        assertThat(json.get("flowLogDetMaxAbs").asDouble()).isLessThanOrEqualTo(1e-8);
        assertThat(json.get("logLikelihoodVsBruteForceMaxAbs").asDouble())
                .isLessThanOrEqualTo(1e-6);
        assertThat(json.get("passed").asBoolean()).isTrue();
    }

    @Test
    void checksTheRequestedNumberOfDataRows() {
        CliRun run = CliRun.of("check", "--model", model, "--data", data, "--rows", "7");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("source").asText()).isEqualTo("data");
        assertThat(run.json().get("rows").asInt()).isEqualTo(7);
        assertThat(run.json().get("passed").asBoolean()).isTrue();
    }

    @Test
    void failsAContractAboveItsLimitOrNotANumber() {
        assertThat(CheckCommand.passes(1e-12, 1e-12, 1e-9)).isTrue();
        assertThat(CheckCommand.passes(2e-9, 1e-12, 1e-9)).isFalse();
        assertThat(CheckCommand.passes(1e-12, 2e-8, 1e-9)).isFalse();
        assertThat(CheckCommand.passes(1e-12, 1e-12, 2e-6)).isFalse();
        assertThat(CheckCommand.passes(Double.NaN, 1e-12, 1e-9)).isFalse();
    }

    @Test
    void rejectsANonPositiveRowCount() {
        CliRun run = CliRun.of("check", "--model", model, "--rows", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--rows").contains("0");
    }

    @Test
    void failsWithExitCode2NamingAFileThatIsNotAModel() {
        CliRun run = CliRun.of("check", "--model", data);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains(data.toString()).contains("not a valid model file");
    }

    @Test
    void leavesOutRowsFarFromTheTrainingDataAndSaysHowMany(@TempDir Path tmp) throws Exception {
        java.util.List<String> rows = new java.util.ArrayList<>(TestData.rows(30, 0, 46));
        rows.set(0, "1e9,2,3,0");
        Path far = TestData.write(tmp.resolve("far.csv"), rows);

        CliRun run = CliRun.of("check", "--model", model, "--data", far);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("farRowsLeftOut").asInt()).isEqualTo(1);
        assertThat(run.json().get("passed").asBoolean()).isTrue();
    }
}
