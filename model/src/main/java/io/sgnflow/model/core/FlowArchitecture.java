package io.sgnflow.model.core;

import java.util.Arrays;

/**
 * Shape of an SGN-Flow model and the layout of its flat parameter vector.
 *
 * <p>Data {@code x ∈ R^D} maps to phase space {@code z = (q, p, c)} with {@code q, p ∈ R^n}, {@code
 * n = ⌊D/2⌋}, and a Casimir block {@code c ∈ R^(D−2n)} (empty for even D). The potential V(q; c)
 * and the kinetic energy T(p; c) are scalar MLPs with the same hidden widths and activation.
 *
 * <p>Stability (DESIGN §2.1): every hidden weight matrix is kept at spectral norm ≤ 1 and the
 * output weight vector at Euclidean norm ≤ {@link #outputNormBound()} (both by projection after
 * each optimiser step). Under those constraints the Lipschitz constant of either force is at most
 * {@link #forceLipschitzBound()}, and the leapfrog integrator is stable for ε < 2/√(L_V·L_T); the
 * learnable step sizes are {@code ε_k = ε_max · sigmoid(θ_k)} with {@code ε_max} that bound, so no
 * parameter value can leave the stable region.
 *
 * <p>Flat parameter layout, in order: potential network, kinetic network, K step logits θ_k,
 * strictly lower part of L (row-major), strictly upper part of U (row-major), log-diagonal s of U,
 * shift b. Each network is, per hidden layer, its weight matrix {@code [width, fanIn]} row-major
 * then its bias, and finally the output weight vector (the output bias is omitted: it never changes
 * a force).
 *
 * <p>Immutable and thread-safe.
 */
public final class FlowArchitecture {
    private final int dim;
    private final int half;
    private final int casimirDim;
    private final int[] hiddenWidths;
    private final Activation activation;
    private final int steps;
    private final double outputNormBound;
    private final double spectralBound;

    private final EnergyNetwork potential;
    private final EnergyNetwork kinetic;
    private final int potentialOffset;
    private final int kineticOffset;
    private final int stepLogitOffset;
    private final int lowerOffset;
    private final int upperOffset;
    private final int logDiagOffset;
    private final int shiftOffset;
    private final int parameterCount;

    /**
     * @param dim data dimension D ≥ 1
     * @param hiddenWidths width of each hidden layer of V and T (at least one layer)
     * @param activation smooth activation of the hidden layers
     * @param steps number K ≥ 1 of leapfrog steps
     * @param outputNormBound bound β &gt; 0 on the norm of each network's output weights
     */
    public FlowArchitecture(
            int dim, int[] hiddenWidths, Activation activation, int steps, double outputNormBound) {
        this(dim, hiddenWidths, activation, steps, outputNormBound, 1.0);
    }

