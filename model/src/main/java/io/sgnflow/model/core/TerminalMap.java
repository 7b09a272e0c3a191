package io.sgnflow.model.core;

/**
 * The terminal map g(z) = P·L·U·z + b of DESIGN §2.2, in standardised units.
 *
 * <p>P is a fixed permutation, L unit lower triangular, U upper triangular with diagonal exp(s), so
 * log|det ∂g/∂z| = Σ s_i exactly and both directions cost two triangular products or solves, O(D²).
 * The entries of L, U, s and b live in the flat parameter vector (see {@link FlowArchitecture}); P
 * is part of the architecture of a model and is not trained.
 *
 * <p>Stateless and thread-safe.
 */
public final class TerminalMap {
    private final FlowArchitecture arch;
    private final int[] permutation;

    /**
     * @param permutation P as an index map: (P·w)_i = w[permutation[i]]
     */
    public TerminalMap(FlowArchitecture arch, int[] permutation) {
        int d = arch.dim();
        if (permutation.length != d) {
            throw new IllegalArgumentException(
                    "permutation has " + permutation.length + " entries, expected " + d);
        }
        boolean[] seen = new boolean[d];
        for (int v : permutation) {
            if (v < 0 || v >= d || seen[v]) {
                throw new IllegalArgumentException(
                        "not a permutation of 0.." + (d - 1) + ": entry " + v);
            }
            seen[v] = true;
        }
        this.arch = arch;
        this.permutation = permutation.clone();
    }

    public static int[] identity(int dim) {
        int[] perm = new int[dim];
        for (int i = 0; i < dim; i++) {
            perm[i] = i;
        }
        return perm;
    }

    public int[] permutation() {
        return permutation.clone();
    }

    /** log|det ∂g/∂z| = Σ s_i. */
    public double logDet(double[] params) {
        double sum = 0;
        int off = arch.logDiagOffset();
        for (int i = 0; i < arch.dim(); i++) {
            sum += params[off + i];
        }
        return sum;
    }

    /**
     * z = g⁻¹(y) = U⁻¹ L⁻¹ Pᵀ (y − b). {@code w} and {@code v} receive the intermediate Pᵀ(y − b)
     * and L⁻¹ Pᵀ (y − b), which training needs; callers that do not need them may pass the same
     * scratch array for both.
     */
    public void inverse(double[] params, double[] y, double[] w, double[] v, double[] z) {
        int d = arch.dim();
        int shift = arch.shiftOffset();
        for (int i = 0; i < d; i++) {
            w[permutation[i]] = y[i] - params[shift + i];
        }
        // Forward substitution with unit diagonal: v = L⁻¹ w.
        for (int i = 0; i < d; i++) {
            double acc = w[i];
            int row = arch.lowerIndex(i, 0);
            for (int j = 0; j < i; j++) {
                acc -= params[row + j] * v[j];
            }
            v[i] = acc;
        }
        // Back substitution: z = U⁻¹ v.
        int diag = arch.logDiagOffset();
        for (int i = d - 1; i >= 0; i--) {
            double acc = v[i];
            for (int j = i + 1; j < d; j++) {
                acc -= params[arch.upperIndex(i, j)] * z[j];
            }
            z[i] = acc * Math.exp(-params[diag + i]);
        }
    }

    /** y = g(z) = P·L·U·z + b, using {@code scratch} (length D) as work space. */
    public void forward(double[] params, double[] z, double[] scratch, double[] y) {
        int d = arch.dim();
        int diag = arch.logDiagOffset();
        // u = U z, written into scratch.
        for (int i = 0; i < d; i++) {
            double acc = Math.exp(params[diag + i]) * z[i];
            for (int j = i + 1; j < d; j++) {
                acc += params[arch.upperIndex(i, j)] * z[j];
            }
            scratch[i] = acc;
        }
        // L u, from the bottom row up so the row's own entry is read before it is overwritten.
        for (int i = d - 1; i >= 0; i--) {
            double acc = scratch[i];
            int row = arch.lowerIndex(i, 0);
            for (int j = 0; j < i; j++) {
                acc += params[row + j] * scratch[j];
            }
            scratch[i] = acc;
        }
        int shift = arch.shiftOffset();
        for (int i = 0; i < d; i++) {
            y[i] = scratch[permutation[i]] + params[shift + i];
        }
    }

    /**
     * Adds to {@code grad} the gradient of zBar·z with respect to L, U, s and b, where z = g⁻¹(y)
     * was computed by {@link #inverse} with intermediates w and v. {@code vBar} and {@code wBar}
     * are scratch of length D.
     */
    public void backwardInverse(
            double[] params,
            double[] v,
            double[] z,
            double[] zBar,
            double[] vBar,
            double[] wBar,
            double[] grad) {
        int d = arch.dim();
        int diag = arch.logDiagOffset();
        // z = U⁻¹ v  ⇒  v̄ = U⁻ᵀ z̄ and Ū = −v̄ zᵀ on the upper triangle.
        for (int i = 0; i < d; i++) {
            double acc = zBar[i];
            for (int j = 0; j < i; j++) {
                acc -= params[arch.upperIndex(j, i)] * vBar[j];
            }
            vBar[i] = acc * Math.exp(-params[diag + i]);
        }
        for (int i = 0; i < d; i++) {
            double vb = vBar[i];
            // U_ii = exp(s_i): ∂/∂s_i = Ū_ii · exp(s_i).
            grad[diag + i] += -vb * z[i] * Math.exp(params[diag + i]);
            for (int j = i + 1; j < d; j++) {
                grad[arch.upperIndex(i, j)] += -vb * z[j];
            }
        }
        // v = L⁻¹ w  ⇒  w̄ = L⁻ᵀ v̄ and L̄ = −w̄ vᵀ on the strict lower triangle.
        for (int i = d - 1; i >= 0; i--) {
            double acc = vBar[i];
            for (int j = i + 1; j < d; j++) {
                acc -= params[arch.lowerIndex(j, i)] * wBar[j];
            }
            wBar[i] = acc;
        }
        for (int i = 1; i < d; i++) {
            double wb = wBar[i];
            int row = arch.lowerIndex(i, 0);
            for (int j = 0; j < i; j++) {
                grad[row + j] += -wb * v[j];
            }
        }
        // w = Pᵀ(y − b)  ⇒  b̄_i = −w̄[perm[i]].
        int shift = arch.shiftOffset();
        for (int i = 0; i < d; i++) {
            grad[shift + i] += -wBar[permutation[i]];
        }
    }
}
