package io.sgnflow.jobs.retrain;

import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.serde.FeatureResolver;
import io.sgnflow.connectors.serde.Resolution;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.train.DensityTrainer;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one window's sample into a candidate model and decides on it; no Flink and no I/O, so the
 * whole path from sample to verdict is testable on its own.
 *
 * <ol>
 *   <li>Resolve each event onto the model's feature order (cold start: the configured names, else
 *       those of the first named event, else {@code f0..f(D-1)}); drop what does not fit or is not
 *       finite.
 *   <li>Anomaly exclusion: leave out the events the scoring job flagged (when a scores topic is
 *       read), else those the current model scores below its threshold — unless more than {@code
 *       maxExcludedFraction} are flagged, which means the distribution moved and excluding them
 *       would keep the model from ever following it.
 *   <li>Sort by event time; the newest {@code holdoutFraction} is held out, the rest trains a
 *       candidate: warm-started from the current model, or from scratch on a cold start, under the
 *       epoch and time budget.
 *   <li>{@link ValidationGate} on the held-out events; on acceptance the threshold and its quantile
 *       sample are recalibrated on the held-out candidate log-likelihoods and the version set.
 * </ol>
 *
 * <p>Never returns a model with a non-finite parameter or held-out score: the trainer's
 * IllegalArgumentException and any non-finite figure become a rejection with its reason.
 */
