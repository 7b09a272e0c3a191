package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train and evaluate on the real ODDS thyroid table (3,772 × 6, 93 anomalies) from the shared data
 * directory beside the repository; a few epochs are enough to beat AUC-ROC 0.9.
 */
class ThyroidRealDataTest {
    @TempDir Path dir;

    @Test
    void detectsThyroidAnomaliesWithAucRocAbove0point9() {
        Path data = sharedData("thyroid/thyroid.csv.gz");
        Path model = dir.resolve("thyroid.sgn");

        CliRun train =
                CliRun.of(
                        "train",
                        "--data",
                        data,
                        "--model-out",
                        model,
                        "--epochs",
                        "8",
                        "--seed",
                        "1");
        CliRun evaluate = CliRun.of("evaluate", "--model", model, "--data", data);

        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.json().get("rows").asInt()).isEqualTo(3772);
        assertThat(train.json().get("features").asInt()).isEqualTo(6);
        assertThat(evaluate.exitCode()).as(evaluate.toString()).isZero();
        JsonNode metrics = evaluate.json();
        assertThat(metrics.get("anomalies").asInt()).isEqualTo(93);
        assertThat(metrics.get("aucRoc").asDouble()).isGreaterThan(0.9);
    }

    @Test
    void vaeTrainingRaisesTheElboOnThyroidAndDetectsItsAnomalies() throws Exception {
        Path data = sharedData("thyroid/thyroid.csv.gz");
        Path model = dir.resolve("thyroid-vae.sgn");

        CliRun train =
                CliRun.of(
                        "train",
                        "--model-type",
                        "vae",
                        "--data",
                        data,
                        "--model-out",
                        model,
                        "--epochs",
                        "15",
                        "--seed",
                        "1");
        CliRun evaluate = CliRun.of("evaluate", "--model", model, "--data", data);

        assertThat(train.exitCode()).as(train.toString()).isZero();
        TrainingSummary training = ModelFile.load(model).training();
        double initialElbo = training.history().get(0).validationLogLikelihoodPerDim();
        assertThat(training.validationLogLikelihoodPerDim()).isGreaterThan(initialElbo + 0.15);
        assertThat(evaluate.exitCode()).as(evaluate.toString()).isZero();
        assertThat(evaluate.json().get("scoreKind").asText()).isEqualTo("iw_log_likelihood");
        assertThat(evaluate.json().get("aucRoc").asDouble()).isGreaterThan(0.85);
    }

    /** A file under shared/data, the sibling of the repository root (the dir holding .ci). */
    static Path sharedData(String relative) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve(".ci"))) {
            root = root.getParent();
        }
        assertThat(root)
                .as("repository root (directory with .ci) above the working dir")
                .isNotNull();
        Path file = root.resolve("../shared/data").resolve(relative).normalize();
        assertThat(file).as("shared data file").exists();
        return file;
    }
}
