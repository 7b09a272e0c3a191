package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.jobs.config.ConfigFileDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RetrainStreamCommandTest {
    @TempDir Path dir;

    private static RetrainConfig parse(String... args) throws Exception {
        RetrainStreamCommand command = new RetrainStreamCommand();
        CommandLine cli = new CommandLine(command);
        ConfigFileDefaults.install(cli, args);
        cli.parseArgs(args);
        return command.toConfig();
    }

    @Test
    void defaultsAreTumblingTenMinuteWindowsWithATwentySecondBudget() throws Exception {
        RetrainConfig c =
                parse(
                        "--bootstrap-servers", "b:9092",
                        "--input-topic", "events",
                        "--model-store", "file:///tmp/store");
        assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.windowSlide()).isNull();
        assertThat(c.maxTrainingSeconds()).isEqualTo(20.0);
        assertThat(c.modelUpdatesTopic()).isEqualTo("sgn-model-updates");
        assertThat(c.excludeAnomalies()).isTrue();
        assertThat(RetrainingJob.windows(c)).isInstanceOf(TumblingEventTimeWindows.class);
    }

    @Test
    void readsAConfigFileAndTheCommandLineWins() throws Exception {
        Path file = dir.resolve("retrain.yaml");
        Files.writeString(
                file,
                "bootstrap-servers: b:9092\n"
                        + "input-topic: events\n"
                        + "model-store: file:///tmp/store\n"
                        + "window-size-ms: 120000\n"
                        + "window-slide-ms: 60000\n"
                        + "tolerance: 0.1\n"
                        + "feature-names: a, b ,c\n"
                        + "exclude-anomalies: false\n");
        RetrainConfig c = parse("--config", file.toString(), "--tolerance", "0.2");
        assertThat(c.tolerance()).isEqualTo(0.2);
        assertThat(c.windowSlide()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.featureNames()).containsExactly("a", "b", "c");
        assertThat(c.excludeAnomalies()).isFalse();
        assertThat(RetrainingJob.windows(c)).isInstanceOf(SlidingEventTimeWindows.class);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap-servers", "b:9092",
                                        "--input-topic", "events"))
                .hasMessageContaining("--model-store must be set");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap-servers", "b:9092",
                                        "--input-topic", "events",
                                        "--model-store", "file:///s",
                                        "--tolerance", "-1"))
                .hasMessageContaining("tolerance");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap-servers", "b:9092",
                                        "--input-topic", "events",
                                        "--model-store", "file:///s",
                                        "--window-size-ms", "1000",
                                        "--window-slide-ms", "5000"))
                .hasMessageContaining("window slide")
                .hasMessageContaining("1000 ms")
                .hasMessageContaining("was 5000 ms");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap-servers", "b:9092",
                                        "--input-topic", "events",
                                        "--model-store", "file:///s",
                                        "--window-slide-ms", "-5"))
                .hasMessageContaining("was -5 ms");
    }

    @Test
    void theShippedConfigFileParsesIntoTheDocumentedSettings() throws Exception {
        Path shipped = Path.of("..", "deploy", "config", "retraining.yaml");

        RetrainConfig c = parse("--config", shipped.toString());

        assertThat(c.scoresTopic()).isEqualTo("sgn-scores");
        assertThat(c.modelType()).isEqualTo(io.sgnflow.model.ModelKind.FLOW);
        assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.modelStore()).isEqualTo("file:///var/lib/sgn/models");
        assertThat(c.maxTrainingSeconds()).isEqualTo(20.0);
    }

    @Test
    void theShippedConfigFileNamesEveryOption() throws Exception {
        String text =
                java.nio.file.Files.readString(
                        Path.of("..", "deploy", "config", "retraining.yaml"));
        for (var option : new CommandLine(new RetrainStreamCommand()).getCommandSpec().options()) {
            String key = option.longestName().substring(2);
            if (!key.equals("config") && !key.equals("help") && !key.equals("version")) {
                assertThat(text)
                        .as("option --%s in retraining.yaml", key)
                        .containsPattern("(?m)^(# ?)?" + java.util.regex.Pattern.quote(key) + ":");
            }
        }
    }
}