    /**
     * @param spectralBound bound ρ &gt; 0 on the spectral norm of every hidden weight matrix; it
     *     sets the length scale of the features the networks can resolve (about 1/ρ standard units)
     *     and, with β, the largest stable step size
     */
    public FlowArchitecture(
            int dim,
            int[] hiddenWidths,
            Activation activation,
            int steps,
            double outputNormBound,
            double spectralBound) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dim);
        }
        if (hiddenWidths.length == 0) {
            throw new IllegalArgumentException("at least one hidden layer is required");
        }
        for (int w : hiddenWidths) {
            if (w < 1) {
                throw new IllegalArgumentException(
                        "hidden widths must be positive, were " + Arrays.toString(hiddenWidths));
            }
        }
        if (steps < 1) {
            throw new IllegalArgumentException("leapfrog steps must be at least 1, was " + steps);
        }
        if (!(outputNormBound > 0) || Double.isInfinite(outputNormBound)) {
            throw new IllegalArgumentException(
                    "output norm bound must be finite and positive, was " + outputNormBound);
        }
        if (!(spectralBound > 0) || Double.isInfinite(spectralBound)) {
            throw new IllegalArgumentException(
                    "spectral bound must be finite and positive, was " + spectralBound);
        }
        this.spectralBound = spectralBound;
        this.dim = dim;
        this.half = dim / 2;
        this.casimirDim = dim - 2 * half;
        this.hiddenWidths = hiddenWidths.clone();
        this.activation = activation;
        this.steps = steps;
        this.outputNormBound = outputNormBound;

        this.potential = new EnergyNetwork(half, casimirDim, this.hiddenWidths, activation);
        this.kinetic = new EnergyNetwork(half, casimirDim, this.hiddenWidths, activation);
        int offset = 0;
        potentialOffset = offset;
        offset += potential.parameterCount();
        kineticOffset = offset;
        offset += kinetic.parameterCount();
        stepLogitOffset = offset;
        offset += steps;
        int triangle = dim * (dim - 1) / 2;
        lowerOffset = offset;
        offset += triangle;
        upperOffset = offset;
        offset += triangle;
        logDiagOffset = offset;
        offset += dim;
        shiftOffset = offset;
        offset += dim;
        parameterCount = offset;
    }

    /** Data dimension D. */
    public int dim() {
        return dim;
    }

    /** Size n of the position and momentum blocks, ⌊D/2⌋. */
    public int half() {
        return half;
    }

    /** Size of the Casimir block c, D − 2n (0 or 1). */
    public int casimirDim() {
        return casimirDim;
    }

    /** Hidden widths (a copy). */
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    public Activation activation() {
        return activation;
    }

    /** Number K of leapfrog steps. */
    public int steps() {
        return steps;
    }

    public double outputNormBound() {
        return outputNormBound;
    }

    /** Bound ρ on the spectral norm of each hidden weight matrix. */
    public double spectralBound() {
        return spectralBound;
    }

    /** The potential network V(q; c). */
    public EnergyNetwork potential() {
        return potential;
    }

    /** The kinetic network T(p; c). */
    public EnergyNetwork kinetic() {
        return kinetic;
    }

    /**
     * Upper bound on the Lipschitz constant of ∇V (and of ∇T) for any parameters that satisfy the
     * norm constraints: with s1 = sup|σ'|, s2 = sup|σ''|, L hidden layers of spectral norm ≤ ρ,
     * differentiating the product W_1ᵀ D_1 ⋯ W_Lᵀ D_L w factor by factor (D_l depends on the input
     * through h_l, whose Lipschitz constant is ρ^l s1^(l−1)) gives β · s2 · ρ^L · s1^(L−1) ·
     * Σ_{l=1..L} ρ^l s1^(l−1).
     */
    public double forceLipschitzBound() {
        double s1 = activation.maxSlope();
        double s2 = activation.maxCurvature();
        double rho = spectralBound;
        int layers = hiddenWidths.length;
        double sum = 0;
        for (int l = 1; l <= layers; l++) {
            sum += Math.pow(rho, l) * Math.pow(s1, l - 1);
        }
        return outputNormBound * s2 * Math.pow(rho, layers) * Math.pow(s1, layers - 1) * sum;
    }

    /** Largest stable step size 2/√(L_V·L_T); both networks share one bound. */
    public double stepSizeMax() {
        return 2.0 / forceLipschitzBound();
    }

    public int potentialOffset() {
        return potentialOffset;
    }

    public int kineticOffset() {
        return kineticOffset;
    }

    public int stepLogitOffset() {
        return stepLogitOffset;
    }

    public int lowerOffset() {
        return lowerOffset;
    }

    public int upperOffset() {
        return upperOffset;
    }

    public int logDiagOffset() {
        return logDiagOffset;
    }

    public int shiftOffset() {
        return shiftOffset;
    }

    /**
     * Length of the Hamiltonian core's part of the layout (V, T and the step logits), which is its
     * prefix: the integrator and {@link SpectralNorm} read nothing beyond it, so SGN-VAE keeps its
     * latent core in the same layout without a terminal map.
     */
    public int coreParameterCount() {
        return stepLogitOffset + steps;
    }

    /** Length of the flat parameter vector. */
    public int parameterCount() {
        return parameterCount;
    }

    /** Step size ε_k = ε_max · sigmoid(θ_k) of step k (0-based). */
    public double stepSize(double[] params, int k) {
        return stepSizeMax() * Activation.sigmoid(params[stepLogitOffset + k]);
    }

    /** Index of L[i][j] (i &gt; j) in the flat vector. */
    public int lowerIndex(int i, int j) {
        return lowerOffset + i * (i - 1) / 2 + j;
    }

    /** Index of U[i][j] (i &lt; j) in the flat vector. */
    public int upperIndex(int i, int j) {
        // Row i of the strict upper triangle holds D−1−i entries, after Σ_{r<i} (D−1−r).
        return upperOffset + i * (2 * dim - i - 1) / 2 + (j - i - 1);
    }

    @Override
    public String toString() {
        return "FlowArchitecture{D="
                + dim
                + ", n="
                + half
                + ", casimir="
                + casimirDim
                + ", hidden="
                + Arrays.toString(hiddenWidths)
                + ", activation="
                + activation.id()
                + ", K="
                + steps
                + ", β="
                + outputNormBound
                + ", ρ="
                + spectralBound
                + "}";
    }
}
