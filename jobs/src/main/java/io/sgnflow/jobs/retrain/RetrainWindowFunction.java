package io.sgnflow.jobs.retrain;

import io.sgnflow.model.DensityModel;
import io.sgnflow.model.io.ModelFile;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires once per closed window with its {@link Reservoir}: trains a candidate with {@link
 * Retrainer}, and on acceptance writes it to the {@link ModelStore}, makes it the current model and
 * emits its bytes for the model-updates topic. Every window, published or not, also yields a {@link
 * RetrainDecision} (JSON bytes) on the side output {@link #DECISIONS}.
 *
 * <p>The current model is keyed state of the job's single key ({@code globalState()}, a {@code
 * ValueState<byte[]>}), so it is part of every checkpoint and a restore resumes with the last
 * version published before that checkpoint; until the first publication it is the initial model
 * given to the constructor (or none: cold start).
 *
 * <p>Training runs synchronously in this operator's task thread, bounded by the training time
 * budget. A checkpoint barrier that arrives meanwhile waits in the input queue until the run ends,
 * so checkpoints are delayed by at most about that budget (plus one epoch's remainder of a
 * minibatch); the window's reservoir is already out of window state by then, and the run is not
 * part of any checkpoint. On a failure during a run, the run is lost; the restore goes back to the
 * last checkpoint, before the window fired, so the window fires again and the run repeats with the
 * same sample and seed. A version published after that checkpoint may therefore be published again
 * (same number, possibly different bytes when the time budget cut the run at another point): the
 * scoring job ignores the repeat, and the store keeps the newer file.
 *
 * <p>Metrics: {@code windowsSeen}, {@code windowEvents}, {@code samples}, {@code
 * candidatesTrained}, {@code published}, {@code rejected} and one counter per {@link RejectReason},
 * {@code trainingTimeMs} (histogram), {@code lastPublishedVersion} and {@code currentVersion}
 * (gauges, −1 for none).
 */
