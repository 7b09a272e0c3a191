package io.sgnflow.model.train;

import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
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
    // Per-step rebuild: the forces of the three shears, with their tapes.
    private final double[] force1;
    private final double[] forceT;
    private final double[] force2;
    private final double[] qBar;
    private final double[] pBar;
    private final double[] cBar;
    private final double[] upstream;
    private final EnergyNetwork.Tape tapeV1;
    private final EnergyNetwork.Tape tapeT;
    private final EnergyNetwork.Tape tapeV2;

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
        force1 = new double[n];
        forceT = new double[n];
        force2 = new double[n];
        qBar = new double[n];
        pBar = new double[n];
        cBar = new double[m];
        upstream = new double[n];
        tapeV1 = arch.potential().newTape();
        tapeT = arch.kinetic().newTape();
        tapeV2 = arch.potential().newTape();
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
        EnergyNetwork potential = arch.potential();
        EnergyNetwork kinetic = arch.kinetic();
        int vOff = arch.potentialOffset();
        int tOff = arch.kineticOffset();
        double epsMax = arch.stepSizeMax();
        for (int k = 0; k < arch.steps(); k++) {
            // Rebuild the input of inverse step k from its output (forward step k, the same
            // arithmetic as LeapfrogIntegrator.forwardStep), keeping the three shears' tapes:
            // they are the tapes of inverse step k at the rebuilt points, so nothing is
            // evaluated twice.
            double[] c = state.c();
            double[] q = state.q();
            double[] p = state.p();
            double theta = params[arch.stepLogitOffset() + k];
            double sig = Activation.sigmoid(theta);
            double eps = epsMax * sig;
            double a = 0.5 * eps;
            // Shear 3 of the inverse step, p2 = p1 + a ∇V(q1), with q1 = q: undo it.
            potential.force(params, vOff, q, c, force2, tapeV2);
            for (int i = 0; i < n; i++) {
                p[i] += -a * force2[i];
            }
            // Shear 2, q1 = q − ε ∇T(p1): undo it.
            kinetic.force(params, tOff, p, c, forceT, tapeT);
            for (int i = 0; i < n; i++) {
                q[i] += eps * forceT[i];
            }
            // Shear 1, p1 = p + a ∇V(q): undo it; (q, p) is now the input of inverse step k.
            potential.force(params, vOff, q, c, force1, tapeV1);
            for (int i = 0; i < n; i++) {
                p[i] += -a * force1[i];
            }

            double aBar = 0;
            double epsBar = 0;
            // Shear 3: p2 = p1 + a ∇V(q1).
            for (int i = 0; i < n; i++) {
                aBar += pBar[i] * force2[i];
                upstream[i] = a * pBar[i];
            }
            potential.backward(params, vOff, tapeV2, upstream, grad, qBar, cBar);
            // Shear 2: q1 = q − ε ∇T(p1).
            for (int i = 0; i < n; i++) {
                epsBar -= qBar[i] * forceT[i];
                upstream[i] = -eps * qBar[i];
            }
            kinetic.backward(params, tOff, tapeT, upstream, grad, pBar, cBar);
            // Shear 1: p1 = p + a ∇V(q).
            for (int i = 0; i < n; i++) {
                aBar += pBar[i] * force1[i];
                upstream[i] = a * pBar[i];
            }
            potential.backward(params, vOff, tapeV1, upstream, grad, qBar, cBar);

            epsBar += 0.5 * aBar;
            grad[arch.stepLogitOffset() + k] += epsBar * epsMax * sig * (1 - sig);
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
