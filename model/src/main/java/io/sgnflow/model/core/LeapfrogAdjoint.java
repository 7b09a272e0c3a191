package io.sgnflow.model.core;

/**
 * Reverse-mode derivative of one leapfrog step that rebuilds the step's input from its output
 * instead of reading it from a stored tape (reversible backpropagation, the paper's Proposition
 * 5.2), so a backward pass through K steps needs the memory of one.
 *
 * <p>Both directions are one step of signed size h: p₁ = p − (h/2)∇V(q), q₁ = q + h∇T(p₁), p₂ = p₁
 * − (h/2)∇V(q₁), with h = +ε_k for {@link LeapfrogIntegrator#forwardStep} (the generative direction
 * z0 → z_K used by SGN-VAE's latent core) and h = −ε_k for {@link LeapfrogIntegrator#inverseStep}
 * (the scoring direction used by SGN-Flow). Undoing a step of size h is the step of size −h, so the
 * rebuilt input is exact to rounding; its three force evaluations leave the tapes the chain rule
 * needs, and no network is evaluated twice.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class LeapfrogAdjoint {
    private final FlowArchitecture arch;
    private final double[] force1;
    private final double[] forceT;
    private final double[] force2;
    private final double[] upstream;
    private final EnergyNetwork.Tape tapeV1;
    private final EnergyNetwork.Tape tapeT;
    private final EnergyNetwork.Tape tapeV2;

    public LeapfrogAdjoint(FlowArchitecture arch) {
        this.arch = arch;
        int n = arch.half();
        force1 = new double[n];
        forceT = new double[n];
        force2 = new double[n];
        upstream = new double[n];
        tapeV1 = arch.potential().newTape();
        tapeT = arch.kinetic().newTape();
        tapeV2 = arch.potential().newTape();
    }

    /**
     * Steps back through leapfrog step k (0-based). On entry {@code s} holds the step's output and
     * {@code qBar}, {@code pBar}, {@code cBar} the loss's gradient with respect to it; on return
     * {@code s} holds the step's input, the three adjoints are the gradient with respect to that
     * input, and the gradient of the network parameters and of the step logit θ_k has been added to
     * {@code grad} (flat layout of {@link FlowArchitecture}).
     *
     * @param inverse true when the step ran as {@link LeapfrogIntegrator#inverseStep} (h = −ε_k),
     *     false for {@link LeapfrogIntegrator#forwardStep} (h = +ε_k)
     */
    public void backStep(
            double[] params,
            int k,
            boolean inverse,
            PhaseState s,
            double[] qBar,
            double[] pBar,
            double[] cBar,
            double[] grad) {
        EnergyNetwork potential = arch.potential();
        EnergyNetwork kinetic = arch.kinetic();
        int vOff = arch.potentialOffset();
        int tOff = arch.kineticOffset();
        int n = arch.half();
        double[] q = s.q;
        double[] p = s.p;
        double[] c = s.c;
        double epsMax = arch.stepSizeMax();
        double sig = Activation.sigmoid(params[arch.stepLogitOffset() + k]);
        double sign = inverse ? -1.0 : 1.0;
        double h = sign * (epsMax * sig);
        double halfH = 0.5 * h;

        // Rebuild: undo p₂ = p₁ − (h/2)∇V(q₁), then q₁ = q + h∇T(p₁), then p₁ = p − (h/2)∇V(q).
        potential.force(params, vOff, q, c, force2, tapeV2);
        for (int i = 0; i < n; i++) {
            p[i] += halfH * force2[i];
        }
        kinetic.force(params, tOff, p, c, forceT, tapeT);
        for (int i = 0; i < n; i++) {
            q[i] -= h * forceT[i];
        }
        potential.force(params, vOff, q, c, force1, tapeV1);
        for (int i = 0; i < n; i++) {
            p[i] += halfH * force1[i];
        }

        double hBar = 0;
        // p₂ = p₁ − (h/2)∇V(q₁): p̄₁ = p̄₂, q̄₁ += ∇²V(q₁)·(−(h/2)p̄₂).
        for (int i = 0; i < n; i++) {
            hBar -= 0.5 * pBar[i] * force2[i];
            upstream[i] = -halfH * pBar[i];
        }
        potential.backward(params, vOff, tapeV2, upstream, grad, qBar, cBar);
        // q₁ = q + h∇T(p₁): q̄ = q̄₁, p̄₁ += ∇²T(p₁)·(h q̄₁).
        for (int i = 0; i < n; i++) {
            hBar += qBar[i] * forceT[i];
            upstream[i] = h * qBar[i];
        }
        kinetic.backward(params, tOff, tapeT, upstream, grad, pBar, cBar);
        // p₁ = p − (h/2)∇V(q): p̄ = p̄₁, q̄ += ∇²V(q)·(−(h/2)p̄₁).
        for (int i = 0; i < n; i++) {
            hBar -= 0.5 * pBar[i] * force1[i];
            upstream[i] = -halfH * pBar[i];
        }
        potential.backward(params, vOff, tapeV1, upstream, grad, qBar, cBar);

        // h = sign · ε_max · sigmoid(θ_k).
        grad[arch.stepLogitOffset() + k] += hBar * sign * epsMax * sig * (1 - sig);
    }
}