public final class RetrainWindowFunction
        extends ProcessWindowFunction<Reservoir, byte[], Integer, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RetrainWindowFunction.class);

    static final ValueStateDescriptor<byte[]> CURRENT_MODEL =
            new ValueStateDescriptor<>(
                    "current-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** One {@link RetrainDecision} per window, as JSON bytes. */
    public static final OutputTag<byte[]> DECISIONS =
            new OutputTag<>(
                    "retrain-decisions", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final RetrainConfig config;
    private final byte[] initialModel;

    private transient Retrainer retrainer;
    private transient ModelStore store;
    private transient Counter windowsSeen;
    private transient Counter windowEvents;
    private transient Counter samples;
    private transient Counter candidatesTrained;
    private transient Counter published;
    private transient Counter rejected;
    private transient Map<RejectReason, Counter> rejectedBy;
    private transient Histogram trainingTimeMs;
    private transient volatile long lastPublishedVersion;
    private transient volatile long currentVersion;

    /** Largest model file the model-updates topic takes, in bytes. */
    private final int maxModelBytes;

    /**
     * @param initialModel bytes of the model to start from, or null for a cold start
     * @param maxModelBytes largest model file the model-updates topic takes (its record limit less
     *     room for the record's framing and signature header)
     */
    public RetrainWindowFunction(RetrainConfig config, byte[] initialModel, int maxModelBytes) {
        this.config = config;
        this.initialModel = initialModel;
        this.maxModelBytes = maxModelBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        retrainer = new Retrainer(config);
        store = new ModelStore(config.modelStore(), config.keepVersions());
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        windowsSeen = metrics.counter("windowsSeen");
        windowEvents = metrics.counter("windowEvents");
        samples = metrics.counter("samples");
        candidatesTrained = metrics.counter("candidatesTrained");
        published = metrics.counter("published");
        rejected = metrics.counter("rejected");
        rejectedBy = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            rejectedBy.put(reason, metrics.counter(reason.metricName()));
        }
        trainingTimeMs =
                metrics.histogram("trainingTimeMs", new DescriptiveStatisticsHistogram(100));
        lastPublishedVersion = -1;
        currentVersion = initialModel == null ? -1 : ModelFile.load(initialModel).version();
        metrics.gauge("lastPublishedVersion", () -> lastPublishedVersion);
        metrics.gauge("currentVersion", () -> currentVersion);
    }

    /**
     * One more than both the current model's version and the newest in the store. A job started
     * again with an older {@code --model} than its store holds must not publish a version number
     * that exists already: the scoring job would refuse it as not newer, and the store would
     * overwrite the file of the version that served.
     */
    static long nextVersion(DensityModel current, ModelStore store) {
        long base = current == null ? 0 : current.version();
        try {
            List<Long> stored = store.versions();
            long newest = stored.isEmpty() ? 0 : stored.get(stored.size() - 1);
            if (newest > base) {
                LOG.info(
                        "The model store {} holds version {}, newer than the current model's {};"
                                + " the next version is {}",
                        store,
                        newest,
                        base,
                        newest + 1);
                base = newest;
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the versions in the model store {}: {}", store, e.toString());
        }
        return base + 1;
    }

    @Override
    public void process(
            Integer key, Context ctx, Iterable<Reservoir> elements, Collector<byte[]> out)
            throws IOException {
        Reservoir reservoir = elements.iterator().next();
        TimeWindow window = ctx.window();
        windowsSeen.inc();
        windowEvents.inc(reservoir.getSeen());
        samples.inc(reservoir.getItems().size());

        ValueState<byte[]> state = ctx.globalState().getState(CURRENT_MODEL);
        byte[] currentBytes = state.value();
        if (currentBytes == null) {
            currentBytes = initialModel;
        }
        DensityModel current = currentBytes == null ? null : ModelFile.load(currentBytes);
        currentVersion = current == null ? -1 : current.version();
        long newVersion = nextVersion(current, store);

        Retrainer.WindowFlags flags =
                config.scoresTopic() == null ? null : Retrainer.WindowFlags.of(reservoir);
        Retrainer.Outcome outcome =
                retrainer.retrain(reservoir.getItems(), current, newVersion, flags);
        if (outcome.candidateTrained()) {
            candidatesTrained.inc();
            trainingTimeMs.update(Math.round(outcome.trainingSeconds() * 1000));
        }
        if (!outcome.published()) {
            reject(ctx, reservoir, current, outcome.reason(), outcome);
            return;
        }

        DensityModel model = outcome.model();
        byte[] bytes = ModelFile.toBytes(model);
        if (bytes.length > maxModelBytes) {
            reject(
                    ctx,
                    reservoir,
                    current,
                    RejectReason.TOO_LARGE,
                    new Retrainer.Outcome(
                            null,
                            outcome.decision(),
                            "the model file has "
                                    + bytes.length
                                    + " bytes, more than the "
                                    + maxModelBytes
                                    + " the model-updates topic "
                                    + config.modelUpdatesTopic()
                                    + " takes; raise its max.message.bytes (kafka-configs.sh"
                                    + " --alter --entity-type topics --entity-name "
                                    + config.modelUpdatesTopic()
                                    + " --add-config max.message.bytes=...) and restart the job",
                            outcome.usableEvents(),
                            outcome.excludedAnomalies(),
                            outcome.trainingSeconds(),
                            true));
            return;
        }
        try {
            store.write(model.version(), bytes);
        } catch (IOException | RuntimeException e) {
            LOG.error("Model store {} could not be written", store, e);
            reject(
                    ctx,
                    reservoir,
                    current,
                    RejectReason.STORE_FAILED,
                    new Retrainer.Outcome(
                            null,
                            outcome.decision(),
                            "store write failed: " + e,
                            outcome.usableEvents(),
                            outcome.excludedAnomalies(),
                            outcome.trainingSeconds(),
                            true));
            return;
        }
        state.update(bytes);
        published.inc();
        lastPublishedVersion = model.version();
        currentVersion = model.version();
        LOG.info(
                "Window [{}, {}): published {} model version {} ({} events, {} sampled, {} used,"
                        + " {} flagged left out; held-out {} {} nats/dim vs current {} (version"
                        + " {}); threshold {}; trained in {} s, {} epochs, stop {})",
                window.getStart(),
                window.getEnd(),
                model.modelType(),
                model.version(),
                reservoir.getSeen(),
                reservoir.getItems().size(),
                outcome.usableEvents(),
                outcome.excludedAnomalies(),
                model.scoreKind().id(),
                String.format(Locale.ROOT, "%.4f", outcome.decision().candidatePerDim()),
                String.format(Locale.ROOT, "%.4f", outcome.decision().currentPerDim()),
                current == null ? "none" : current.version(),
                model.threshold().threshold(),
                String.format(Locale.ROOT, "%.2f", outcome.trainingSeconds()),
                model.training() == null ? "?" : model.training().epochs(),
                model.training() == null ? "?" : model.training().stopReason());
        out.collect(bytes);
        decide(ctx, reservoir, current, RetrainDecision.PUBLISHED, outcome, model);
    }

    private void reject(
            Context ctx,
            Reservoir reservoir,
            DensityModel current,
            RejectReason reason,
            Retrainer.Outcome outcome) {
        TimeWindow window = ctx.window();
        rejected.inc();
        rejectedBy.get(reason).inc();
        LOG.info(
                "Window [{}, {}): no new version, {} ({}); {} events, {} sampled; held-out"
                        + " candidate {} vs current {} nats/dim; version {} stays",
                window.getStart(),
                window.getEnd(),
                reason,
                outcome.message(),
                reservoir.getSeen(),
                reservoir.getItems().size(),
                String.format(Locale.ROOT, "%.4f", outcome.decision().candidatePerDim()),
                String.format(Locale.ROOT, "%.4f", outcome.decision().currentPerDim()),
                current == null ? "none" : current.version());
        decide(ctx, reservoir, current, reason.name(), outcome, null);
    }

    private static void decide(
            Context ctx,
            Reservoir reservoir,
            DensityModel current,
            String decision,
            Retrainer.Outcome outcome,
            DensityModel published) {
        DensityModel kind = published != null ? published : current;
        RetrainDecision record =
                new RetrainDecision(
                        ctx.window().getStart(),
                        ctx.window().getEnd(),
                        decision,
                        outcome.message(),
                        reservoir.getSeen(),
                        reservoir.getItems().size(),
                        outcome.usableEvents(),
                        outcome.excludedAnomalies(),
                        RetrainDecision.finiteOrNull(outcome.decision().candidatePerDim()),
                        RetrainDecision.finiteOrNull(outcome.decision().currentPerDim()),
                        current == null ? null : current.version(),
                        published == null ? null : published.version(),
                        outcome.trainingSeconds(),
                        kind == null ? null : kind.scoreKind().id());
        ctx.output(DECISIONS, record.toJson());
    }
}
