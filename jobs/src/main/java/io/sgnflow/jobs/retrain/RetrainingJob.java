package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.kafka.KafkaInputDeserializationSchema;
import io.sgnflow.connectors.kafka.TopicCheck;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.jobs.cli.SgnCli;
import io.sgnflow.jobs.kafka.KafkaJobWiring;
import io.sgnflow.jobs.scoring.ParseFunction;
import io.sgnflow.jobs.security.ModelSigner;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining side job (DESIGN §3): Kafka events → parse → event-time windows, each keeping a
 * bounded uniform sample → when a window closes, a candidate model warm-started from the current
 * one → validation gate → model store and model-updates topic, which the scoring job reads; with a
 * decisions topic, one {@link RetrainDecision} per window says what was decided and why.
 *
 * <p>Event time is the Kafka record timestamp with bounded out-of-orderness and idleness, exactly
 * as in the scoring job, so idle partitions never hold windows open; a bounded source closes every
 * window at its end. Windows are tumbling or sliding. Unparseable records are dropped here (the
 * scoring job reports them as dead letters).
 *
 * <p>Anomaly exclusion: with a scores topic configured, the scoring job's verdicts are read as
 * flags (event coordinates, event time) into the same windows, and the sampled events it flagged
 * are left out; the window then also waits, in event time, for the scores of its events (the
 * union's watermark is the smaller of the two, and an idle scores topic stops holding it back after
 * the idleness timeout). Without one, at window close each sampled event is scored by the current
 * model and those below its threshold are left out. Either way nothing is left out when so many are
 * flagged that the window is a distribution change (see {@link Retrainer}).
 *
 * <p>Threading and checkpoints: all windows share one key, so sampling, training and publishing run
 * in one subtask; training is synchronous there and bounded by {@code maxTrainingSeconds}, so a
 * checkpoint barrier waits at most about that long (see {@link RetrainWindowFunction} for what a
 * checkpoint or failure means for a run in progress). The current model is keyed state and survives
 * restores.
 *
 * <p>Model versions: the first version of a cold start is 1; afterwards current + 1. Start the
 * scoring job with the same initial model (or none), or its version check refuses the updates.
 */
