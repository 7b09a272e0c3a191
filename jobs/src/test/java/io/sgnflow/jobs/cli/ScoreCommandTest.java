package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    private static Path model;

    @BeforeAll
    static void trainModel() throws Exception {
        Path data = TestData.write(shared.resolve("train.csv"), TestData.rows(400, 0, 11));
        model = shared.resolve("model.sgn");
        CliRun run = CliRun.of(TestData.fastTraining(data, model));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void refusesToOverwriteItsInputAndStillEndsStdoutWithJson() throws Exception {
        Path data = TestData.write(dir.resolve("in.csv"), TestData.rows(20, 0, 3));
        String before = Files.readString(data);

        CliRun run = CliRun.of("score", "--model", model, "--data", data, "--out", data);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
        assertThat(run.stderr()).contains("is the input file");
        assertThat(run.json().path("exitCode").asInt()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
        assertThat(run.json().path("error").asText()).contains("is the input file");
        assertThat(Files.readString(data)).isEqualTo(before);
    }

    @Test
    void aColumnTheModelDoesNotKnowIsAnErrorUnlessExcluded() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String row : TestData.rows(20, 0, 4)) {
            rows.add(row + ",7");
        }
        Path data = TestData.write(dir.resolve("wide.csv"), TestData.HEADER + ",host", rows);
        Path out = dir.resolve("wide-scores.csv");

        CliRun refused = CliRun.of("score", "--model", model, "--data", data, "--out", out);
        boolean writtenWhenRefused = Files.exists(out);
        CliRun excluded =
                CliRun.of(
                        "score",
                        "--model",
                        model,
                        "--data",
                        data,
                        "--out",
                        out,
                        "--exclude-columns",
                        "host");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
        assertThat(refused.json().path("error").asText())
                .contains("has columns [host] that are not features of the model")
                .contains("--exclude-columns host");
        assertThat(writtenWhenRefused).isFalse();
        assertThat(excluded.exitCode()).as(excluded.toString()).isZero();
        assertThat(excluded.json().path("scored").asInt()).isEqualTo(20);
    }

    @Test
    void writesOneScoreRowPerInputRowInOrderWithTheLabel() throws Exception {
        List<String> rows = TestData.rows(50, 5, 12);
        Path data = TestData.write(dir.resolve("in.csv"), rows);
        Path out = dir.resolve("scores.csv");

        CliRun run = CliRun.of("score", "--model", model, "--data", data, "--out", out);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("log_likelihood,anomaly,tail_probability,label");
        assertThat(lines).hasSize(56);
        SgnFlowModel loaded = ModelFile.read(model);
        long anomalies = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] input = rows.get(i).split(",");
            String[] output = lines.get(i + 1).split(",");
            double expected =
                    loaded.logLikelihood(
                            new double[] {
                                Double.parseDouble(input[0]),
                                Double.parseDouble(input[1]),
                                Double.parseDouble(input[2])
                            });
            assertThat(Double.parseDouble(output[0])).isEqualTo(expected);
            boolean anomaly = loaded.threshold().isAnomaly(expected);
            assertThat(output[1]).isEqualTo(anomaly ? "1" : "0");
            assertThat(Double.parseDouble(output[2]))
                    .isEqualTo(loaded.threshold().tailProbability(expected));
            assertThat(output[3]).isEqualTo(input[3]);
            anomalies += anomaly ? 1 : 0;
        }
        JsonNode json = run.json();
        assertThat(json.get("rows").asInt()).isEqualTo(55);
        assertThat(json.get("scored").asInt()).isEqualTo(55);
        assertThat(json.get("rejected").asInt()).isZero();
        assertThat(json.get("anomalies").asLong()).isEqualTo(anomalies).isPositive();
        assertThat(json.get("out").asText()).isEqualTo(out.toAbsolutePath().toString());
        assertThat(json.get("rejectsFile").asText()).endsWith("scores.csv.rejects");
        assertThat(json.get("rejectsSample")).isEmpty();
    }

    @Test
    void writesBadRowsEmptyAndListsThemInRejectsWithoutAborting() throws Exception {
        List<String> rows = new ArrayList<>(TestData.rows(10, 0, 13));
        rows.set(2, "1.0,NaN,2.0,0");
        rows.set(4, "1.0,2.0,1");
        rows.set(7, "1.0,abc,2.0,1");
        Path data = TestData.write(dir.resolve("bad.csv"), rows);
        Path out = dir.resolve("scores.csv");

        CliRun run = CliRun.of("score", "--model", model, "--data", data, "--out", out);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(11);
        assertThat(lines.get(3)).isEqualTo(",,,0");
        assertThat(lines.get(5)).isEqualTo(",,,");
        assertThat(lines.get(8)).isEqualTo(",,,1");
        assertThat(lines.get(1)).doesNotStartWith(",");
        List<String> rejects = Files.readAllLines(Path.of(out + ".rejects"));
        assertThat(rejects)
                .containsExactly(
                        "line,reason",
                        "4,column 'f1': 'NaN' is not finite",
                        "6,\"row has 3 fields, header has 4\"",
                        "9,column 'f1': 'abc' is not a number");
        JsonNode json = run.json();
        assertThat(json.get("rows").asInt()).isEqualTo(10);
        assertThat(json.get("scored").asInt()).isEqualTo(7);
        assertThat(json.get("rejected").asInt()).isEqualTo(3);
        JsonNode sample = json.get("rejectsSample");
        assertThat(sample).hasSize(3);
        assertThat(sample.get(0).get("line").asInt()).isEqualTo(4);
        assertThat(sample.get(0).get("reason").asText()).contains("'f1'").contains("NaN");
        assertThat(sample.get(1).get("line").asInt()).isEqualTo(6);
        assertThat(sample.get(2).get("reason").asText()).contains("'abc'");
    }

    @Test
    void matchesFeaturesByNameWhateverTheColumnOrder() throws Exception {
        List<String> rows = TestData.rows(20, 0, 14);
        List<String> permuted = new ArrayList<>();
        for (String row : rows) {
            String[] v = row.split(",");
            permuted.add(String.join(",", v[3], v[2], "extra", v[0], v[1]));
        }
        Path straight = TestData.write(dir.resolve("a.csv"), rows);
        Path shuffled = TestData.write(dir.resolve("b.csv"), "label,f2,comment,f0,f1", permuted);

        CliRun first =
                CliRun.of("score", "--model", model, "--data", straight, "--out", dir.resolve("a"));
        CliRun second =
                CliRun.of(
                        "score",
                        "--model",
                        model,
                        "--data",
                        shuffled,
                        "--out",
                        dir.resolve("b"),
                        "--exclude-columns",
                        "comment");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(Files.readAllLines(dir.resolve("b")))
                .isEqualTo(Files.readAllLines(dir.resolve("a")));
    }

    @Test
    void omitsTheLabelColumnWhenTheInputHasNone() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String row : TestData.rows(5, 0, 15)) {
            rows.add(row.substring(0, row.lastIndexOf(',')));
        }
        Path data = TestData.write(dir.resolve("nolabel.csv"), "f0,f1,f2", rows);
        Path out = dir.resolve("s.csv");

        CliRun run = CliRun.of("score", "--model", model, "--data", data, "--out", out);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(out).get(0))
                .isEqualTo("log_likelihood,anomaly,tail_probability");
    }

    @Test
    void failsNamingMissingModelFeatures() throws Exception {
        Path data = TestData.write(dir.resolve("x.csv"), "f0,g1,label", List.of("1,2,0"));

        CliRun run =
                CliRun.of("score", "--model", model, "--data", data, "--out", dir.resolve("o"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("[f1, f2]").doesNotContain("\tat ");
    }

    @Test
    void failsWithExitCode2NamingAMissingDataFile() {
        Path missing = dir.resolve("missing.csv.gz");

        CliRun run =
                CliRun.of("score", "--model", model, "--data", missing, "--out", dir.resolve("o"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--data").contains(missing.toString());
    }

    @Test
    void failsWithExitCode2NamingAMissingModelFile() throws Exception {
        Path data = TestData.write(dir.resolve("in.csv"), TestData.rows(5, 0, 16));
        Path missing = dir.resolve("none.sgn");

        CliRun run =
                CliRun.of("score", "--model", missing, "--data", data, "--out", dir.resolve("o"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--model").contains(missing.toString());
    }

    @Test
    void failsWithExitCode2NamingWhyATruncatedModelFileIsInvalid() throws Exception {
        Path data = TestData.write(dir.resolve("in.csv"), TestData.rows(5, 0, 17));
        byte[] bytes = Files.readAllBytes(model);
        Path truncated =
                Files.write(dir.resolve("cut.sgn"), Arrays.copyOf(bytes, bytes.length / 2));

        CliRun run =
                CliRun.of("score", "--model", truncated, "--data", data, "--out", dir.resolve("o"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr())
                .contains(truncated.toString())
                .contains("not valid JSON")
                .doesNotContain("\tat ");
        assertThat(run.stderr().strip().lines()).hasSize(1);
    }

    @Test
    void failsWithExitCode2NamingAChecksumMismatch() throws Exception {
        Path data = TestData.write(dir.resolve("in.csv"), TestData.rows(5, 0, 18));
        String text = Files.readString(model, StandardCharsets.UTF_8);
        Path tampered =
                Files.writeString(dir.resolve("tampered.sgn"), text.replace("\"f0\"", "\"fx\""));

        CliRun run =
                CliRun.of("score", "--model", tampered, "--data", data, "--out", dir.resolve("o"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("checksum mismatch");
    }

    @Test
    void aRowWithABrokenQuoteIsRejectedAndEveryOtherRowScored() throws Exception {
        Path data = TestData.write(dir.resolve("train.csv"), TestData.rows(300, 0, 31));
        Path model = dir.resolve("m.sgn");
        assertThat(CliRun.of(TestData.fastTraining(data, model)).exitCode()).isZero();
        List<String> lines = new java.util.ArrayList<>(TestData.rows(50, 0, 32));
        lines.set(20, "\"0.5\"x,1,2,0");
        lines.set(30, "\"0.5,1,2,0");
        Path bad = TestData.write(dir.resolve("quotes.csv"), lines);
        Path out = dir.resolve("scores.csv");

        CliRun run = CliRun.of("score", "--model", model, "--data", bad, "--out", out);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("rows").asInt()).isEqualTo(50);
        assertThat(run.json().get("rejected").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(out)).hasSize(51);
        assertThat(Files.readString(Path.of(out + ".rejects")))
                .contains("22,malformed CSV row")
                .contains("32,malformed CSV row");
    }

    @Test
    void valuesAtTheEdgeOfTheDoubleRangeScoreAsTheLowestFiniteLogLikelihood() throws Exception {
        Path data = TestData.write(dir.resolve("train.csv"), TestData.rows(300, 0, 44));
        Path model = dir.resolve("m.sgn");
        assertThat(CliRun.of(TestData.fastTraining(data, model)).exitCode()).isZero();
        List<String> rows = new java.util.ArrayList<>(TestData.rows(20, 0, 45));
        rows.set(3, "1e308,-1e308,1e308,1");
        Path huge = TestData.write(dir.resolve("huge.csv"), rows);
        Path out = dir.resolve("scores.csv");

        CliRun run = CliRun.of("score", "--model", model, "--data", huge, "--out", out);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("rejected").asInt()).isZero();
        assertThat(Files.readAllLines(out).get(4)).startsWith("-1.7976931348623157E308,1,");
    }
}
