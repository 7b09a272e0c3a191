package io.sgnflow.model.bench;

import io.sgnflow.model.BatchFlowScorer;
import io.sgnflow.model.FlowScorer;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.FlowArchitecture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring kernels on the reference shape (D = 38, one hidden layer of 64, K = 8, tanh): the batched
 * kernel on 1024 events, the batched kernel on one event, and the scalar reference. Scores are
 * events per second (one operation = one event).
 *
 * <p>Not part of {@code mvn verify}: compiled only with {@code -Pjmh} (see the README's
 * Performance section for the command).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScoringBenchmark {
    private static final int BATCH = 1024;

    @Param({"32"})
    public int tile;

    private double[][] events;
    private double[] out;
    private BatchFlowScorer batched;
    private FlowScorer scalar;
    private int next;

    @Setup
    public void setUp() {
        FlowArchitecture arch =
                new FlowArchitecture(38, new int[] {64}, Activation.TANH, 8, 2.0, 2.0);
        SgnFlowModel model = TestModels.random(arch, 1);
        events = TestModels.events(model, BATCH, 2);
        out = new double[BATCH];
        batched = new BatchFlowScorer(model, tile);
        scalar = model.newScorer();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double batched() {
        batched.logLikelihoods(events, BATCH, out);
        return out[BATCH - 1];
    }

    @Benchmark
    public double batchedOneEvent() {
        next = next + 1 == BATCH ? 0 : next + 1;
        return batched.logLikelihood(events[next]);
    }

    @Benchmark
    public double scalarReference() {
        next = next + 1 == BATCH ? 0 : next + 1;
        return scalar.logLikelihood(events[next]);
    }
}
