package io.sgnflow.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgnflow.jobs.retrain.RetrainDecision;
import io.sgnflow.model.ModelKind;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.vae.SgnVaeModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo path, shortened: generated data, small model, small windows, short budgets. */
class DemoITCase {

    @TempDir Path tmp;

    @Test
    @Timeout(240)
    void demoRunsEndToEndWithoutLosingEvents() throws Exception {
        DemoSettings s = shortened(tmp.resolve("report"));

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        DemoRun.Result result;
        try (PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8);
                DemoRun run = new DemoRun(s, new Tee(err, System.err))) {
            result = run.run();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("GENERATED").contains("Flink web UI: http://127.0.0.1:");

        JsonNode summary =
                new ObjectMapper().readTree(s.reportDir.resolve("summary.json").toFile());
        assertThat(result.lost()).isZero();
        assertThat(summary.get("lost").asLong()).isZero();
        assertThat(result.duplicates()).isZero();
        assertThat(summary.get("duplicates").asLong()).isZero();
        assertThat(summary.get("modelType").asText()).isEqualTo("sgn-flow");
        assertThat(summary.get("scoreKind").asText()).isEqualTo("exact_log_likelihood");
        long produced = summary.get("produced").asLong();
        assertThat(produced).isEqualTo(3000);
        assertThat(
                        summary.get("scored").asLong()
                                + summary.get("deadLettered").asLong()
                                + summary.get("warmup").asLong())
                .isEqualTo(produced);
        assertThat(summary.get("modelVersions").size()).isGreaterThanOrEqualTo(2);
        assertThat(summary.get("data").asText()).startsWith("generated");
        assertThat(summary.get("aucRoc").asDouble()).isGreaterThan(0.5);
        assertThat(summary.has("aucPr")).isTrue();
        assertThat(summary.has("f1")).isTrue();
        assertThat(summary.has("pointAdjustedF1")).isTrue();
        assertThat(s.reportDir.resolve("model-v1.sgn.json")).isRegularFile();
        // One decision per closed window; the published ones are the updates the demo saw.
        List<RetrainDecision> decisions =
                Files.readAllLines(s.reportDir.resolve("retrain-decisions.jsonl")).stream()
                        .map(
                                line ->
                                        RetrainDecision.fromJson(
                                                line.getBytes(StandardCharsets.UTF_8)))
                        .toList();
        assertThat(decisions).hasSize(summary.get("retrainWindows").asInt()).isNotEmpty();
        assertThat(decisions.stream().filter(RetrainDecision::published).count())
                .isEqualTo(summary.get("modelUpdatesPublished").asLong());
        assertThat(summary.get("retrainWindowsRejected").asLong())
                .isEqualTo(decisions.stream().filter(d -> !d.published()).count());
        for (String png :
                new String[] {
                    "log-likelihood.png", "roc.png", "training-curve.png", "model-version.png"
                }) {
            Path p = s.reportDir.resolve(png);
            assertThat(p).isRegularFile();
            assertThat(Files.size(p)).isPositive();
            BufferedImage image = ImageIO.read(p.toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isPositive();
        }
    }

    @Test
    @Timeout(240)
    void vaeDemoScoresEveryEventByItsBoundAndRetrainsTheVae() throws Exception {
        DemoSettings s = shortened(tmp.resolve("vae-report"));
        s.modelType = ModelKind.VAE;

        DemoRun.Result result;
        try (DemoRun run = new DemoRun(s, System.err)) {
            result = run.run();
        }

        JsonNode summary =
                new ObjectMapper().readTree(s.reportDir.resolve("summary.json").toFile());
        assertThat(result.lost()).isZero();
        assertThat(summary.get("lost").asLong()).isZero();
        assertThat(result.duplicates()).isZero();
        assertThat(summary.get("duplicates").asLong()).isZero();
        assertThat(summary.get("modelType").asText()).isEqualTo("sgn-vae");
        assertThat(summary.get("scoreKind").asText()).isEqualTo("iw_log_likelihood");
        assertThat(summary.get("produced").asLong()).isEqualTo(3000);
        assertThat(summary.get("modelVersions").size()).isGreaterThanOrEqualTo(2);
        assertThat(summary.get("aucRoc").asDouble()).isGreaterThan(0.5);
        assertThat(ModelFile.load(s.reportDir.resolve("model-v1.sgn.json")))
                .isInstanceOf(SgnVaeModel.class);
    }

    private static DemoSettings shortened(Path reportDir) {
        DemoSettings s = new DemoSettings();
        s.reportDir = reportDir;
        s.generatedFeatures = 6;
        s.generatedTrainRows = 2000;
        s.generatedTestRows = 3000;
        s.trainEpochs = 6;
        s.trainSeconds = 15;
        s.hidden = 16;
        s.steps = 2;
        s.windowEvents = 1000;
        s.reservoir = 800;
        s.minEvents = 100;
        s.retrainEpochs = 4;
        s.retrainSeconds = 4;
        s.checkpointIntervalMs = 500;
        s.drainTimeoutSeconds = 90;
        s.progress = false;
        return s;
    }

    /** Writes to two streams (the captured log and the console). */
    private static final class Tee extends PrintStream {
        private final PrintStream second;

        Tee(PrintStream first, PrintStream second) {
            super(first, true, StandardCharsets.UTF_8);
            this.second = second;
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            super.write(buf, off, len);
            second.write(buf, off, len);
        }

        @Override
        public void write(int b) {
            super.write(b);
            second.write(b);
        }

        @Override
        public void flush() {
            super.flush();
            second.flush();
        }
    }
}
