package io.sgnflow.model.core;

/**
 * One event's point z = (q, p, c) in phase space, with the scratch the integrator needs. Not
 * thread-safe: one per thread (or per operator instance).
 */
public final class PhaseState {
    final double[] q;
    final double[] p;
    final double[] c;
    final double[] force;
    final EnergyNetwork.Tape potentialTape;
    final EnergyNetwork.Tape kineticTape;

    public PhaseState(FlowArchitecture arch) {
        int n = arch.half();
        q = new double[n];
        p = new double[n];
        c = new double[arch.casimirDim()];
        force = new double[n];
        potentialTape = arch.potential().newTape();
        kineticTape = arch.kinetic().newTape();
    }

    /** Live position block q (not a copy). */
    public double[] q() {
        return q;
    }

    /** Live momentum block p (not a copy). */
    public double[] p() {
        return p;
    }

    /** Live Casimir block c (not a copy). */
    public double[] c() {
        return c;
    }

    /** Loads z = (q, p, c) from {@code z}. */
    public void load(double[] z) {
        int n = q.length;
        System.arraycopy(z, 0, q, 0, n);
        System.arraycopy(z, n, p, 0, n);
        System.arraycopy(z, 2 * n, c, 0, c.length);
    }

    /** Stores z = (q, p, c) into {@code z}. */
    public void store(double[] z) {
        int n = q.length;
        System.arraycopy(q, 0, z, 0, n);
        System.arraycopy(p, 0, z, n, n);
        System.arraycopy(c, 0, z, 2 * n, c.length);
    }

    /** ‖z‖². */
    public double squaredNorm() {
        double sum = 0;
        for (double v : q) {
            sum += v * v;
        }
        for (double v : p) {
            sum += v * v;
        }
        for (double v : c) {
            sum += v * v;
        }
        return sum;
    }
}
