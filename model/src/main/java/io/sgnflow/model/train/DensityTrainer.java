package io.sgnflow.model.train;

import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ModelKind;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.vae.SgnVaeModel;
import java.util.List;

/**
 * Trains either SGN variant behind one call: a new model of the configured kind, or a new version
 * warm-started from a current model of whichever kind it is. Not thread-safe.
 */
public final class DensityTrainer {
    private final ModelKind kind;
    private final TrainingConfig config;
    private final VaeConfig vae;
    private final FlowTrainer.Listener listener;

    /**
     * @param kind what {@link #train} builds
     * @param vae SGN-VAE settings (used only for a new VAE)
     */
    public DensityTrainer(
            ModelKind kind, TrainingConfig config, VaeConfig vae, FlowTrainer.Listener listener) {
        this.kind = kind;
        this.config = config;
        this.vae = vae;
        this.listener = listener;
    }

    public ModelKind kind() {
        return kind;
    }

    /** A new model of the configured kind, version 1. */
    public DensityModel train(double[][] rows, List<String> featureNames) {
        return switch (kind) {
            case FLOW -> new FlowTrainer(config, listener).train(rows, featureNames);
            case VAE -> new VaeTrainer(config, vae, listener).train(rows, featureNames);
        };
    }

    /** A new version from {@code current}, of its kind whatever the configured one. */
    public DensityModel warmStart(double[][] rows, DensityModel current, long newVersion) {
        if (current instanceof SgnVaeModel model) {
            return new VaeTrainer(config, vae, listener).warmStart(rows, model, newVersion);
        }
        return new FlowTrainer(config, listener)
                .warmStart(rows, (SgnFlowModel) current, newVersion);
    }
}
