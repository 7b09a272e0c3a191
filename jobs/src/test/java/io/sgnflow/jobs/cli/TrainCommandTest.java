package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir Path dir;

    @Test
    void trainsOnCsvAndPrintsSummaryAsLastStdoutLine() throws Exception {
        Path data = TestData.write(dir.resolve("train.csv"), TestData.rows(400, 0, 1));
        Path model = dir.resolve("out/model.sgn");

        CliRun run = CliRun.of(TestData.fastTraining(data, model));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("rows").asInt()).isEqualTo(400);
        assertThat(json.get("features").asInt()).isEqualTo(3);
        assertThat(json.get("featureNames").toString()).isEqualTo("[\"f0\",\"f1\",\"f2\"]");
        assertThat(json.get("skippedRows").asInt()).isZero();
        assertThat(json.get("duplicatesRemoved").asInt()).isZero();
        assertThat(json.get("epochs").asInt()).isBetween(1, 4);
        assertThat(json.get("bestEpoch").asInt()).isBetween(0, 4);
        assertThat(json.get("stopReason").asText()).isNotBlank();
        assertThat(json.get("validationLogLikelihoodPerDim").isNumber()).isTrue();
        assertThat(json.get("alpha").asDouble()).isEqualTo(0.01);
        assertThat(json.get("seconds").asDouble()).isPositive();
        assertThat(json.get("modelOut").asText()).isEqualTo(model.toAbsolutePath().toString());
        SgnFlowModel written = ModelFile.read(model);
        assertThat(written.featureNames()).containsExactly("f0", "f1", "f2");
        assertThat(written.threshold().threshold()).isEqualTo(json.get("threshold").asDouble());
    }

    @Test
    void skipsAndCountsRowsWithBadValuesOrWrongFieldCount() throws Exception {
        List<String> rows = new ArrayList<>(TestData.rows(300, 0, 2));
        rows.add(5, "1.0,NaN,2.0,0");
        rows.add(9, "1.0,2.0,0");
        rows.add(20, "1.0,abc,2.0,0");
        rows.add(30, "Infinity,1.0,2.0,0");
        rows.add(40, "1.0,2.0,3.0,0,7");
        Path data = TestData.write(dir.resolve("bad.csv"), rows);

        CliRun run = CliRun.of(TestData.fastTraining(data, dir.resolve("m.sgn")));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("skippedRows").asInt()).isEqualTo(5);
        assertThat(run.json().get("rows").asInt()).isEqualTo(300);
    }

    @Test
    void neverUsesTheLabelOrExcludedColumnsAsFeatures() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String row : TestData.rows(300, 0, 3)) {
            rows.add(row + ",id" + rows.size());
        }
        Path data = TestData.write(dir.resolve("extra.csv"), TestData.HEADER + ",name", rows);
        Path model = dir.resolve("m.sgn");

        CliRun run = CliRun.of(TestData.fastTraining(data, model), "--exclude-columns", "name,f2");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(ModelFile.read(model).featureNames()).containsExactly("f0", "f1");
    }

    @Test
    void usesTheGivenLabelColumnAndModelVersion() throws Exception {
        Path data = TestData.write(dir.resolve("y.csv"), "f0,f1,f2,y", TestData.rows(300, 0, 4));
        Path model = dir.resolve("m.sgn");

        CliRun run =
                CliRun.of(
                        TestData.fastTraining(data, model),
                        "--label-column",
                        "y",
                        "--model-version",
                        "7");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        SgnFlowModel written = ModelFile.read(model);
        assertThat(written.featureNames()).containsExactly("f0", "f1", "f2");
        assertThat(written.version()).isEqualTo(7);
        assertThat(run.json().get("modelVersion").asLong()).isEqualTo(7);
    }

    @Test
    void readsGzipCompressedData() throws Exception {
        Path data =
                TestData.writeGzip(
                        dir.resolve("train.csv.gz"), TestData.HEADER, TestData.rows(300, 0, 5));

        CliRun run = CliRun.of(TestData.fastTraining(data, dir.resolve("m.sgn")));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("rows").asInt()).isEqualTo(300);
    }

    @Test
    void rejectsMissingDataFileWithExitCode2NamingThePath() {
        Path missing = dir.resolve("nope.csv");

        CliRun run = CliRun.of(TestData.fastTraining(missing, dir.resolve("m.sgn")));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("file not found").contains(missing.toString());
        assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.json().path("exitCode").asInt()).isEqualTo(2);
        assertThat(run.json().path("error").asText()).contains(missing.toString());
    }

    @Test
    void rejectsModelOutputUnderAFileNamingTheProblem() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 6));
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");

        CliRun run = CliRun.of(TestData.fastTraining(data, blocker.resolve("m.sgn")));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr())
                .contains("a file is in the way")
                .contains(blocker.toString())
                .doesNotContain("\tat ");
    }

    @Test
    void rejectsUnknownExcludedColumnNamingIt() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 6));

        CliRun run =
                CliRun.of(
                        TestData.fastTraining(data, dir.resolve("m.sgn")),
                        "--exclude-columns",
                        "f9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--exclude-columns").contains("[f9]");
    }

    @Test
    void rejectsUnsupportedActivationNamingIt() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 7));

        CliRun run =
                CliRun.of(
                        TestData.fastTraining(data, dir.resolve("m.sgn")), "--activation", "relu");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--activation").contains("'relu'");
    }

    @Test
    void rejectsNonNumericOptionValueNamingIt() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 8));

        CliRun run =
                CliRun.of(TestData.fastTraining(data, dir.resolve("m.sgn")), "--epochs", "many");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--epochs").contains("'many'");
    }

    @Test
    void rejectsInvalidTrainingSettingNamingTheValue() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 9));

        CliRun run =
                CliRun.of(
                        TestData.fastTraining(data, dir.resolve("m.sgn")),
                        "--learning-rate",
                        "-0.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("learning rate").contains("-0.5");
        assertThat(run.stderr().strip().lines()).hasSize(1);
    }

    @Test
    void printsStackTraceOnlyWithVerbose() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 10));

        CliRun run =
                CliRun.of(
                        TestData.fastTraining(data, dir.resolve("m.sgn")),
                        "--learning-rate",
                        "-0.5",
                        "--verbose");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("IllegalArgumentException").contains("\tat ");
    }

    @Test
    void refusesToWriteTheModelOverItsInputOrOntoASpecialFile() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 41));

        CliRun overInput = CliRun.of(TestData.fastTraining(data, data));
        CliRun device = CliRun.of(TestData.fastTraining(data, Path.of("/dev/null")));

        assertThat(overInput.exitCode()).isEqualTo(2);
        assertThat(overInput.stderr()).contains("--model-out").contains("also an input");
        assertThat(Files.readString(data)).startsWith(TestData.HEADER);
        assertThat(device.exitCode()).isEqualTo(2);
        assertThat(device.stderr()).contains("not a regular file");
    }

    @Test
    void writesThroughASymbolicLinkInsteadOfReplacingIt() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 42));
        Path target = dir.resolve("real.sgn");
        Path link = Files.createSymbolicLink(dir.resolve("link.sgn"), target.getFileName());

        CliRun run = CliRun.of(TestData.fastTraining(data, link));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(ModelFile.read(target).featureNames()).containsExactly("f0", "f1", "f2");
    }

    @Test
    void skipsRowsWithValuesTooLargeToStandardiseLikeNonFiniteOnes() throws Exception {
        List<String> rows = new ArrayList<>(TestData.rows(100, 0, 43));
        rows.set(10, "1e308,2,3,0");
        Path data = TestData.write(dir.resolve("t.csv"), rows);

        CliRun run = CliRun.of(TestData.fastTraining(data, dir.resolve("m.sgn")));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("skippedRows").asInt()).isEqualTo(1);
        assertThat(run.json().get("rows").asInt()).isEqualTo(99);
    }
}
