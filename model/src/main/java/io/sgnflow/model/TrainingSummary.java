package io.sgnflow.model;

import java.util.List;

/**
 * What a training run did, stored in the model file.
 *
 * @param rows rows given to training
 * @param duplicatesRemoved exact duplicate rows dropped before the split
 * @param trainRows rows used for gradient steps
 * @param validationRows held-out rows used for early stopping and the threshold
 * @param epochs epochs run
 * @param bestEpoch epoch whose parameters were kept (1-based)
 * @param trainLogLikelihoodPerDim mean training log-likelihood per dimension at the best epoch
 * @param validationLogLikelihoodPerDim mean validation log-likelihood per dimension at the best
 *     epoch (nats)
 * @param seconds wall time of the run
 * @param seed random seed
 * @param stopReason why training stopped (epochs, early-stopping, time-budget, non-finite-loss)
 * @param history per-epoch figures
 */
public record TrainingSummary(
        int rows,
        int duplicatesRemoved,
        int trainRows,
        int validationRows,
        int epochs,
        int bestEpoch,
        double trainLogLikelihoodPerDim,
        double validationLogLikelihoodPerDim,
        double seconds,
        long seed,
        String stopReason,
        List<Epoch> history) {

    public TrainingSummary {
        history = List.copyOf(history);
    }

    /** Figures of one epoch, in nats per dimension. */
    public record Epoch(
            int epoch, double trainLogLikelihoodPerDim, double validationLogLikelihoodPerDim) {}
}
