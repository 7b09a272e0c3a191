package io.sgnflow.jobs.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgnflow.jobs.cli.SgnCli;
import io.sgnflow.model.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgn-flink demo}: the whole product end to end in one JVM, with a report. */
@Command(
        name = "demo",
        sortOptions = false,
        description = {
            "End-to-end demo in one JVM: embedded Kafka broker, initial model, scoring and"
                    + " retraining jobs in a local Flink (web UI on 127.0.0.1), replay of the test"
                    + " data, live progress, report with metrics and plots.",
            "Without --data a generated stream is used. Last stdout line: JSON summary. Exit 0"
                    + " only when every event had exactly one output (lost = duplicates = 0)."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "Directory with train.csv(.gz) and test.csv(.gz); a 'label' column is used for"
                            + " metrics only (default: generated data).")
    Path data;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            description = "Replay rate (default: as fast as possible).")
    double rate;

    @Option(
            names = "--report-dir",
            paramLabel = "DIR",
            description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path reportDir = Path.of("sgn-demo-report");

    @Option(
            names = "--model-type",
            paramLabel = "TYPE",
            description =
                    "flow (SGN-Flow, exact log-likelihood) or vae (SGN-VAE, importance-weighted"
                            + " bound) (default: ${DEFAULT-VALUE}).")
    String modelType = "flow";

    @Option(
            names = "--train-epochs",
            paramLabel = "N",
            description = "Epochs of the initial model (default: ${DEFAULT-VALUE}).")
    int trainEpochs = 30;

    @Option(
            names = "--train-seconds",
            paramLabel = "S",
            description = "Time budget of the initial training (default: ${DEFAULT-VALUE}).")
    double trainSeconds = 90;

    @Option(
            names = "--window-events",
            paramLabel = "N",
            description =
                    "Events per retraining window; events are 1 min apart in event time (default:"
                            + " 4000 with --data, 1000 for the generated stream, whose regime"
                            + " shifts half-way through its 8000 test events).")
    Integer windowEvents;

    @Option(
            names = "--reservoir",
            paramLabel = "N",
            description = "Training sample per window (default: ${DEFAULT-VALUE}).")
    int reservoir = 3000;

    @Option(
            names = "--retrain-epochs",
            paramLabel = "N",
            description = "Epochs per retraining run (default: ${DEFAULT-VALUE}).")
    int retrainEpochs = 8;

    @Option(
            names = "--retrain-seconds",
            paramLabel = "S",
            description = "Time budget per retraining run (default: ${DEFAULT-VALUE}).")
    double retrainSeconds = 15;

    @Option(
            names = "--no-pace-windows",
            negatable = false,
            description =
                    "Do not hold the replay at window boundaries until the retrainer publishes"
                            + " (then a fast replay may finish before any model swap).")
    boolean noPace;

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            description = "Flink web UI port on 127.0.0.1 (default: a free port).")
    int webUiPort;

    @Option(
            names = "--timeout",
            paramLabel = "S",
            description =
                    "Largest wait for outputs after the last event (default: ${DEFAULT-VALUE}).")
    double timeout = 180;

    private static void requireAtLeast(String option, int value, int least) {
        if (value < least) {
            throw new IllegalArgumentException(option + " must be >= " + least + ", was " + value);
        }
    }

    private static void requirePositive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    option + " must be a finite number > 0, was " + value);
        }
    }

    @Override
    public Integer call() throws Exception {
        DemoSettings s = new DemoSettings();
        s.dataDir = data;
        s.rate = rate;
        s.reportDir = reportDir;
        try {
            s.modelType = ModelKind.parse(modelType);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model-type: " + e.getMessage(), e);
        }
        s.trainEpochs = trainEpochs;
        s.trainSeconds = trainSeconds;
        s.windowEvents = windowEvents != null ? windowEvents : data == null ? 1000 : 4000;
        s.reservoir = reservoir;
        s.retrainEpochs = retrainEpochs;
        s.retrainSeconds = retrainSeconds;
        s.paceWindows = !noPace;
        s.webUiPort = webUiPort;
        s.drainTimeoutSeconds = timeout;
        // A retraining run needs 200 usable events (DemoSettings.minEvents); smaller windows or
        // samples could never publish, and the paced replay would wait at every window for it.
        requireAtLeast("--window-events", s.windowEvents, 2 * s.minEvents);
        requireAtLeast("--reservoir", reservoir, s.minEvents);
        requireAtLeast("--train-epochs", trainEpochs, 1);
        requireAtLeast("--retrain-epochs", retrainEpochs, 1);
        requirePositive("--train-seconds", trainSeconds);
        requirePositive("--retrain-seconds", retrainSeconds);
        requirePositive("--timeout", timeout);
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(
                    "--rate must be a finite number >= 0 (0: as fast as possible), was " + rate);
        }
        if (webUiPort < 0 || webUiPort > 65535) {
            throw new IllegalArgumentException(
                    "--web-ui-port must be in 0..65535 (0: a free port), was " + webUiPort);
        }
        DemoLog log = null;
        if (s.progress) {
            Path logFile = reportDir.toAbsolutePath().normalize().resolve("demo.log");
            Files.createDirectories(logFile.getParent());
            log = DemoLog.toFile(logFile);
            if (log != null) {
                System.err.println(
                        "[demo] Full log in " + logFile + "; only warnings and errors show here");
            }
        }
        DemoRun run = new DemoRun(s, System.err);
        // Ctrl-C stops the pipeline and lets the run write its report on what it has seen;
        // the JVM waits for that (up to a minute) before it exits.
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            run.interrupt();
                            try {
                                reported.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "sgn-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            DemoRun.Result result;
            try {
                result = run.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException("demo " + e.getMessage(), e);
            } finally {
                run.close();
                if (log != null) {
                    log.close();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
            System.err.println("[demo] Report in " + result.reportDir());
            spec.commandLine()
                    .getOut()
                    .println(new ObjectMapper().writeValueAsString(result.summary()));
            spec.commandLine().getOut().flush();
            return result.lost() == 0 && result.duplicates() == 0
                    ? SgnCli.EXIT_OK
                    : SgnCli.EXIT_CHECK_FAILED;
        } finally {
            reported.countDown();
        }
    }
}
