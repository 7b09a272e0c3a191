package io.sgnflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.jobs.config.ConfigFileDefaults;
import java.nio.file.Path;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ScoreStreamCommandTest {

    @Test
    void theShippedConfigFileParsesIntoTheDocumentedSettings() throws Exception {
        String[] args = {"--config", Path.of("..", "deploy", "config", "scoring.yaml").toString()};
        ScoreStreamCommand command = new ScoreStreamCommand();
        CommandLine cli = new CommandLine(command);
        ConfigFileDefaults.install(cli, args);
        cli.parseArgs(args);

        ScoringConfig c = command.toConfig();

        assertThat(c.inputTopic()).isEqualTo("events");
        assertThat(c.scoresTopic()).isEqualTo("sgn-scores");
        assertThat(c.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.transactionTimeoutMs()).isEqualTo(600_000);
        assertThat(c.batchSize()).isEqualTo(256);
    }

    @Test
    void aDeadLetterTopicThatIsTheInputTopicIsRefusedNamingBothOptions() {
        ScoringConfig.Builder builder =
                ScoringConfig.builder()
                        .bootstrapServers("127.0.0.1:9092")
                        .inputTopic("events")
                        .deadLetterTopic("events");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "--dead-letter-topic and --input-topic both name topic 'events': every"
                                + " topic of a job must differ");
    }

    @Test
    void theClusterEntryPointThrowsWithTheErrorInsteadOfExitingTheJvm() {
        // On a session cluster main() runs inside the JobManager: System.exit would stop it.
        assertThatThrownBy(
                        () ->
                                ScoringJob.main(
                                        new String[] {
                                            "--bootstrap-servers", "127.0.0.1:9",
                                            "--input-topic", "e",
                                            "--window-size-ms", "30000"
                                        }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("score-stream failed (exit code 2)")
                .hasMessageContaining("Unknown options: '--window-size-ms', '30000'");
    }

    @Test
    void theShippedConfigFileNamesEveryOption() throws Exception {
        String text =
                java.nio.file.Files.readString(Path.of("..", "deploy", "config", "scoring.yaml"));
        for (var option : new CommandLine(new ScoreStreamCommand()).getCommandSpec().options()) {
            String key = option.longestName().substring(2);
            if (!key.equals("config") && !key.equals("help") && !key.equals("version")) {
                assertThat(text)
                        .as("option --%s in scoring.yaml", key)
                        .containsPattern("(?m)^(# ?)?" + java.util.regex.Pattern.quote(key) + ":");
            }
        }
    }
}
