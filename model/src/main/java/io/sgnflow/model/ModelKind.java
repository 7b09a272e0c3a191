package io.sgnflow.model;

import io.sgnflow.model.vae.SgnVaeModel;
import java.util.Locale;

/** The two SGN variants (DESIGN §2): which one to train, and what a model file holds. */
public enum ModelKind {
    /** SGN-Flow: exact log-likelihood, latent of dimension D. */
    FLOW(SgnFlowModel.TYPE),
    /** SGN-VAE: encoder, latent core, decoder; scored by a lower bound. */
    VAE(SgnVaeModel.TYPE);

    private final String modelType;

    ModelKind(String modelType) {
        this.modelType = modelType;
    }

    /** Short name used on the command line: {@code flow} or {@code vae}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Model type in model files: {@code sgn-flow} or {@code sgn-vae}. */
    public String modelType() {
        return modelType;
    }

    /** The kind of a model. */
    public static ModelKind of(DensityModel model) {
        return model instanceof SgnVaeModel ? VAE : FLOW;
    }

    /**
     * Parses {@code flow}, {@code vae}, {@code sgn-flow} or {@code sgn-vae}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ModelKind parse(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        for (ModelKind kind : values()) {
            if (kind.id().equals(lower) || kind.modelType.equals(lower)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "model type '" + name + "' is not known; use flow (SGN-Flow) or vae (SGN-VAE)");
    }
}
