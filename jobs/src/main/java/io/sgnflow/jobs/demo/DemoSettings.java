package io.sgnflow.jobs.demo;

import io.sgnflow.model.ModelKind;
import java.nio.file.Path;

/** Settings of a demo run (mutable, defaults suit the SMD acceptance run on 2 cores). */
public final class DemoSettings {
    /** Data directory with train.csv(.gz) and test.csv(.gz); null = generated data. */
    public Path dataDir;

    /** Report directory. */
    public Path reportDir = Path.of("sgn-demo-report");

    /** Replay rate in events per second; 0 or less = as fast as possible. */
    public double rate = 0;

    /** Generated data: features, train rows, test rows. */
    public int generatedFeatures = 8;

    public int generatedTrainRows = 6000;
    public int generatedTestRows = 8000;

    /** Kind of the initial model (the retraining job keeps it). */
    public ModelKind modelType = ModelKind.FLOW;

    /** Initial model: epochs, time budget, architecture. */
    public int trainEpochs = 30;

    public double trainSeconds = 90;
    public int hidden = 32;
    public int steps = 4;
    public int trainThreads = 2;

    /** Synthetic event-time spacing between consecutive events (SMD samples once a minute). */
    public long eventSpacingMs = 60_000L;

    /** Events per retraining window (window size = this × spacing). */
    public int windowEvents = 4000;

    /** Retraining: reservoir, minimum events, epochs and budget per window. */
    public int reservoir = 3000;

    public int minEvents = 200;
    public int retrainEpochs = 8;
    public double retrainSeconds = 15;

    /**
     * Hold the replay at each window boundary until the retraining job has decided on the window
     * just closed (published a version or said why not; a timeout only if it is stuck), so that
     * replaying faster than training still shows model swaps in the outputs.
     */
    public boolean paceWindows = true;

    /** Flink checkpoint interval (exactly-once outputs become visible at checkpoints). */
    public long checkpointIntervalMs = 1000L;

    /** Flink web UI port; 0 = a free port. */
    public int webUiPort = 0;

    /** Largest wait for outputs after the last event was produced. */
    public double drainTimeoutSeconds = 180;

    public long seed = 42L;

    /** Print the carriage-return progress line on stderr. */
    public boolean progress = true;
}
