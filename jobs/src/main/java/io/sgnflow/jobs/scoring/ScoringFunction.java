package io.sgnflow.jobs.scoring;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.connectors.serde.FeatureResolver;
import io.sgnflow.connectors.serde.Resolution;
import io.sgnflow.jobs.security.ModelSigner;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.io.ModelFile;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores events with the model held in broadcast state (SGN-Flow or SGN-VAE), in micro-batches.
 *
 * <p>Events are buffered in keyed list state (so a checkpoint taken while a batch is open keeps it,
 * and a failure loses nothing) and scored when the batch reaches its size or when a processing-time
 * timer of at most the maximum wait fires; an event-time timer at the end of time flushes what
 * remains when a bounded input ends.
 *
 * <p>Models: the initial model file (if any) serves until the first update arrives; every update on
 * the broadcast side is checked by {@link ModelUpdates#accept} and, if accepted, replaces the
 * serving model in broadcast state, which is checkpointed, so after a restore every subtask serves
 * the same version. With a {@link ModelSigner}, an update without a valid {@code sgn-hmac-sha256}
 * header is rejected before it is parsed. A rejected update leaves the serving model untouched.
 * Until a model exists, events are emitted with status WARMUP.
 */
public final class ScoringFunction
        extends KeyedBroadcastProcessFunction<Integer, EventRecord, KafkaInput, ScoredEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ScoringFunction.class);

    /** Broadcast state: key {@value #CURRENT} holds the serving model file's bytes. */
    public static final MapStateDescriptor<String, byte[]> MODEL_STATE =
            new MapStateDescriptor<>(
                    "serving-model",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    static final String CURRENT = "current";

    private final byte[] initialModel;
    private final int batchSize;
    private final long maxWaitMs;
    private final ModelSigner verifier;

    private transient ListState<EventRecord> buffer;
    private transient ValueState<Integer> buffered;
    private transient ValueState<Long> timerAt;
    private transient ValueState<Long> firstArrival;

    private transient byte[] cachedBytes;
    private transient DensityModel cachedModel;
    private transient DensityScorer scorer;
    private transient FeatureResolver resolver;

    private transient Counter scored;
    private transient Counter anomalies;
    private transient Counter warmup;
    private transient Counter modelRejects;
    private transient Counter modelSwaps;
    private transient Histogram batchSizes;
    private transient Histogram latencyMs;
    private transient DeadLetterMetrics deadLetters;
    private transient volatile long servingVersion;
    private transient boolean kernelLogged;

    /**
     * @param initialModel bytes of the model file to serve before any update, or null
     */
    public ScoringFunction(byte[] initialModel, int batchSize, long maxWaitMs) {
        this(initialModel, batchSize, maxWaitMs, null);
    }

    /**
     * @param initialModel bytes of the model file to serve before any update, or null
     * @param verifier when not null, an update is accepted only with a valid signature header
     */
    public ScoringFunction(
            byte[] initialModel, int batchSize, long maxWaitMs, ModelSigner verifier) {
        this.initialModel = initialModel;
        this.batchSize = batchSize;
        this.maxWaitMs = maxWaitMs;
        this.verifier = verifier;
    }

    @Override
    public void open(OpenContext openContext) {
        buffer =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "batch", TypeInformation.of(EventRecord.class)));
        buffered =
                getRuntimeContext().getState(new ValueStateDescriptor<>("batch-size", Types.INT));
        timerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        firstArrival =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("first-arrival", Types.LONG));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        scored = metrics.counter("scored");
        anomalies = metrics.counter("anomalies");
        warmup = metrics.counter("warmupEvents");
        modelRejects = metrics.counter("modelRejects");
        modelSwaps = metrics.counter("modelSwaps");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMs = metrics.histogram("scoringLatencyMs", new DescriptiveStatisticsHistogram(1000));
        metrics.gauge("modelVersion", () -> servingVersion);
        deadLetters = new DeadLetterMetrics(metrics, "score");
        servingVersion = -1;
        if (initialModel != null) {
            servingVersion = model(initialModel).version();
        }
    }

    @Override
    public void processElement(EventRecord event, ReadOnlyContext ctx, Collector<ScoredEvent> out)
            throws Exception {
        buffer.add(event);
        Integer count = buffered.value();
        int n = count == null ? 1 : count + 1;
        if (count == null) {
            firstArrival.update(System.currentTimeMillis());
            // Safety net for bounded inputs: fires when the final watermark arrives.
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
        }
        if (n >= batchSize) {
            flush(ctx.getBroadcastState(MODEL_STATE), ctx.getCurrentKey(), out, ctx);
            return;
        }
        buffered.update(n);
        if (timerAt.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + maxWaitMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timerAt.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredEvent> out)
            throws Exception {
        if (buffered.value() != null) {
            flush(ctx.getBroadcastState(MODEL_STATE), ctx.getCurrentKey(), out, ctx);
        }
    }

    @Override
    public void processBroadcastElement(KafkaInput update, Context ctx, Collector<ScoredEvent> out)
            throws Exception {
        BroadcastState<String, byte[]> state = ctx.getBroadcastState(MODEL_STATE);
        byte[] currentBytes = state.get(CURRENT);
        if (currentBytes == null) {
            currentBytes = initialModel;
        }
        DensityModel current = currentBytes == null ? null : model(currentBytes);
        boolean reporter = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        try {
            if (verifier != null) {
                String problem = verifier.problem(update.getValue(), update.getSignature());
                if (problem != null) {
                    throw new ModelUpdates.ModelRejectedException(problem);
                }
            }
            DensityModel accepted = ModelUpdates.accept(update.getValue(), current);
            state.put(CURRENT, update.getValue());
            modelSwaps.inc();
            servingVersion = model(update.getValue()).version();
            if (reporter) {
                LOG.info(
                        "Model version {} ({}, scores {}) loaded from {}-{}@{} (replaces {}; D={},"
                                + " threshold {})",
                        accepted.version(),
                        accepted.modelType(),
                        accepted.scoreKind().id(),
                        update.getTopic(),
                        update.getPartition(),
                        update.getOffset(),
                        current == null ? "none" : current.version(),
                        accepted.dim(),
                        accepted.threshold().threshold());
            }
        } catch (ModelUpdates.ModelRejectedException e) {
            modelRejects.inc();
            if (reporter) {
                LOG.warn(
                        "Model update at {}-{}@{} rejected, version {} keeps serving: {}",
                        update.getTopic(),
                        update.getPartition(),
                        update.getOffset(),
                        current == null ? "none" : current.version(),
                        e.getMessage());
            }
        }
    }

    private void flush(
            ReadOnlyBroadcastState<String, byte[]> state,
            Integer key,
            Collector<ScoredEvent> out,
            ReadOnlyContext ctx)
            throws Exception {
        byte[] bytes = state.get(CURRENT);
        if (bytes == null) {
            bytes = initialModel;
        }
        List<EventRecord> events = new ArrayList<>();
        for (EventRecord e : buffer.get()) {
            events.add(e);
        }
        Long first = firstArrival.value();
        buffer.clear();
        buffered.clear();
        firstArrival.clear();
        Long pending = timerAt.value();
        if (pending != null) {
            ctx.timerService().deleteProcessingTimeTimer(pending);
            timerAt.clear();
        }
        ctx.timerService().deleteEventTimeTimer(Long.MAX_VALUE - 1);
        if (events.isEmpty()) {
            return;
        }
        batchSizes.update(events.size());
        if (bytes == null) {
            for (EventRecord e : events) {
                warmup.inc();
                out.collect(ScoredEvent.warmup(e));
            }
            return;
        }
        DensityModel model = model(bytes);
        String version = String.valueOf(model.version());
        String scoreKind = model.scoreKind().id();
        double tau = model.threshold().threshold();
        // Resolve and check every event first; the rows that pass are scored as one batch by the
        // batched kernel, and each row that fails goes to the dead letters on its own.
        int total = events.size();
        EventRecord[] accepted = new EventRecord[total];
        double[][] rows = new double[total][];
        int count = 0;
        for (EventRecord e : events) {
            Resolution resolution = resolver.resolve(e);
            if (!resolution.isOk()) {
                emitDead(resolution.deadLetter(), version, ctx);
                continue;
            }
            try {
                model.checkEvent(resolution.values());
            } catch (IllegalArgumentException ex) {
                emitDead(
                        DeadLetterRecord.forEvent(
                                e, DeadLetterReason.SCORING_FAILED, ex.getMessage()),
                        version,
                        ctx);
                continue;
            }
            accepted[count] = e;
            rows[count] = resolution.values();
            count++;
        }
        double[] lls = new double[count];
        scorer.scores(rows, count, lls);
        for (int i = 0; i < count; i++) {
            EventRecord e = accepted[i];
            double ll = lls[i];
            if (Double.isNaN(ll)) {
                emitDead(
                        DeadLetterRecord.forEvent(
                                e, DeadLetterReason.SCORING_FAILED, scoreKind + " is NaN"),
                        version,
                        ctx);
                continue;
            }
            ScoredEvent result =
                    ScoredEvent.scored(
                            e, ll, tau, model.threshold().tailProbability(ll), version, scoreKind);
            scored.inc();
            if (result.getAnomaly()) {
                anomalies.inc();
            }
            out.collect(result);
        }
        if (first != null) {
            latencyMs.update(System.currentTimeMillis() - first);
        }
    }

    private void emitDead(DeadLetterRecord dead, String version, ReadOnlyContext ctx) {
        dead.setModelVersion(version);
        deadLetters.record(dead);
        ctx.output(ParseFunction.DEAD_LETTERS, dead);
    }

    /** Parses model bytes once per distinct array and keeps a scorer for it. */
    private DensityModel model(byte[] bytes) {
        if (bytes != cachedBytes) {
            cachedModel = ModelFile.load(bytes);
            cachedBytes = bytes;
            scorer = cachedModel.newScorer();
            resolver = new FeatureResolver(cachedModel.featureNames());
            if (!kernelLogged && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                kernelLogged = true;
                String kernel = scorer.kernel();
                LOG.info(
                        "Scoring kernel for {}: {}",
                        cachedModel.modelType(),
                        kernel.equals("scalar")
                                ? kernel
                                        + " (start the TaskManager JVM with --add-modules"
                                        + " jdk.incubator.vector for the SIMD one)"
                                : kernel);
            }
            servingVersion = cachedModel.version();
        }
        return cachedModel;
    }
}
