package io.sgnflow.connectors.serde;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * Maps a parsed {@link EventRecord} onto a model's feature order, or explains in a {@link
 * DeadLetterRecord} why it cannot.
 *
 * <ul>
 *   <li>Named features must cover every model feature ({@link DeadLetterReason#MISSING_FEATURE},
 *       e.g. {@code missing feature 'f7' (and 2 more)}) and contain no other name ({@link
 *       DeadLetterReason#UNKNOWN_FEATURE}, e.g. {@code unknown feature 'gpu'}). When both happen
 *       the reason is {@code UNKNOWN_FEATURE} and the message names both, unknown first.
 *   <li>Positional features (JSON array, CSV) must number exactly {@link #dimension()} ({@link
 *       DeadLetterReason#WRONG_DIMENSION}, e.g. {@code expected 38 features, found 37}).
 *   <li>A repeated name or names and values of different lengths (only possible for events not made
 *       by {@link EventParser}): {@link DeadLetterReason#MALFORMED}.
 * </ul>
 *
 * <p>Dead letters carry the event's raw text, coordinates and event time, and no model version; the
 * caller sets it with {@link DeadLetterRecord#setModelVersion(String)}.
 *
 * <p>Named lookups use a precomputed name-to-index hash map: {@code O(features)} per event.
 * Immutable and thread-safe.
 */
public final class FeatureResolver implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] modelFeatureNames;
    private final HashMap<String, Integer> indexByName;

    /**
     * Creates a resolver for one model's features.
     *
     * @param modelFeatureNames the model's feature names in model order
     * @throws IllegalArgumentException if the list is null or empty, or a name is null, blank or
     *     repeated (the message names it and its positions)
     */
    public FeatureResolver(List<String> modelFeatureNames) {
        if (modelFeatureNames == null || modelFeatureNames.isEmpty()) {
            throw new IllegalArgumentException(
                    "model feature names must be a non-empty list, found " + modelFeatureNames);
        }
        this.modelFeatureNames = modelFeatureNames.toArray(new String[0]);
        this.indexByName = new HashMap<>(2 * this.modelFeatureNames.length);
        for (int i = 0; i < this.modelFeatureNames.length; i++) {
            String name = this.modelFeatureNames[i];
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(
                        "model feature name at index "
                                + i
                                + " must be non-blank, found "
                                + (name == null ? "null" : Quote.string(name)));
            }
            Integer previous = indexByName.putIfAbsent(name, i);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "model feature name "
                                + Quote.name(name)
                                + " appears twice, at index "
                                + previous
                                + " and "
                                + i);
            }
        }
    }

    /**
     * Returns the number of model features.
     *
     * @return dimension {@code D}
     */
    public int dimension() {
        return modelFeatureNames.length;
    }

    /**
     * Returns the model's feature names.
     *
     * @return names in model order (an unmodifiable list)
     */
    public List<String> modelFeatureNames() {
        return List.of(modelFeatureNames);
    }

    /**
     * Resolves an event's features into model order.
     *
     * @param event a parsed event
     * @return a fresh {@code double[dimension()]} in model order, or a dead letter naming the
     *     missing, unknown or miscounted features
     * @throws NullPointerException if {@code event} is null
     */
    public Resolution resolve(EventRecord event) {
        Objects.requireNonNull(event, "event");
        double[] values = event.getValues();
        String[] names = event.getFeatureNames();
        if (values == null) {
            return reject(event, DeadLetterReason.MALFORMED, "event has no feature values");
        }
        if (names == null) {
            return resolvePositional(event, values);
        }
        if (names.length != values.length) {
            return reject(
                    event,
                    DeadLetterReason.MALFORMED,
                    "event has "
                            + names.length
                            + " feature names but "
                            + values.length
                            + " values");
        }
        return resolveNamed(event, names, values);
    }

    private Resolution resolvePositional(EventRecord event, double[] values) {
        if (values.length != modelFeatureNames.length) {
            return reject(
                    event,
                    DeadLetterReason.WRONG_DIMENSION,
                    "expected " + modelFeatureNames.length + " features, found " + values.length);
        }
        return Resolution.ok(values.clone());
    }

    private Resolution resolveNamed(EventRecord event, String[] names, double[] values) {
        int dimension = modelFeatureNames.length;
        double[] ordered = new double[dimension];
        boolean[] present = new boolean[dimension];
        int presentCount = 0;
        String firstUnknown = null;
        int unknownCount = 0;
        for (int i = 0; i < names.length; i++) {
            Integer index = indexByName.get(names[i]);
            if (index == null) {
                if (firstUnknown == null) {
                    firstUnknown = names[i];
                }
                unknownCount++;
                continue;
            }
            if (present[index]) {
                return reject(
                        event,
                        DeadLetterReason.MALFORMED,
                        "duplicate feature " + Quote.name(names[i]));
            }
            present[index] = true;
            ordered[index] = values[i];
            presentCount++;
        }
        if (unknownCount == 0 && presentCount == dimension) {
            return Resolution.ok(ordered);
        }

        String missingPart = null;
        if (presentCount < dimension) {
            int firstMissing = 0;
            while (present[firstMissing]) {
                firstMissing++;
            }
            missingPart =
                    nameWithMore(
                            "missing feature",
                            modelFeatureNames[firstMissing],
                            dimension - presentCount);
        }
        if (unknownCount == 0) {
            return reject(event, DeadLetterReason.MISSING_FEATURE, missingPart);
        }
        String unknownPart = nameWithMore("unknown feature", firstUnknown, unknownCount);
        return reject(
                event,
                DeadLetterReason.UNKNOWN_FEATURE,
                missingPart == null ? unknownPart : unknownPart + "; " + missingPart);
    }

    private static String nameWithMore(String prefix, String name, int count) {
        String message = prefix + " " + Quote.name(name);
        return count > 1 ? message + " (and " + (count - 1) + " more)" : message;
    }

    private static Resolution reject(EventRecord event, DeadLetterReason reason, String message) {
        return Resolution.failed(DeadLetterRecord.forEvent(event, reason, message));
    }

    @Override
    public String toString() {
        return "FeatureResolver{dimension=" + modelFeatureNames.length + '}';
    }
}
