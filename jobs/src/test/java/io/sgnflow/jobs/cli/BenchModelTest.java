package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --model FILE}: a trained model of either kind through the job's scorer. */
class BenchModelTest {
    @TempDir Path dir;

    @Test
    void measuresATrainedFlowAndVaeAndSaysWhichModelAndKernel() throws Exception {
        Path data = TestData.write(dir.resolve("d.csv"), TestData.rows(300, 0, 3));
        for (String type : new String[] {"flow", "vae"}) {
            Path model = dir.resolve(type + ".sgn");
            CliRun train = CliRun.of(TestData.fastTraining(data, model), "--model-type", type);
            assertThat(train.exitCode()).as(train.toString()).isZero();

            CliRun bench =
                    CliRun.of("bench", "--model", model, "--batch", "64", "--seconds", "0.2");

            assertThat(bench.exitCode()).as(bench.toString()).isZero();
            JsonNode json = bench.json();
            assertThat(json.get("model").asText()).isEqualTo(model.toString());
            assertThat(json.get("modelType").asText()).isEqualTo("sgn-" + type);
            assertThat(json.get("dim").asInt()).isEqualTo(3);
            assertThat(json.get("batch").asInt()).isEqualTo(64);
            assertThat(json.get("kernel").asText()).matches("scalar|vector \\(.*\\)");
            assertThat(json.get("eventsPerSecond").asDouble()).isPositive();
            assertThat(json.get("batch1").get("eventsPerSecond").asDouble()).isPositive();
            assertThat(json.has("hidden")).as("no reference-shape fields").isFalse();
        }
    }

    @Test
    void rejectsAMissingFileAndTheTrainCombinationByName() {
        Path missing = dir.resolve("none.sgn");

        CliRun absent = CliRun.of("bench", "--model", missing);
        CliRun withTrain = CliRun.of("bench", "--model", missing, "--train");

        assertThat(absent.exitCode()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
        assertThat(absent.json().get("error").asText()).contains(missing.toString());
        assertThat(withTrain.exitCode()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
        assertThat(withTrain.json().get("error").asText())
                .contains("--model and --train cannot be combined");
    }
}
