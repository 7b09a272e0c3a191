/**
 * Records that flow through the scoring job: the raw Kafka input ({@link
 * io.sgnflow.connectors.record.KafkaInput}), the parsed event ({@link
 * io.sgnflow.connectors.record.EventRecord}) and the two outputs, scores ({@link
 * io.sgnflow.connectors.record.ScoredEvent}) and dead letters ({@link
 * io.sgnflow.connectors.record.DeadLetterRecord}).
 *
 * <p>Every record is a Flink POJO (public class, public no-argument constructor, private fields
 * with getters and setters), so Flink serializes it with its {@code PojoSerializer} rather than
 * Kryo. None of them is thread-safe; Flink hands each instance to one thread at a time.
 */
package io.sgnflow.connectors.record;
