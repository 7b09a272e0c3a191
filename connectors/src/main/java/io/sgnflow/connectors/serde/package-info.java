/**
 * Turning Kafka bytes into events and events into model-ordered vectors ({@link
 * io.sgnflow.connectors.serde.EventParser}, {@link io.sgnflow.connectors.serde.FeatureResolver}),
 * and the JSON form of the output records ({@link io.sgnflow.connectors.serde.RecordJson}).
 *
 * <p>Bad input is returned as a {@link io.sgnflow.connectors.record.DeadLetterRecord}, never
 * thrown: in the hot path records are routed, not thrown (STYLE.md, Errors).
 */
package io.sgnflow.connectors.serde;
