package io.sgnflow.model.vae;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import java.util.Arrays;

/**
 * Shape of an SGN-VAE model (DESIGN §2.5) and the layout of its flat parameter vector.
 *
 * <p>Standardised data y ∈ R^D; latent z ∈ R^L with L independent of D. The encoder maps y to the
 * mean μ and the raw log-scale ρ of q(z0|y) = N(μ, diag σ²), σ = exp(B·tanh(ρ/B)) with B = {@value
 * #ENCODER_LOG_SCALE_BOUND} (a smooth bound that keeps exp finite early in training). The latent
 * core Φ is the leapfrog-integrated Hamiltonian of SGN-Flow on phase space R^L, with the same
 * stability bounds; z_K = Φ(z0). The decoder maps z_K to the mean m of p(y|z_K) = N(m, diag s²)
 * with one learned log-scale per feature, kept ≥ log {@value #MIN_DECODER_SCALE} so that the
 * likelihood of discrete or near-constant features cannot grow without bound.
 *
 * <p>Flat layout: the core's part of the {@link FlowArchitecture} layout (V, T, step logits; there
 * is no terminal map), then the encoder, then the decoder (each in {@link DenseNetwork}'s layout),
 * then the D decoder log-scales.
 *
 * <p>Immutable and thread-safe.
 */
public final class VaeArchitecture {
    /** Bound B on the encoder's log-scales: σ ∈ (e^−B, e^B). */
    public static final double ENCODER_LOG_SCALE_BOUND = 6.0;

    /** Smallest decoder scale, in standard units of the feature. */
    public static final double MIN_DECODER_SCALE = 0.01;

    private final int dim;
    private final int latentDim;
    private final FlowArchitecture core;
    private final DenseNetwork encoder;
    private final DenseNetwork decoder;
    private final int encoderOffset;
    private final int decoderOffset;
    private final int logScaleOffset;
    private final int parameterCount;

    /**
     * @param dim data dimension D ≥ 1
     * @param latentDim latent dimension L ≥ 2 (the core needs a position and a momentum)
     * @param encoderWidths hidden widths of the encoder (at least one layer)
     * @param decoderWidths hidden widths of the decoder; none gives a linear-Gaussian decoder
     * @param core the latent Hamiltonian core; its dimension must be L
     * @throws IllegalArgumentException naming the bad value
     */
    public VaeArchitecture(
            int dim,
            int latentDim,
            int[] encoderWidths,
            int[] decoderWidths,
            Activation activation,
            FlowArchitecture core) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dim);
        }
        if (latentDim < 2) {
            throw new IllegalArgumentException(
                    "latent dimension must be at least 2 (a position and a momentum), was "
                            + latentDim);
        }
        if (core.dim() != latentDim) {
            throw new IllegalArgumentException(
                    "latent core has dimension " + core.dim() + ", expected " + latentDim);
        }
        if (encoderWidths.length == 0) {
            throw new IllegalArgumentException("the encoder needs at least one hidden layer");
        }
        this.dim = dim;
        this.latentDim = latentDim;
        this.core = core;
        this.encoder = new DenseNetwork(dim, encoderWidths, 2 * latentDim, activation);
        this.decoder = new DenseNetwork(latentDim, decoderWidths, dim, activation);
        int offset = core.coreParameterCount();
        encoderOffset = offset;
        offset += encoder.parameterCount();
        decoderOffset = offset;
        offset += decoder.parameterCount();
        logScaleOffset = offset;
        offset += dim;
        parameterCount = offset;
    }

    public int dim() {
        return dim;
    }

    public int latentDim() {
        return latentDim;
    }

    /** The latent Hamiltonian core (its terminal-map part of the layout is unused). */
    public FlowArchitecture core() {
        return core;
    }

    public DenseNetwork encoder() {
        return encoder;
    }

    public DenseNetwork decoder() {
        return decoder;
    }

    public Activation activation() {
        return core.activation();
    }

    public int encoderOffset() {
        return encoderOffset;
    }

    public int decoderOffset() {
        return decoderOffset;
    }

    /** Offset of the D decoder log-scales. */
    public int logScaleOffset() {
        return logScaleOffset;
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** log σ of the encoder from its raw output ρ. */
    public static double encoderLogScale(double raw) {
        return ENCODER_LOG_SCALE_BOUND * Activation.tanh(raw / ENCODER_LOG_SCALE_BOUND);
    }

    @Override
    public String toString() {
        return "VaeArchitecture{D="
                + dim
                + ", L="
                + latentDim
                + ", encoder="
                + Arrays.toString(encoder.hiddenWidths())
                + ", decoder="
                + Arrays.toString(decoder.hiddenWidths())
                + ", core="
                + core
                + "}";
    }
}
