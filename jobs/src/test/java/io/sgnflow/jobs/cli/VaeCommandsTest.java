package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.vae.SgnVaeModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, score, evaluate, check and sample with {@code --model-type vae}. */
class VaeCommandsTest {
    @TempDir Path dir;

    @Test
    void trainsAVaeWithTheGivenLatentDimensionAndScoringRule() throws Exception {
        Path data = TestData.write(dir.resolve("train.csv"), TestData.rows(400, 0, 1));
        Path model = dir.resolve("vae.sgn");

        CliRun run =
                CliRun.of(
                        TestData.fastTraining(data, model),
                        "--model-type",
                        "vae",
                        "--latent-dim",
                        "2",
                        "--decoder-hidden",
                        "0",
                        "--score-kind",
                        "elbo",
                        "--score-samples",
                        "4");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("modelType").asText()).isEqualTo("sgn-vae");
        assertThat(json.get("scoreKind").asText()).isEqualTo("elbo");
        SgnVaeModel written = (SgnVaeModel) ModelFile.load(model);
        assertThat(written.architecture().latentDim()).isEqualTo(2);
        assertThat(written.architecture().decoder().hiddenWidths()).isEmpty();
        assertThat(written.scoring().samples()).isEqualTo(4);
    }

    @Test
    void scoreEvaluateCheckAndSampleAcceptAVaeAndSayWhatTheScoreIs() throws Exception {
        Path data = TestData.write(dir.resolve("d.csv"), TestData.rows(400, 12, 2));
        Path model = dir.resolve("vae.sgn");
        CliRun train = CliRun.of(TestData.fastTraining(data, model), "--model-type", "vae");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        Path scores = dir.resolve("scores.csv");

        CliRun score = CliRun.of("score", "--model", model, "--data", data, "--out", scores);
        CliRun evaluate = CliRun.of("evaluate", "--model", model, "--data", data);
        CliRun check = CliRun.of("check", "--model", model, "--data", data, "--rows", "5");
        CliRun sample =
                CliRun.of("sample", "--model", model, "--n", "50", "--out", dir.resolve("s.csv"));

        assertThat(score.exitCode()).as(score.toString()).isZero();
        assertThat(score.json().get("scoreKind").asText()).isEqualTo("iw_log_likelihood");
        List<String> lines = Files.readAllLines(scores);
        assertThat(lines.get(0)).isEqualTo("iw_log_likelihood,anomaly,tail_probability,label");
        assertThat(lines).hasSize(413);
        DensityModel loaded = ModelFile.load(model);
        String[] firstRow = Files.readAllLines(data).get(1).split(",");
        double[] first = {
            Double.parseDouble(firstRow[0]),
            Double.parseDouble(firstRow[1]),
            Double.parseDouble(firstRow[2])
        };
        assertThat(Double.parseDouble(lines.get(1).split(",")[0])).isEqualTo(loaded.score(first));

        assertThat(evaluate.exitCode()).as(evaluate.toString()).isZero();
        assertThat(evaluate.json().get("scoreKind").asText()).isEqualTo("iw_log_likelihood");
        assertThat(evaluate.json().get("aucRoc").asDouble()).isGreaterThan(0.9);

        assertThat(check.exitCode()).as(check.toString()).isZero();
        JsonNode contracts = check.json();
        assertThat(contracts.get("modelType").asText()).isEqualTo("sgn-vae");
        assertThat(contracts.get("roundTripMaxRelativeError").asDouble()).isLessThan(1e-9);
        assertThat(contracts.get("flowLogDetMaxAbs").asDouble()).isLessThan(1e-8);
        assertThat(contracts.get("logWeightVsBruteForceMaxAbs").asDouble()).isLessThan(1e-6);
        assertThat(contracts.get("passed").asBoolean()).isTrue();

        assertThat(sample.exitCode()).as(sample.toString()).isZero();
        assertThat(Files.readAllLines(dir.resolve("s.csv"))).hasSize(51);
    }

    @Test
    void vaeOptionsWithAFlowAreRejectedNamingThem() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 3));

        CliRun run =
                CliRun.of(TestData.fastTraining(data, dir.resolve("m.sgn")), "--latent-dim", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--latent-dim").contains("--model-type vae only");
    }

    @Test
    void unknownModelTypeAndScoreKindAreRejectedNamingTheValue() throws Exception {
        Path data = TestData.write(dir.resolve("t.csv"), TestData.rows(100, 0, 4));

        CliRun type =
                CliRun.of(TestData.fastTraining(data, dir.resolve("m.sgn")), "--model-type", "gan");
        CliRun kind =
                CliRun.of(
                        TestData.fastTraining(data, dir.resolve("m.sgn")),
                        "--model-type",
                        "vae",
                        "--score-kind",
                        "likelihood");
        CliRun latent =
                CliRun.of(
                        TestData.fastTraining(data, dir.resolve("m.sgn")),
                        "--model-type",
                        "vae",
                        "--latent-dim",
                        "1");

        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.stderr()).contains("--model-type").contains("'gan'");
        assertThat(kind.exitCode()).isEqualTo(2);
        assertThat(kind.stderr()).contains("--score-kind").contains("'likelihood'");
        assertThat(latent.exitCode()).isEqualTo(2);
        assertThat(latent.stderr()).contains("--latent-dim").contains("1");
    }

    @Test
    void scoreKindIdsAreTheDocumentedOnes() {
        assertThat(ScoreKind.EXACT_LOG_LIKELIHOOD.id()).isEqualTo("exact_log_likelihood");
        assertThat(ScoreKind.ELBO.id()).isEqualTo("elbo");
        assertThat(ScoreKind.IW_LOG_LIKELIHOOD.id()).isEqualTo("iw_log_likelihood");
    }
}