public final class Retrainer {
    /**
     * Fewest events the calibration sample should expect below the threshold (alpha times its
     * size); the held-out span alone is used when it has that many.
     */
    static final int MIN_EVENTS_BELOW_THRESHOLD = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);

    private final RetrainConfig config;

    public Retrainer(RetrainConfig config) {
        this.config = config;
    }

    /**
     * @param sample the window's sampled events, any order
     * @param current the current model, or null for a cold start
     * @param newVersion version number of a published candidate
     */
    public Outcome retrain(List<SampledEvent> sample, DensityModel current, long newVersion) {
        return retrain(sample, current, newVersion, null);
    }

    /**
     * As {@link #retrain(List, DensityModel, long)}, with the scoring job's verdicts: when {@code
     * flags} is not null (a scores topic is read), the sampled events it names are the anomalies
     * left out, instead of those the current model flags; its flagged share of the whole window
     * decides whether the window is a distribution change.
     */
    public Outcome retrain(
            List<SampledEvent> sample, DensityModel current, long newVersion, WindowFlags flags) {
        List<String> names =
                current != null ? current.featureNames() : coldStartNames(sample, config);
        if (names == null) {
            return Outcome.rejected(
                    RejectReason.TOO_FEW_EVENTS, "no event to take feature names from", 0, 0);
        }
        FeatureResolver resolver = new FeatureResolver(names);
        List<SampledEvent> sorted = new ArrayList<>(sample);
        sorted.sort(Comparator.comparingLong(SampledEvent::getTimestamp));
        List<double[]> rows = new ArrayList<>();
        List<String> coordinates = new ArrayList<>();
        int unusable = 0;
        EventRecord probe = new EventRecord();
        for (SampledEvent e : sorted) {
            probe.setFeatureNames(e.getFeatureNames());
            probe.setValues(e.getValues());
            Resolution r = resolver.resolve(probe);
            if (!r.isOk() || !TrainingConfig.trainable(r.values())) {
                unusable++;
                continue;
            }
            rows.add(r.values());
            coordinates.add(e.coordinate());
        }
        if (unusable > 0) {
            LOG.info(
                    "{} of {} sampled events left out: other features than {}, or a value not finite"
                            + " or beyond {} (as training leaves out)",
                    unusable,
                    sample.size(),
                    names,
                    TrainingConfig.MAX_TRAINING_VALUE);
        }

        // Every usable event, flagged or not, in time order: the threshold is calibrated on the
        // newest of them (see below).
        List<double[]> usable = rows;
        int excluded = 0;
        if (flags != null && config.excludeAnomalies() && !rows.isEmpty()) {
            double share = flags.share();
            if (share > config.maxExcludedFraction()) {
                LOG.info(
                        "The scoring job flagged {} of {} events of the window (more than {}):"
                                + " treated as a distribution change, none left out",
                        flags.flagsSeen(),
                        flags.eventsSeen(),
                        config.maxExcludedFraction());
            } else {
                List<double[]> normal = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    if (!flags.flagged().contains(coordinates.get(i))) {
                        normal.add(rows.get(i));
                    }
                }
                excluded = rows.size() - normal.size();
                rows = normal;
                if (flags.incomplete()) {
                    LOG.warn(
                            "{} flags in this window, only the first {} kept: flagged events"
                                    + " beyond them may be trained on",
                            flags.flagsSeen(),
                            flags.flagged().size());
                }
            }
        } else if (current != null && config.excludeAnomalies() && !rows.isEmpty()) {
            DensityScorer scorer = current.newScorer();
            List<double[]> normal = new ArrayList<>(rows.size());
            for (double[] row : rows) {
                double ll = scorer.score(row);
                if (Double.isFinite(ll) && !current.threshold().isAnomaly(ll)) {
                    normal.add(row);
                }
            }
            excluded = rows.size() - normal.size();
            if (excluded > config.maxExcludedFraction() * rows.size()) {
                LOG.info(
                        "Current model flags {} of {} events (more than {}): treated as a"
                                + " distribution change, none left out",
                        excluded,
                        rows.size(),
                        config.maxExcludedFraction());
                excluded = 0;
            } else {
                rows = normal;
            }
        }

        if (rows.size() < config.minEvents()) {
            return Outcome.rejected(
                    RejectReason.TOO_FEW_EVENTS,
                    rows.size()
                            + " usable events ("
                            + unusable
                            + " unusable, "
                            + excluded
                            + " flagged as anomalies) of "
                            + sample.size()
                            + " sampled; at least "
                            + config.minEvents()
                            + " needed",
                    rows.size(),
                    excluded);
        }

        int holdoutCount = Math.max(1, (int) Math.round(rows.size() * config.holdoutFraction()));
        // The events of the held-out span before any was left out as an anomaly: the threshold is
        // their alpha-quantile. Calibrated on the held-out events alone, the quantile of a sample
        // without its flagged tail would sit higher than the stream's, flag more next window,
        // leave more out, and climb window after window on a stream that never changes.
        double[] firstHeldOut = rows.get(rows.size() - holdoutCount);
        int calibrationFrom = usable.size() - 1;
        while (calibrationFrom > 0 && usable.get(calibrationFrom) != firstHeldOut) {
            calibrationFrom--;
        }
        double[][] calibration =
                usable.subList(calibrationFrom, usable.size()).toArray(new double[0][]);
        if (calibration.length * config.alpha() < MIN_EVENTS_BELOW_THRESHOLD) {
            // Too few for the alpha-quantile: it would be about their lowest score, and one event
            // far out among them would set a threshold nothing ever falls below. The whole
            // window (training events too, a slightly optimistic sample) gives more of them.
            LOG.info(
                    "Only {} held-out events: the threshold, their {}-quantile, is calibrated on"
                            + " all {} usable events of the window instead",
                    calibration.length,
                    config.alpha(),
                    usable.size());
            calibration = usable.toArray(new double[0][]);
            if (calibration.length * config.alpha() < 1) {
                LOG.warn(
                        "Only {} usable events: the threshold, their {}-quantile, is about their"
                                + " lowest score, so one outlier among them sets it; larger"
                                + " windows (or --reservoir-size) give a steadier one",
                        calibration.length,
                        config.alpha());
            }
        }
        int trainCount = rows.size() - holdoutCount;
        double[][] train = rows.subList(0, trainCount).toArray(new double[0][]);
        double[][] holdout = rows.subList(trainCount, rows.size()).toArray(new double[0][]);

        TrainingConfig training = config.trainingConfig();
        DensityModel candidate;
        long t0 = System.nanoTime();
        try {
            DensityTrainer trainer =
                    new DensityTrainer(
                            config.modelType(),
                            training,
                            config.vaeConfig(),
                            FlowTrainer.Listener.NONE);
            candidate =
                    current == null
                            ? trainer.train(train, names)
                            : trainer.warmStart(train, current, newVersion);
        } catch (IllegalArgumentException e) {
            return Outcome.rejected(
                    RejectReason.TRAINING_FAILED, e.getMessage(), rows.size(), excluded);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        double[] candidateLl = scores(candidate, holdout);
        double[] currentLl = current == null ? null : scores(current, holdout);
        ValidationGate.Decision decision =
                ValidationGate.evaluate(candidateLl, currentLl, names.size(), config.tolerance());
        if (!decision.accepted()) {
            return new Outcome(
                    null, decision, decision.message(), rows.size(), excluded, seconds, true);
        }
        DensityModel published =
                candidate
                        .withThreshold(
                                AnomalyThreshold.calibrate(
                                        training.alpha(), finite(scores(candidate, calibration))))
                        .withVersion(newVersion);
        return new Outcome(
                published, decision, decision.message(), rows.size(), excluded, seconds, true);
    }

    /** The finite values (an event far out can score −∞ under a model that fits the rest). */
    private static double[] finite(double[] values) {
        return java.util.Arrays.stream(values).filter(Double::isFinite).toArray();
    }

    private static double[] scores(DensityModel model, double[][] rows) {
        DensityScorer scorer = model.newScorer();
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            try {
                out[i] = scorer.score(rows[i]);
            } catch (IllegalArgumentException e) {
                out[i] = Double.NaN;
            }
        }
        return out;
    }

    /**
     * Feature names of a cold start ({@code --feature-names} when given), or null when the sample
     * is empty: the shape most of the sampled events share, by name (in their order) or by position
     * ({@code f0, f1, ...}), so that one odd event cannot decide it for the window.
     */
    static List<String> coldStartNames(List<SampledEvent> sample, RetrainConfig config) {
        if (config.featureNames() != null) {
            return config.featureNames();
        }
        Map<List<String>, Integer> votes = new HashMap<>();
        for (SampledEvent e : sample) {
            if (e.isFlag()) {
                continue;
            }
            votes.merge(shape(e), 1, Integer::sum);
        }
        return votes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(null);
    }

    /** An event's feature names, or f0 ... f(n-1) for one whose values come by position. */
    private static List<String> shape(SampledEvent e) {
        if (e.getFeatureNames() != null) {
            return Arrays.asList(e.getFeatureNames());
        }
        List<String> names = new ArrayList<>(e.getValues().length);
        for (int i = 0; i < e.getValues().length; i++) {
            names.add("f" + i);
        }
        return names;
    }

    /**
     * The scoring job's anomaly flags of one window: coordinates ("topic/partition/offset") of the
     * flagged events (possibly incomplete, see {@link Reservoir#MAX_FLAGS}) and the counts of flags
     * and events.
     */
    public record WindowFlags(Set<String> flagged, long flagsSeen, long eventsSeen) {
        /** Flags of a closed window's reservoir. */
        static WindowFlags of(Reservoir reservoir) {
            return new WindowFlags(
                    new HashSet<>(reservoir.getFlagged()),
                    reservoir.getFlagsSeen(),
                    reservoir.getSeen());
        }

        /** Flagged share of the window's events (0 for an empty window). */
        double share() {
            return eventsSeen == 0 ? 0 : (double) flagsSeen / eventsSeen;
        }

        boolean incomplete() {
            return flagsSeen > flagged.size();
        }
    }

    /**
     * The result of one window: the model to publish (null when rejected), the gate's decision
     * (null when no candidate was trained), the reason, and the figures for logs and metrics.
     */
    public record Outcome(
            DensityModel model,
            ValidationGate.Decision decision,
            String message,
            int usableEvents,
            int excludedAnomalies,
            double trainingSeconds,
            boolean candidateTrained) {

        static Outcome rejected(RejectReason reason, String message, int usable, int excluded) {
            return new Outcome(
                    null,
                    new ValidationGate.Decision(reason, message, Double.NaN, Double.NaN),
                    message,
                    usable,
                    excluded,
                    0,
                    false);
        }

        public boolean published() {
            return model != null;
        }

        public RejectReason reason() {
            return decision == null ? null : decision.reason();
        }
    }
}
