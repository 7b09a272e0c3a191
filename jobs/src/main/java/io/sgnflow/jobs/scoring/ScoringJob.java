package io.sgnflow.jobs.scoring;

import io.sgnflow.connectors.kafka.AnomalyRouting;
import io.sgnflow.connectors.kafka.DeadLetterSerializationSchema;
import io.sgnflow.connectors.kafka.KafkaInputDeserializationSchema;
import io.sgnflow.connectors.kafka.ScoredEventSerializationSchema;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.connectors.record.ScoredEvent;
import io.sgnflow.jobs.cli.SgnCli;
import io.sgnflow.jobs.kafka.KafkaJobWiring;
import io.sgnflow.jobs.security.ModelSigner;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring job (DESIGN §3): Kafka events → parse/validate → score with the SGN-Flow model in
 * broadcast state → scores, anomalies and dead-letter topics, exactly once by default.
 *
 * <p>Every input record yields exactly one record on the scores topic (status SCORED or WARMUP) or
 * on the dead-letter topic; anomalies are additionally copied to the anomalies topic. Event time is
 * the Kafka record timestamp, with bounded out-of-orderness and idleness so that idle partitions
 * never hold back downstream time.
 *
 * <p>Events are keyed by offset blocks of one batch (so a single-partition topic still spreads over
 * all subtasks); output order within a partition is therefore not preserved, and every output
 * carries its source topic, partition and offset.
 */
public final class ScoringJob {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringJob.class);

    /** Key groups events are spread over; each key's batch fills from one offset block. */
    static final int SCORING_KEYS = 128;

    private ScoringJob() {}

    /** Cluster entry point: the same options as {@code sgn-flink score-stream}. */
    public static void main(String[] args) {
        // Throws, never exits: on a session cluster this runs inside the JobManager.
        SgnCli.runAsJobMain(new ScoreStreamCommand(), args);
    }

    /**
     * Checks the configuration against the broker and the model file, then adds the job to the
     * environment (it does not execute it).
     *
     * @throws IllegalArgumentException for a bad setting, model file or transaction timeout
     */
    public static void build(StreamExecutionEnvironment env, ScoringConfig config)
            throws IOException {
        LOG.info("Scoring job configuration: {}", config);
        byte[] initialModel = null;
        if (config.initialModelPath() != null) {
            Path path = Path.of(config.initialModelPath());
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(
                        "initial model file " + path + " does not exist or is not readable");
            }
            initialModel = Files.readAllBytes(path);
            DensityModel model = ModelFile.load(initialModel);
            LOG.info(
                    "Initial {} model version {} from {} (D={}, scores {}, threshold {})",
                    model.modelType(),
                    model.version(),
                    path,
                    model.dim(),
                    model.scoreKind().id(),
                    model.threshold().threshold());
        } else {
            LOG.info("No initial model: events are emitted as WARMUP until a model update arrives");
        }
        ModelSigner verifier = null;
        if (config.modelSigningKeyFile() != null) {
            verifier = ModelSigner.fromKeyFile(Path.of(config.modelSigningKeyFile()));
            LOG.info(
                    "Model updates must carry a valid {} header (key from {})",
                    KafkaInputDeserializationSchema.SIGNATURE_HEADER,
                    config.modelSigningKeyFile());
        } else {
            LOG.warn(
                    "No --model-signing-key-file: model updates are not authenticated; anyone who"
                            + " can write to {} can replace the serving model",
                    config.modelUpdatesTopic());
        }
        KafkaJobWiring.prepare(env, config);

        // Source: raw records with their coordinates; event time from the Kafka timestamp.
        DataStream<KafkaInput> raw =
                KafkaJobWiring.events(env, config, KafkaJobWiring.watermarks(config));

        // Parse and validate; bad records leave as dead letters.
        SingleOutputStreamOperator<EventRecord> events =
                raw.process(new ParseFunction(config.eventFormat())).name("parse").uid("parse");

        // Model updates, broadcast to every scoring subtask.
        BroadcastStream<KafkaInput> models =
                KafkaJobWiring.source(
                                env,
                                config,
                                config.modelUpdatesTopic(),
                                config.groupId() + "-models",
                                OffsetsInitializer.earliest(),
                                KafkaJobWiring.outsideEventTime(),
                                "model-updates")
                        .setParallelism(1)
                        .broadcast(ScoringFunction.MODEL_STATE);

        // Key by offset block, score in micro-batches.
        int batch = config.batchSize();
        SingleOutputStreamOperator<ScoredEvent> scored =
                events.keyBy(e -> scoringKey(e, batch))
                        .connect(models)
                        .process(
                                new ScoringFunction(
                                        initialModel,
                                        config.batchSize(),
                                        config.batchMaxWaitMs(),
                                        verifier))
                        .name("score")
                        .uid("score");

        // Sinks: every scored event, the anomalies again, and the dead letters of both stages.
        scored.sinkTo(
                        KafkaJobWiring.sink(
                                config,
                                new ScoredEventSerializationSchema(config.scoresTopic()),
                                "scores"))
                .name("scores-sink")
                .uid("scores-sink");
        scored.filter(AnomalyRouting.filter())
                .name("anomalies-only")
                .uid("anomalies-only")
                .sinkTo(
                        KafkaJobWiring.sink(
                                config,
                                AnomalyRouting.schema(config.anomaliesTopic()),
                                "anomalies"))
                .name("anomalies-sink")
                .uid("anomalies-sink");
        DataStream<DeadLetterRecord> deadLetters =
                events.getSideOutput(ParseFunction.DEAD_LETTERS)
                        .union(scored.getSideOutput(ParseFunction.DEAD_LETTERS));
        deadLetters
                .sinkTo(
                        KafkaJobWiring.sink(
                                config,
                                new DeadLetterSerializationSchema(config.deadLetterTopic()),
                                "dead-letters"))
                .name("dead-letter-sink")
                .uid("dead-letter-sink");
    }

    static int scoringKey(EventRecord e, int batchSize) {
        long block = e.getOffset() / batchSize;
        return (int) Math.floorMod(block * 31 + e.getPartition(), (long) SCORING_KEYS);
    }
}
