package io.sgnflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SgnCliTest {
    @TempDir Path dir;

    static List<String> subcommands() {
        return List.copyOf(SgnCli.newCommandLine().getSubcommands().keySet());
    }

    @Test
    void registersTheDocumentedSubcommands() {
        assertThat(subcommands()).contains("train", "score", "evaluate", "check", "sample");
    }

    @ParameterizedTest
    @MethodSource("subcommands")
    void showsHelpForEveryCommand(String command) {
        CliRun run = CliRun.of(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("Usage: sgn-flink " + command);
    }

    static List<String> ownSubcommands() {
        return subcommands().stream().filter(name -> !name.equals("help")).toList();
    }

    @ParameterizedTest
    @MethodSource("ownSubcommands")
    void showsTheVersionForEveryCommand(String command) {
        CliRun run = CliRun.of(command, "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("sgn-flink").contains("model file format");
    }

    @Test
    void showsTopLevelHelpAndVersion() {
        assertThat(CliRun.of("--help").stdout()).contains("Usage: sgn-flink").contains("train");
        assertThat(CliRun.of("--version").stdout()).startsWith("sgn-flink ");
    }

    @Test
    void refusesToDetachAJobThatWouldDieWithThisJvm() {
        String[] common = {
            "--bootstrap-servers", "127.0.0.1:9", "--input-topic", "e", "--detached"
        };
        for (List<String> command :
                List.of(
                        List.of("score-stream"),
                        List.of("retrain-stream", "--model-store", "file:///tmp/sgn-unused"))) {
            CliRun run = CliRun.of(command, (Object[]) common);

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(SgnCli.EXIT_BAD_INPUT);
            assertThat(run.json().path("error").asText())
                    .contains("--detached needs a Flink cluster");
        }
    }

    @Test
    void rejectsAnUnknownOptionWithExitCode2NamingIt() {
        CliRun run = CliRun.of("sample", "--model", "m", "--n", "1", "--out", "o", "--bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--bogus");
        assertThat(run.stderr().strip().lines()).hasSize(2);
    }

    @Test
    void rejectsAMissingSubcommandWithExitCode2() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("subcommand");
    }

    @Test
    void aBadConfigFileEndsStdoutWithTheErrorJson() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "foo: 1\n");

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        int code;
        try {
            System.setOut(
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            code = SgnCli.run(new String[] {"retrain-stream", "--config", config.toString()});
        } finally {
            System.setOut(saved);
        }

        assertThat(code).isEqualTo(2);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
                .endsWith("}")
                .contains("\"command\":\"retrain-stream\"")
                .contains("unknown setting 'foo'")
                .contains("\"exitCode\":2");
    }
}
