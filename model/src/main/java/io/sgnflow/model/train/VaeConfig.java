package io.sgnflow.model.train;

import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.vae.VaeScoring;
import java.util.Arrays;

/**
 * The SGN-VAE settings of a training run, beside the shared {@link TrainingConfig} (whose hidden
 * widths, activation, steps and stability bounds shape the latent core, and by default the encoder
 * and decoder too). Immutable; build with {@link #builder()}, which validates in {@link
 * Builder#build()} and names any bad value.
 */
public final class VaeConfig {
    /** Largest default latent dimension. */
    public static final int MAX_DEFAULT_LATENT = 16;

    private final int latentDim;
    private final int[] encoderWidths;
    private final int[] decoderWidths;
    private final ScoreKind scoreKind;
    private final int scoreSamples;

    private VaeConfig(Builder b) {
        this.latentDim = b.latentDim;
        this.encoderWidths = b.encoderWidths == null ? null : b.encoderWidths.clone();
        this.decoderWidths = b.decoderWidths == null ? null : b.decoderWidths.clone();
        this.scoreKind = b.scoreKind;
        this.scoreSamples = b.scoreSamples;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The latent dimension for D features: the configured one, else ⌈D/2⌉ within [2, 16]. */
    public int latentDim(int dim) {
        if (latentDim > 0) {
            return latentDim;
        }
        return Math.max(2, Math.min(MAX_DEFAULT_LATENT, (dim + 1) / 2));
    }

    /** Encoder hidden widths, or {@code fallback} (the core's) when not set. */
    public int[] encoderWidths(int[] fallback) {
        return encoderWidths == null ? fallback.clone() : encoderWidths.clone();
    }

    /**
     * Decoder hidden widths (possibly none: a linear decoder), or {@code fallback} when not set.
     */
    public int[] decoderWidths(int[] fallback) {
        return decoderWidths == null ? fallback.clone() : decoderWidths.clone();
    }

    public ScoreKind scoreKind() {
        return scoreKind;
    }

    public int scoreSamples() {
        return scoreSamples;
    }

    @Override
    public String toString() {
        return "VaeConfig{latentDim="
                + (latentDim > 0 ? String.valueOf(latentDim) : "auto")
                + ", encoder="
                + (encoderWidths == null ? "core" : Arrays.toString(encoderWidths))
                + ", decoder="
                + (decoderWidths == null ? "core" : Arrays.toString(decoderWidths))
                + ", score="
                + scoreKind.id()
                + ", samples="
                + scoreSamples
                + "}";
    }

    /** Fluent builder; every setter returns {@code this}. */
    public static final class Builder {
        private int latentDim;
        private int[] encoderWidths;
        private int[] decoderWidths;
        private ScoreKind scoreKind = VaeScoring.DEFAULT_KIND;
        private int scoreSamples = VaeScoring.DEFAULT_SAMPLES;

        private Builder() {}

        /** Latent dimension L ≥ 2; 0 chooses ⌈D/2⌉ within [2, 16]. */
        public Builder latentDim(int latentDim) {
            this.latentDim = latentDim;
            return this;
        }

        public Builder encoderWidths(int... widths) {
            this.encoderWidths = widths.clone();
            return this;
        }

        /** Decoder hidden widths; none gives a linear-Gaussian decoder. */
        public Builder decoderWidths(int... widths) {
            this.decoderWidths = widths.clone();
            return this;
        }

        /** What the model scores with: elbo or iw_log_likelihood. */
        public Builder scoreKind(ScoreKind kind) {
            this.scoreKind = kind;
            return this;
        }

        /** Noise draws k per scored event. */
        public Builder scoreSamples(int samples) {
            this.scoreSamples = samples;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first invalid setting and its value
         */
        public VaeConfig build() {
            if (latentDim != 0 && (latentDim < 2 || latentDim > 4096)) {
                throw new IllegalArgumentException(
                        "invalid latent dimension (2..4096, or 0 for the default): " + latentDim);
            }
            checkWidths("encoder", encoderWidths, 1);
            checkWidths("decoder", decoderWidths, 0);
            // The record checks the kind and k and names them.
            new VaeScoring(scoreKind, scoreSamples, 0L);
            return new VaeConfig(this);
        }

        private static void checkWidths(String what, int[] widths, int minLayers) {
            if (widths == null) {
                return;
            }
            if (widths.length < minLayers || widths.length > 16) {
                throw new IllegalArgumentException(
                        "invalid " + what + " hidden layers: " + Arrays.toString(widths));
            }
            for (int w : widths) {
                if (w < 1 || w > 4096) {
                    throw new IllegalArgumentException(
                            "invalid " + what + " hidden width (1..4096): " + w);
                }
            }
        }
    }
}
