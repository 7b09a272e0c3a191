package io.sgnflow.model.vae;

import java.util.Random;

/**
 * The linear-Gaussian latent model x = W z + μ + σ_n n, z ~ N(0, I_L), n ~ N(0, I_D), whose
 * marginal N(μ, W Wᵀ + σ_n² I) is known in closed form; and the closed-form marginal of an SGN-VAE
 * with a linear decoder, whose generative model is of that family.
 */
final class LinearGaussian {
    final double[][] weights;
    final double[] mean;
    final double noise;

    LinearGaussian(int dim, int latent, double noise, Random random) {
        weights = new double[dim][latent];
        mean = new double[dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < latent; j++) {
                weights[i][j] = random.nextGaussian();
            }
            mean[i] = 2 * random.nextGaussian();
        }
        this.noise = noise;
    }

    double[][] sample(int n, Random random) {
        int d = mean.length;
        int l = weights[0].length;
        double[][] rows = new double[n][d];
        double[] z = new double[l];
        for (double[] row : rows) {
            for (int j = 0; j < l; j++) {
                z[j] = random.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double v = mean[i] + noise * random.nextGaussian();
                for (int j = 0; j < l; j++) {
                    v += weights[i][j] * z[j];
                }
                row[i] = v;
            }
        }
        return rows;
    }

    double logDensity(double[] x) {
        int d = mean.length;
        double[][] cov = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                double c = i == k ? noise * noise : 0;
                for (int j = 0; j < weights[0].length; j++) {
                    c += weights[i][j] * weights[k][j];
                }
                cov[i][k] = c;
            }
        }
        return gaussianLogDensity(x, mean, cov);
    }

    /**
     * Exact log p(x) of an SGN-VAE with a linear decoder m = A z + b and scales s: y = (x − mean)/σ
     * ~ N(b, A Aᵀ + diag s²), plus the standardisation's log-determinant. The encoder and the
     * latent core play no part: they shape the posterior, not the marginal.
     */
    static double exactLogDensity(SgnVaeModel model, double[] x) {
        VaeArchitecture arch = model.architecture();
        if (arch.decoder().hiddenWidths().length != 0) {
            throw new IllegalArgumentException("closed form needs a linear decoder");
        }
        int d = arch.dim();
        int l = arch.latentDim();
        double[] params = model.parameters();
        int w = arch.decoderOffset();
        int b = w + d * l;
        double[][] cov = new double[d][d];
        double[] shift = new double[d];
        for (int i = 0; i < d; i++) {
            shift[i] = params[b + i];
            for (int k = 0; k < d; k++) {
                double c = 0;
                for (int j = 0; j < l; j++) {
                    c += params[w + i * l + j] * params[w + k * l + j];
                }
                cov[i][k] = c;
            }
            double s = Math.exp(params[arch.logScaleOffset() + i]);
            cov[i][i] += s * s;
        }
        double[] y = new double[d];
        model.standardizer().apply(x, y);
        return gaussianLogDensity(y, shift, cov) + model.standardizer().logDet();
    }

    /** log N(x; mean, cov) by Cholesky. */
    static double gaussianLogDensity(double[] x, double[] mean, double[][] cov) {
        int d = x.length;
        double[][] chol = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = cov[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= chol[i][k] * chol[j][k];
                }
                chol[i][j] = i == j ? Math.sqrt(sum) : sum / chol[j][j];
            }
        }
        double[] u = new double[d];
        double logDet = 0;
        double quad = 0;
        for (int i = 0; i < d; i++) {
            double sum = x[i] - mean[i];
            for (int k = 0; k < i; k++) {
                sum -= chol[i][k] * u[k];
            }
            u[i] = sum / chol[i][i];
            quad += u[i] * u[i];
            logDet += Math.log(chol[i][i]);
        }
        return -0.5 * quad - logDet - 0.5 * d * Math.log(2 * Math.PI);
    }
}
