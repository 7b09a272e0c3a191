package io.sgnflow.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.model.BatchFlowScorer;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.train.FlowTrainer;
import io.sgnflow.model.train.TrainingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels give the same bits whether or not the JIT has compiled them. The Vector API runs
 * as plain Java until C2 compiles it into SIMD instructions, and some of its operations (the
 * transcendental lane-wise functions, floating-point lane reductions) may give different results in
 * the two forms. Then an event's score would depend on how warm the JVM is, and training with a
 * fixed seed would not repeat. This test computes flow and VAE scores and a short training run here
 * after warming up the JIT, and in a child JVM limited to C1 (which does not compile the Vector
 * API, so it runs the plain-Java forms), and compares every bit.
 */
class VectorDeterminismTest {

    /** Scores and trained parameters as hex bit patterns, one per line. */
    static List<String> compute() {
        List<String> out = new ArrayList<>();
        for (Activation act : Activation.values()) {
            SgnFlowModel model =
                    TestModels.random(
                            TestModels.architecture(7, 4, act, 16, 9), 70 + act.ordinal());
            double[][] events = TestModels.events(model, 40, 71);
            // Far-out events push the activations into their saturated ranges.
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 7; j++) {
                    events[i][j] *= 30 * (i + 1);
                }
            }
            double[] ll = new double[events.length];
            BatchFlowScorer scorer = new BatchFlowScorer(model);
            scorer.logLikelihoods(events, ll);
            add(out, "flow " + act, ll);

            SgnVaeModel vae =
                    TestVaes.random(
                            TestVaes.architecture(6, 3, 3, act, new int[] {8}, new int[] {5}),
                            ScoreKind.IW_LOG_LIKELIHOOD,
                            16,
                            80 + act.ordinal());
            VaeScorer vaeScorer = new VaeScorer(vae, true);
            double[] iw = new double[20];
            double[][] x = vae.sample(iw.length, new Random(81));
            for (int i = 0; i < iw.length; i++) {
                iw[i] = vaeScorer.importanceWeighted(x[i]);
            }
            add(out, "vae " + act, iw);
        }

        Random random = new Random(90);
        double[][] rows = new double[400][3];
        for (double[] row : rows) {
            row[0] = random.nextGaussian();
            row[1] = row[0] * row[0] + 0.3 * random.nextGaussian();
            row[2] = Math.sin(3 * row[0]) + 0.2 * random.nextGaussian();
        }
        TrainingConfig config =
                TrainingConfig.builder().hiddenWidths(12).steps(3).epochs(3).seed(91).build();
        SgnFlowModel trained =
                new FlowTrainer(config, FlowTrainer.Listener.NONE).train(rows, TestModels.names(3));
        add(out, "trained", trained.parameters());
        return out;
    }

    private static void add(List<String> out, String label, double[] values) {
        StringBuilder line = new StringBuilder(label);
        for (double v : values) {
            line.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        out.add(line.toString());
    }

    /** Child JVM entry point. */
    public static void main(String[] args) {
        for (String line : compute()) {
            System.out.println(line);
        }
    }

    @Test
    void scoresAndTrainingAreBitIdenticalCompiledAndInterpreted() throws Exception {
        SgnFlowModel probe =
                TestModels.random(TestModels.architecture(7, 4, Activation.TANH, 16), 1);
        assertThat(new BatchFlowScorer(probe).kernel()).startsWith("vector");
        // Warm up until C2 has had every chance to compile the kernels.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        List<String> warm = compute();
        while (System.nanoTime() < until) {
            warm = compute();
        }

        String java = ProcessHandle.current().info().command().orElse("java");
        Process child =
                new ProcessBuilder(
                                java,
                                "--add-modules",
                                "jdk.incubator.vector",
                                "-XX:TieredStopAtLevel=1",
                                "-cp",
                                System.getProperty("java.class.path"),
                                VectorDeterminismTest.class.getName())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        List<String> cold;
        try (var in = child.getInputStream()) {
            cold = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            child.destroyForcibly();
            throw e;
        }
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).isZero();

        assertThat(cold).hasSameSizeAs(warm);
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < warm.size(); i++) {
            if (!cold.get(i).equals(warm.get(i))) {
                differing.add(warm.get(i).substring(0, warm.get(i).indexOf(' ', 5)));
            }
        }
        assertThat(differing)
                .as("results that differ between compiled and plain-Java forms")
                .isEmpty();
    }
}
