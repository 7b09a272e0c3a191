/**
 * Kafka sources and sinks of the scoring job, built with the official flink-connector-kafka
 * builders: the event and model-update source ({@link
 * io.sgnflow.connectors.kafka.KafkaInputSource}), serialization schemas for scores, anomalies and
 * dead letters, the sink factory ({@link io.sgnflow.connectors.kafka.KafkaSinks}), a start-up check
 * of the transaction timeout against the brokers, and client-property loading with redaction for
 * logs.
 */
package io.sgnflow.connectors.kafka;
