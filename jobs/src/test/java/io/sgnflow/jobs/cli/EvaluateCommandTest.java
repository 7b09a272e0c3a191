package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgnflow.jobs.eval.DetectionMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    private static Path model;

    @BeforeAll
    static void trainModel() throws Exception {
        Path data = TestData.write(shared.resolve("train.csv"), TestData.rows(400, 0, 21));
        model = shared.resolve("model.sgn");
        CliRun run = CliRun.of(TestData.fastTraining(data, model));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void aLabelColumnThatIsAModelFeatureIsRefused() throws Exception {
        Path data = TestData.write(dir.resolve("test.csv"), TestData.rows(20, 2, 23));

        CliRun run =
                CliRun.of("evaluate", "--model", model, "--data", data, "--label-column", "f0");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
        assertThat(run.json().path("error").asText())
                .contains("--label-column: 'f0' is a feature of the model");
    }

    @Test
    void reportsMetricsThatMatchTheScoresOfTheScoreCommand() throws Exception {
        Path data = TestData.write(dir.resolve("test.csv"), TestData.rows(200, 12, 22));
        Path scores = dir.resolve("scores.csv");
        assertThat(CliRun.of("score", "--model", model, "--data", data, "--out", scores).exitCode())
                .isZero();
        List<String> lines = Files.readAllLines(scores);
        double[] anomalyScores = new double[lines.size() - 1];
        boolean[] labels = new boolean[lines.size() - 1];
        boolean[] flagged = new boolean[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = lines.get(i).split(",");
            anomalyScores[i - 1] = -Double.parseDouble(fields[0]);
            flagged[i - 1] = fields[1].equals("1");
            labels[i - 1] = fields[3].equals("1");
        }
        DetectionMetrics.Confusion confusion = DetectionMetrics.confusion(flagged, labels);

        CliRun run = CliRun.of("evaluate", "--model", model, "--data", data);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("rows").asInt()).isEqualTo(212);
        assertThat(json.get("anomalies").asInt()).isEqualTo(12);
        assertThat(json.get("aucRoc").asDouble())
                .isEqualTo(DetectionMetrics.aucRoc(anomalyScores, labels))
                .isGreaterThan(0.95);
        assertThat(json.get("aucPr").asDouble())
                .isEqualTo(DetectionMetrics.averagePrecision(anomalyScores, labels));
        assertThat(json.get("bestF1").asDouble())
                .isEqualTo(DetectionMetrics.bestF1(anomalyScores, labels).f1());
        assertThat(json.get("precision").asDouble()).isEqualTo(confusion.precision());
        assertThat(json.get("recall").asDouble()).isEqualTo(confusion.recall());
        assertThat(json.get("f1").asDouble()).isEqualTo(confusion.f1());
        assertThat(json.has("pointAdjustedF1")).isFalse();
    }

    @Test
    void addsPointAdjustedF1OnlyWhenAsked() throws Exception {
        List<String> rows = new ArrayList<>(TestData.rows(100, 0, 23));
        // One contiguous anomalous segment of five rows, only its first row far out.
        rows.set(40, TestData.line(12, -10, 3, 1));
        for (int i = 41; i < 45; i++) {
            String[] v = rows.get(i).split(",");
            rows.set(i, v[0] + "," + v[1] + "," + v[2] + ",1");
        }
        Path data = TestData.write(dir.resolve("segment.csv"), rows);

        CliRun run = CliRun.of("evaluate", "--model", model, "--data", data, "--point-adjust");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("recall").asDouble()).isLessThan(1.0);
        assertThat(json.get("pointAdjustedRecall").asDouble()).isEqualTo(1.0);
        assertThat(json.get("pointAdjustedF1").asDouble()).isGreaterThan(json.get("f1").asDouble());
    }

    @Test
    void skipsAndCountsRowsWithBadLabelsOrValues() throws Exception {
        List<String> rows = new ArrayList<>(TestData.rows(100, 5, 24));
        rows.set(3, "1.0,2.0,3.0,2");
        rows.set(4, "1.0,2.0,x,0");
        Path data = TestData.write(dir.resolve("bad.csv"), rows);

        CliRun run = CliRun.of("evaluate", "--model", model, "--data", data);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("skippedRows").asInt()).isEqualTo(2);
        assertThat(run.json().get("rows").asInt()).isEqualTo(103);
    }

    @Test
    void failsNamingAnAbsentLabelColumn() throws Exception {
        Path data = TestData.write(dir.resolve("d.csv"), TestData.rows(20, 2, 25));

        CliRun run =
                CliRun.of("evaluate", "--model", model, "--data", data, "--label-column", "truth");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--label-column").contains("'truth'");
    }

    @Test
    void failsWhenTheLabelsHaveOneClassOnly() throws Exception {
        Path data = TestData.write(dir.resolve("d.csv"), TestData.rows(20, 0, 26));

        CliRun run = CliRun.of("evaluate", "--model", model, "--data", data);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("both classes");
    }

    @Test
    void failsNamingTheFirstReasonWhenNoRowIsUsable() throws Exception {
        Path data =
                TestData.write(dir.resolve("d.csv"), List.of("1.0,oops,3.0,0", "1.0,2.0,3.0,7"));

        CliRun run = CliRun.of("evaluate", "--model", model, "--data", data);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr())
                .contains("no usable rows")
                .contains("all 2 data rows")
                .contains("'oops'");
    }
}
