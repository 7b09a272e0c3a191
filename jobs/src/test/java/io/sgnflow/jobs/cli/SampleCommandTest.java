package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    private static Path model;

    @BeforeAll
    static void trainModel() throws Exception {
        Path data = TestData.write(shared.resolve("train.csv"), TestData.rows(400, 0, 41));
        model = shared.resolve("model.sgn");
        CliRun run = CliRun.of(TestData.fastTraining(data, model));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void writesTheRequestedNumberOfEventsUnderTheFeatureNames() throws Exception {
        Path out = dir.resolve("samples.csv");

        CliRun run = CliRun.of("sample", "--model", model, "--n", "25", "--out", out);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("f0,f1,f2");
        assertThat(lines).hasSize(26);
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",");
            assertThat(values).hasSize(3);
            for (String value : values) {
                assertThat(Double.parseDouble(value)).isFinite();
            }
        }
        assertThat(run.json().get("rows").asInt()).isEqualTo(25);
        assertThat(run.json().get("out").asText()).isEqualTo(out.toAbsolutePath().toString());
    }

    @Test
    void drawsTheSameEventsForTheSameSeed() throws Exception {
        CliRun.of("sample", "--model", model, "--n", "5", "--out", dir.resolve("a"), "--seed", "9");
        CliRun.of("sample", "--model", model, "--n", "5", "--out", dir.resolve("b"), "--seed", "9");
        CliRun.of(
                "sample", "--model", model, "--n", "5", "--out", dir.resolve("c"), "--seed", "10");

        assertThat(Files.readAllLines(dir.resolve("a")))
                .isEqualTo(Files.readAllLines(dir.resolve("b")))
                .isNotEqualTo(Files.readAllLines(dir.resolve("c")));
    }

    @Test
    void samplesFollowTheModelsDensity() throws Exception {
        // x = g(Φ(z0)) with z0 ~ N(0, I): mapped back, the samples must look standard normal.
        Path samples = dir.resolve("many.csv");
        CliRun run = CliRun.of("sample", "--model", model, "--n", "4000", "--out", samples);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        SgnFlowModel flow = ModelFile.read(model);
        List<String> lines = Files.readAllLines(samples);

        double[] sum = new double[3];
        double[] sumSq = new double[3];
        for (String line : lines.subList(1, lines.size())) {
            double[] z0 =
                    flow.encode(
                            Arrays.stream(line.split(","))
                                    .mapToDouble(Double::parseDouble)
                                    .toArray());
            for (int i = 0; i < 3; i++) {
                sum[i] += z0[i];
                sumSq[i] += z0[i] * z0[i];
            }
        }

        int n = lines.size() - 1;
        for (int i = 0; i < 3; i++) {
            double mean = sum[i] / n;
            double variance = sumSq[i] / n - mean * mean;
            // Standard errors: 0.016 for the mean, 0.022 for the variance.
            assertThat(mean).as("mean of z0[%d]", i).isCloseTo(0, offset(0.07));
            assertThat(variance).as("variance of z0[%d]", i).isCloseTo(1, offset(0.1));
        }
    }

    @Test
    void samplesCanBeScoredByTheSameModel() throws Exception {
        Path samples = dir.resolve("samples.csv");
        CliRun.of("sample", "--model", model, "--n", "50", "--out", samples);

        CliRun run =
                CliRun.of("score", "--model", model, "--data", samples, "--out", dir.resolve("s"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("scored").asInt()).isEqualTo(50);
    }

    @Test
    void requiresTheEventCount() {
        CliRun run = CliRun.of("sample", "--model", model, "--out", dir.resolve("x"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--n");
    }
}
