package io.sgnflow.model.core;

/**
 * The Hamiltonian core Φ: K Störmer–Verlet (leapfrog) steps of H(q, p; c) = V(q; c) + T(p; c).
 *
 * <p>A step with step size ε is three shears: p ← p − (ε/2)∇_qV(q), q ← q + ε∇_pT(p), p ← p −
 * (ε/2)∇_qV(q). Each changes one block by a function of the other, so each has Jacobian determinant
 * exactly 1 and Φ adds no log-determinant to the likelihood. The inverse applies the same shears
 * with opposite signs in reverse order. Step sizes depend only on the parameters, never on the
 * state, which is what keeps Φ exactly invertible and volume-preserving.
 *
 * <p>Stateless and thread-safe; all scratch lives in the {@link PhaseState}.
 */
public final class LeapfrogIntegrator {
    private final FlowArchitecture arch;

    public LeapfrogIntegrator(FlowArchitecture arch) {
        this.arch = arch;
    }

    /** Applies Φ (generative direction, z0 → z_K) in place. */
    public void forward(double[] params, PhaseState s) {
        for (int k = 0; k < arch.steps(); k++) {
            forwardStep(params, k, s);
        }
    }

    /** Applies Φ⁻¹ (scoring direction, z_K → z0) in place. */
    public void inverse(double[] params, PhaseState s) {
        for (int k = arch.steps() - 1; k >= 0; k--) {
            inverseStep(params, k, s);
        }
    }

    /** Leapfrog step k (0-based) in the generative direction. */
    public void forwardStep(double[] params, int k, PhaseState s) {
        double eps = arch.stepSize(params, k);
        kick(params, s, -0.5 * eps);
        drift(params, s, eps);
        kick(params, s, -0.5 * eps);
    }

    /** Exact inverse of {@link #forwardStep} for the same k. */
    public void inverseStep(double[] params, int k, PhaseState s) {
        double eps = arch.stepSize(params, k);
        kick(params, s, 0.5 * eps);
        drift(params, s, -eps);
        kick(params, s, 0.5 * eps);
    }

    /** p ← p + coefficient · ∇_qV(q; c). */
    private void kick(double[] params, PhaseState s, double coefficient) {
        arch.potential().force(params, arch.potentialOffset(), s.q, s.c, s.force, s.potentialTape);
        double[] p = s.p;
        double[] f = s.force;
        for (int i = 0; i < p.length; i++) {
            p[i] += coefficient * f[i];
        }
    }

    /** q ← q + coefficient · ∇_pT(p; c). */
    private void drift(double[] params, PhaseState s, double coefficient) {
        arch.kinetic().force(params, arch.kineticOffset(), s.p, s.c, s.force, s.kineticTape);
        double[] q = s.q;
        double[] f = s.force;
        for (int i = 0; i < q.length; i++) {
            q[i] += coefficient * f[i];
        }
    }
}
