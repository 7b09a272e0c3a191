package io.sgnflow.connectors.record;

/** Why an input record went to the dead-letter topic instead of being scored. */
public enum DeadLetterReason {
    /**
     * Not parseable: invalid JSON, not a JSON object, {@code features} missing or of the wrong
     * type, a duplicate field or feature name, a bad {@code id}/{@code key}/{@code ts}, or a CSV
     * value with more than one line.
     */
    MALFORMED,
    /** A named-feature event lacks one or more of the model's features. */
    MISSING_FEATURE,
    /** A named-feature event has features the model does not know. */
    UNKNOWN_FEATURE,
    /** A positional event (JSON array or CSV) has a different number of values than the model. */
    WRONG_DIMENSION,
    /** A feature value is not a JSON number (string, boolean, null, object, array) or CSV cell. */
    NON_NUMERIC,
    /** A feature value is NaN or infinite, or overflows a double. */
    NON_FINITE,
    /** The record value is null (tombstone), empty or only whitespace. */
    EMPTY,
    /** The record value is not valid UTF-8; the dead letter carries it as base64. */
    NOT_UTF8,
    /** The event was valid but the model failed to score it (e.g. a non-finite score). */
    SCORING_FAILED,
    /**
     * The event's {@code id} or key is longer than the outputs carry ({@value
     * io.sgnflow.connectors.serde.EventParser#MAX_ID_CHARS} characters), which would make its
     * scored record too large for Kafka, or it has more than {@value
     * io.sgnflow.connectors.serde.EventParser#MAX_FEATURES} features.
     */
    TOO_LARGE
}