public final class RetrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainingJob.class);

    /** Room left in a record for Kafka's batch framing and the signature header. */
    static final int RECORD_FRAMING_BYTES = 4096;

    private RetrainingJob() {}

    /** Cluster entry point: the same options as {@code sgn-flink retrain-stream}. */
    public static void main(String[] args) {
        // Throws, never exits: on a session cluster this runs inside the JobManager.
        SgnCli.runAsJobMain(new RetrainStreamCommand(), args);
    }

    /**
     * Checks the configuration against the broker, the model file and the store, then adds the job
     * to the environment (it does not execute it).
     *
     * @throws IllegalArgumentException for a bad setting, model file or transaction timeout
     */
    public static void build(StreamExecutionEnvironment env, RetrainConfig config)
            throws IOException {
        LOG.info("Retraining job configuration: {}", config);
        byte[] initialModel = initialModel(config);
        ModelSigner signer = null;
        if (config.modelSigningKeyFile() != null) {
            signer = ModelSigner.fromKeyFile(Path.of(config.modelSigningKeyFile()));
            LOG.info(
                    "Model updates are signed ({} header, key from {})",
                    KafkaInputDeserializationSchema.SIGNATURE_HEADER,
                    config.modelSigningKeyFile());
        }
        KafkaJobWiring.prepare(env, config);

        WatermarkStrategy<KafkaInput> watermarks = KafkaJobWiring.watermarks(config);
        DataStream<KafkaInput> raw = KafkaJobWiring.events(env, config, watermarks);
        SingleOutputStreamOperator<EventRecord> events =
                raw.process(new ParseFunction(config.eventFormat())).name("parse").uid("parse");
        DataStream<SampledEvent> sampled =
                events.process(new ToSampledEvent()).name("to-sample").uid("to-sample");

        // Optional: the scoring job's anomaly verdicts, as flags in the same windows.
        if (config.scoresTopic() != null) {
            DataStream<KafkaInput> scores =
                    KafkaJobWiring.source(
                            env,
                            config,
                            config.scoresTopic(),
                            config.groupId() + "-scores",
                            KafkaJobWiring.startingOffsets(config.startingOffsets()),
                            WatermarkStrategy.noWatermarks(),
                            "scores");
            // A flag's event time is its event's (the scored record's source_timestamp), so that
            // it meets the event in its window whenever the score was written.
            sampled =
                    sampled.union(
                            scores.process(new ToFlag(config.inputTopic()))
                                    .name("anomaly-flags")
                                    .uid("anomaly-flags")
                                    .assignTimestampsAndWatermarks(
                                            KafkaJobWiring.<SampledEvent>eventTime(
                                                    config, SampledEvent::getTimestamp))
                                    .name("flag-event-time")
                                    .uid("flag-event-time"));
        }

        // A model file must fit in one record of the model-updates topic; the sink's producer is
        // allowed up to that topic's limit (its default, 1 MB, is a little less than a topic's).
        int topicLimit =
                TopicCheck.maxMessageBytes(
                        config.bootstrapServers(),
                        config.clientProperties(),
                        config.modelUpdatesTopic());
        LOG.info(
                "Model files of up to {} bytes can be published to {}",
                topicLimit - RECORD_FRAMING_BYTES,
                config.modelUpdatesTopic());

        // One key: every window's reservoir and the current model live in one subtask.
        SingleOutputStreamOperator<byte[]> models =
                sampled.keyBy(e -> 0)
                        .window(windows(config))
                        .sideOutputLateData(LateEvents.TAG)
                        .aggregate(
                                new ReservoirAggregate(config.reservoirSize(), config.seed()),
                                new RetrainWindowFunction(
                                        config, initialModel, topicLimit - RECORD_FRAMING_BYTES))
                        .name("retrain")
                        .uid("retrain")
                        .setParallelism(1);
        models.getSideOutput(LateEvents.TAG)
                .process(new LateEvents())
                .name("late-events")
                .uid("late-events")
                .setParallelism(1);

        models.sinkTo(
                        KafkaJobWiring.sink(
                                config,
                                new ModelUpdateSerializationSchema(
                                        config.modelUpdatesTopic(), signer),
                                "models",
                                maxRequestSize(topicLimit)))
                .name("model-updates-sink")
                .uid("model-updates-sink")
                .setParallelism(1);

        if (config.decisionsTopic() != null) {
            models.getSideOutput(RetrainWindowFunction.DECISIONS)
                    .sinkTo(
                            KafkaJobWiring.sink(
                                    config,
                                    new RetrainDecisionSerializationSchema(config.decisionsTopic()),
                                    "decisions"))
                    .name("decisions-sink")
                    .uid("decisions-sink")
                    .setParallelism(1);
        }
    }

    static WindowAssigner<Object, TimeWindow> windows(RetrainConfig config) {
        if (config.windowSlide() == null) {
            return TumblingEventTimeWindows.of(config.windowSize());
        }
        return SlidingEventTimeWindows.of(config.windowSize(), config.windowSlide());
    }

    private static Properties maxRequestSize(int bytes) {
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(bytes));
        return producer;
    }

    /** The initial model file, else the newest model in the store, else null (cold start). */
    static byte[] initialModel(RetrainConfig config) throws IOException {
        if (config.initialModelPath() != null) {
            Path path = Path.of(config.initialModelPath());
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(
                        "initial model file " + path + " does not exist or is not readable");
            }
            byte[] bytes = Files.readAllBytes(path);
            DensityModel model = ModelFile.load(bytes);
            LOG.info(
                    "Initial {} model version {} from {} (D={}, scores {})",
                    model.modelType(),
                    model.version(),
                    path,
                    model.dim(),
                    model.scoreKind().id());
            List<Long> stored =
                    new ModelStore(config.modelStore(), config.keepVersions()).versions();
            if (!stored.isEmpty() && stored.get(stored.size() - 1) > model.version()) {
                LOG.warn(
                        "The model store {} holds version {}, newer than --model's version {}:"
                                + " training warm-starts from --model, and new versions continue"
                                + " after {}",
                        config.modelStore(),
                        stored.get(stored.size() - 1),
                        model.version(),
                        stored.get(stored.size() - 1));
            }
            return bytes;
        }
        ModelStore store = new ModelStore(config.modelStore(), config.keepVersions());
        byte[] latest = store.readLatest();
        if (latest != null) {
            DensityModel model = ModelFile.load(latest);
            LOG.info("Starting from model version {}, the newest in {}", model.version(), store);
            return latest;
        }
        LOG.info(
                "No initial model: the first version is trained from scratch once a window has {}"
                        + " usable events",
                config.minEvents());
        return null;
    }
}
