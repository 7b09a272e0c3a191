package io.sgnflow.model.train;

/**
 * Adam (Kingma and Ba, 2015) with bias correction and a per-parameter learning rate, plus the
 * global-norm gradient clipping both trainers apply before each step. Not thread-safe.
 */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double[] rates;
    private final double[] m;
    private final double[] v;
    private long step;

    /**
     * @param rates learning rate of each parameter
     */
    Adam(double[] rates) {
        this.rates = rates.clone();
        this.m = new double[rates.length];
        this.v = new double[rates.length];
    }

    /**
     * Factor that scales {@code grad} to Euclidean norm at most {@code maxNorm}: 1 when it is
     * already within, NaN when the norm is not finite (the caller stops then).
     */
    static double clipFactor(double[] grad, double maxNorm) {
        double norm = 0;
        for (double g : grad) {
            norm += g * g;
        }
        norm = Math.sqrt(norm);
        if (!Double.isFinite(norm)) {
            return Double.NaN;
        }
        return norm > maxNorm ? maxNorm / norm : 1;
    }

    /** One step on {@code params} along {@code grad · clip}. */
    void step(double[] params, double[] grad, double clip) {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < params.length; i++) {
            double g = grad[i] * clip;
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            params[i] -= rates[i] * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }
}
