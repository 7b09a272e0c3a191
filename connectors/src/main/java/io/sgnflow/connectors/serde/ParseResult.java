package io.sgnflow.connectors.serde;

import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import java.util.Objects;

/**
 * The outcome of {@link EventParser#parse}: an {@link EventRecord} or a {@link DeadLetterRecord},
 * never both. Immutable (the wrapped records are not) and not serializable: consume it in the
 * operator that parsed.
 */
public final class ParseResult {
    private final EventRecord event;
    private final DeadLetterRecord deadLetter;

    private ParseResult(EventRecord event, DeadLetterRecord deadLetter) {
        this.event = event;
        this.deadLetter = deadLetter;
    }

    /**
     * Wraps a parsed event.
     *
     * @param event the event
     * @return a successful result
     * @throws NullPointerException if {@code event} is null
     */
    public static ParseResult ok(EventRecord event) {
        return new ParseResult(Objects.requireNonNull(event, "event"), null);
    }

    /**
     * Wraps a rejected record.
     *
     * @param deadLetter the dead letter
     * @return a failed result
     * @throws NullPointerException if {@code deadLetter} is null
     */
    public static ParseResult failed(DeadLetterRecord deadLetter) {
        return new ParseResult(null, Objects.requireNonNull(deadLetter, "deadLetter"));
    }

    /**
     * Tells whether parsing succeeded.
     *
     * @return true when {@link #event()} is available, false when {@link #deadLetter()} is
     */
    public boolean isOk() {
        return event != null;
    }

    /**
     * Returns the parsed event.
     *
     * @return the event
     * @throws IllegalStateException if parsing failed
     */
    public EventRecord event() {
        if (event == null) {
            throw new IllegalStateException(
                    "parse failed (" + deadLetter.getReason() + "); there is no event");
        }
        return event;
    }

    /**
     * Returns the dead letter.
     *
     * @return the dead letter
     * @throws IllegalStateException if parsing succeeded
     */
    public DeadLetterRecord deadLetter() {
        if (deadLetter == null) {
            throw new IllegalStateException("parse succeeded; there is no dead letter");
        }
        return deadLetter;
    }

    @Override
    public String toString() {
        return isOk() ? "ParseResult{ok " + event + '}' : "ParseResult{failed " + deadLetter + '}';
    }
}
