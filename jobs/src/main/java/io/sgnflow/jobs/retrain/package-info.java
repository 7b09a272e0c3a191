/**
 * The retraining side job (issue 4, DESIGN §3): event-time windows of the events topic train new
 * model versions that pass a validation gate and reach the scoring job through the model store and
 * the model-updates topic.
 *
 * <p>Pipeline: {@code KafkaInputSource} (Kafka timestamps, bounded out-of-orderness, idleness) →
 * {@code ParseFunction} → {@link io.sgnflow.jobs.retrain.ToSampledEvent} → one key → tumbling or
 * sliding event-time windows aggregated into a {@link io.sgnflow.jobs.retrain.Reservoir} (bounded
 * uniform sample) → {@link io.sgnflow.jobs.retrain.RetrainWindowFunction} ({@link
 * io.sgnflow.jobs.retrain.Retrainer}: anomaly exclusion with the current model, warm start or cold
 * start, {@link io.sgnflow.jobs.retrain.ValidationGate}, threshold recalibration) → {@link
 * io.sgnflow.jobs.retrain.ModelStore} and a Kafka sink of model-file bytes.
 *
 * <p>Checkpoints and failures: training runs synchronously in the window operator, bounded by
 * {@code --max-training-seconds} (20 s by default); a checkpoint barrier waits for a run in
 * progress, so checkpoints are delayed by at most about that long. A run is never checkpointed:
 * after a failure the job restores the last checkpoint, whose window state still holds the window's
 * sample if it had not fired yet, so the run repeats with the same sample and seed. The current
 * model is keyed state, so a restore resumes with the last version published before the checkpoint;
 * a version published after it may be published again, which the scoring job ignores (it accepts
 * only newer versions).
 *
 * <p>Anomaly exclusion is scoring-side: the scores topic is not read; the current model scores each
 * sampled event at window close and those below its threshold are left out, unless more than {@code
 * --max-excluded-fraction} are flagged (a distribution change that the model must follow).
 */
package io.sgnflow.jobs.retrain;
