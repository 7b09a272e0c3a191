package io.sgnflow.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.TestModels;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnergyNetworkTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(6, Activation.TANH, new int[] {8}),
                Arguments.of(7, Activation.SOFTPLUS, new int[] {5, 4}),
                Arguments.of(5, Activation.SILU, new int[] {6, 3, 4}));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void forceIsTheFiniteDifferenceGradientOfTheEnergy(int dim, Activation act, int[] hidden) {
        FlowArchitecture arch = TestModels.architecture(dim, 2, act, hidden);
        Random random = new Random(3);
        double[] params = TestModels.randomParameters(arch, random);
        EnergyNetwork net = arch.potential();
        EnergyNetwork.Tape tape = net.newTape();
        double[] q = gaussian(arch.half(), random);
        double[] c = gaussian(arch.casimirDim(), random);
        double[] force = new double[arch.half()];

        net.force(params, arch.potentialOffset(), q, c, force, tape);

        for (int k = 0; k < q.length; k++) {
            double h = 1e-6;
            double[] qp = q.clone();
            qp[k] += h;
            double ep = net.energy(params, arch.potentialOffset(), qp, c, tape);
            qp[k] -= 2 * h;
            double em = net.energy(params, arch.potentialOffset(), qp, c, tape);
            assertThat(force[k]).isCloseTo((ep - em) / (2 * h), within(1e-8));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void backwardMatchesFiniteDifferencesOfTheProjectedForce(
            int dim, Activation act, int[] hidden) {
        FlowArchitecture arch = TestModels.architecture(dim, 2, act, hidden);
        Random random = new Random(5);
        double[] params = TestModels.randomParameters(arch, random);
        EnergyNetwork net = arch.kinetic();
        int off = arch.kineticOffset();
        double[] p = gaussian(arch.half(), random);
        double[] c = gaussian(arch.casimirDim(), random);
        double[] g = gaussian(arch.half(), random);
        double[] grad = new double[params.length];
        double[] pBar = new double[p.length];
        double[] cBar = new double[c.length];
        EnergyNetwork.Tape tape = net.newTape();
        net.force(params, off, p, c, new double[p.length], tape);

        net.backward(params, off, tape, g, grad, pBar, cBar);

        double h = 1e-6;
        for (int i = off; i < off + net.parameterCount(); i++) {
            double saved = params[i];
            params[i] = saved + h;
            double lp = projected(net, params, off, p, c, g);
            params[i] = saved - h;
            double lm = projected(net, params, off, p, c, g);
            params[i] = saved;
            assertThat(grad[i]).as("parameter %d", i).isCloseTo((lp - lm) / (2 * h), within(1e-7));
        }
        for (int k = 0; k < p.length; k++) {
            double saved = p[k];
            p[k] = saved + h;
            double lp = projected(net, params, off, p, c, g);
            p[k] = saved - h;
            double lm = projected(net, params, off, p, c, g);
            p[k] = saved;
            assertThat(pBar[k]).isCloseTo((lp - lm) / (2 * h), within(1e-7));
        }
        for (int k = 0; k < c.length; k++) {
            double saved = c[k];
            c[k] = saved + h;
            double lp = projected(net, params, off, p, c, g);
            c[k] = saved - h;
            double lm = projected(net, params, off, p, c, g);
            c[k] = saved;
            assertThat(cBar[k]).isCloseTo((lp - lm) / (2 * h), within(1e-7));
        }
    }

    private static double projected(
            EnergyNetwork net, double[] params, int off, double[] p, double[] c, double[] g) {
        double[] force = new double[p.length];
        net.force(params, off, p, c, force, net.newTape());
        double sum = 0;
        for (int i = 0; i < g.length; i++) {
            sum += g[i] * force[i];
        }
        return sum;
    }

    static double[] gaussian(int n, Random random) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static org.assertj.core.data.Offset<Double> within(double tolerance) {
        return org.assertj.core.data.Offset.offset(tolerance);
    }
}
