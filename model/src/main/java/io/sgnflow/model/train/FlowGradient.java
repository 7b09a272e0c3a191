package io.sgnflow.model.train;

import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.LeapfrogAdjoint;
import io.sgnflow.model.core.LeapfrogIntegrator;
import io.sgnflow.model.core.PhaseState;
import io.sgnflow.model.core.TerminalMap;

/**
 * Exact gradient of the negative log-likelihood of standardised events with respect to every
 * parameter of the flow, written by hand.
 *
 * <p>The backward pass is reversible (the paper's Proposition 5.2): instead of storing the K
 * intermediate leapfrog states it rebuilds each one from the next by the exact forward step, so
 * memory does not grow with K. Through each step it applies the chain rule to the three shears; a
 * shear's force is itself a network gradient, so its derivative is the double backward pass of
 * {@link EnergyNetwork#backward}. Tests compare the result with central finite differences.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class FlowGradient {
    private final FlowArchitecture arch;
    private final TerminalMap terminalMap;
    private final LeapfrogIntegrator integrator;
    private final int n;
    private final int m;

    private final double[] w;
    private final double[] v;
    private final double[] z;
    private final double[] vBar;
    private final double[] wBar;
    private final double[] zBar;
    private final PhaseState state;
    private final LeapfrogAdjoint adjoint;
    private final double[] qBar;
    private final double[] pBar;
    private final double[] cBar;

    public FlowGradient(FlowArchitecture arch, int[] permutation) {
        this.arch = arch;
        this.terminalMap = new TerminalMap(arch, permutation);
        this.integrator = new LeapfrogIntegrator(arch);
        int d = arch.dim();
        n = arch.half();
        m = arch.casimirDim();
        w = new double[d];
        v = new double[d];
        z = new double[d];
        vBar = new double[d];
        wBar = new double[d];
        zBar = new double[d];
        state = new PhaseState(arch);
        adjoint = new LeapfrogAdjoint(arch);
        qBar = new double[n];
        pBar = new double[n];
        cBar = new double[m];
    }

    /**
     * Adds {@code weight} · ∂(½‖z0‖²)/∂θ for one standardised event y to {@code grad} and returns
     * ½‖z0‖². The terminal map's log-determinant term Σ s is the caller's (it does not depend on
     * the event).
     */
    public double accumulate(double[] params, double[] y, double weight, double[] grad) {
        terminalMap.inverse(params, y, w, v, z);
        state.load(z);
        integrator.inverse(params, state);
        double half = 0.5 * state.squaredNorm();

        // Seeds: ∂(½‖z0‖²)/∂z0 = z0.
        state.store(zBar);
        for (int i = 0; i < n; i++) {
            qBar[i] = weight * zBar[i];
            pBar[i] = weight * zBar[n + i];
        }
        for (int i = 0; i < m; i++) {
            cBar[i] = weight * zBar[2 * n + i];
        }

        // Φ⁻¹ ran steps K−1 … 0; walk back through them in the order 0 … K−1.
        for (int k = 0; k < arch.steps(); k++) {
            adjoint.backStep(params, k, true, state, qBar, pBar, cBar, grad);
        }

        // The rebuilt state is now z = g⁻¹(y); its adjoint flows into the terminal map.
        for (int i = 0; i < n; i++) {
            zBar[i] = qBar[i];
            zBar[n + i] = pBar[i];
        }
        for (int i = 0; i < m; i++) {
            zBar[2 * n + i] = cBar[i];
        }
        terminalMap.backwardInverse(params, v, z, zBar, vBar, wBar, grad);
        return half;
    }
}
