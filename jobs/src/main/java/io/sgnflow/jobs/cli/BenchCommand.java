package io.sgnflow.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.model.BatchFlowScorer;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.DensityScorer;
import io.sgnflow.model.FlowScorer;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.EnergyNetwork;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.core.TerminalMap;
import io.sgnflow.model.io.ModelFile;
import io.sgnflow.model.train.FlowBatchGradient;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sgn-flink bench}: throughput of the production scoring kernel on a generated model of a
 * given shape, against a dense DGEMM as the machine's reference rate; with {@code --train}, the
 * cost and memory of one training step.
 */
@Command(
        name = "bench",
        sortOptions = false,
        description =
                "Measures the scoring kernel (events/s, GFLOP/s, ratio to a dense DGEMM) on a"
                        + " random model of the given shape; --train measures one training step"
                        + " (batch 256, forward + backward + Adam) and its memory for K = 8, 32,"
                        + " 128.")
final class BenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

    /**
     * netlib-java logs through java.util.logging, at WARNING, each BLAS implementation it tries and
     * cannot load before the one it uses; dgemmImplementation reports the one in use. Held here
     * because java.util.logging keeps only weak references to configured loggers.
     */
    private static final java.util.logging.Logger NETLIB_LOG = quietNetlib();

    private static java.util.logging.Logger quietNetlib() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.ludovic.netlib");
        log.setLevel(java.util.logging.Level.SEVERE);
        return log;
    }

    @Spec CommandSpec spec;

    @Mixin ReferenceShape shape;

    @Option(
            names = "--batch",
            defaultValue = "1024",
            description = "Events per scoring call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "Scoring threads, one scorer each (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Measured seconds per figure, after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--tile",
            defaultValue = "32",
            description = "Events per tile of the batched kernel (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(
            names = "--dgemm-size",
            defaultValue = "1024",
            description = "Size N of the N×N DGEMM reference (default: ${DEFAULT-VALUE}).")
    int dgemmSize;

    @Option(
            names = "--train",
            description = "Measure training steps and their memory instead of scoring.")
    boolean train;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description =
                    "Measure this trained model (SGN-Flow or SGN-VAE) through the scorer the"
                            + " scoring job uses, on events sampled from the model, instead of a"
                            + " random model of the reference shape.")
    Path modelFile;

    @Override
    public Integer call() throws Exception {
        shape.check();
        BenchLimits.range("--batch", batch, 1, 1 << 20);
        BenchLimits.range("--threads", threads, 1, 64);
        BenchLimits.range("--tile", tile, 1, 4096);
        BenchLimits.range("--dgemm-size", dgemmSize, 16, 8192);
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be > 0, was " + seconds);
        }
        if (modelFile != null && train) {
            throw new IllegalArgumentException("--model and --train cannot be combined");
        }
        JsonSummary summary = new JsonSummary();
        summary.put("command", train ? "bench --train" : "bench");
        if (modelFile == null) {
            summary.put("dim", shape.dim).put("hidden", shape.hidden).put("steps", shape.steps);
        }
        summary.put("processors", Runtime.getRuntime().availableProcessors())
                .put(
                        "loadAverage",
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (modelFile != null) {
            benchModelFile(summary);
        } else if (train) {
            benchTraining(summary);
        } else {
            benchScoring(summary);
        }
        summary.print(spec);
        return SgnCli.EXIT_OK;
    }

    // ---------------------------------------------------------------- scoring

    private void benchScoring(JsonSummary summary) throws Exception {
        SgnFlowModel model = randomModel(shape.architecture(shape.steps), shape.seed);
        double[][] events = model.sample(4096, new Random(shape.seed + 1));
        long flops = BatchFlowScorer.flopsPerEvent(model.architecture());
        LOG.info("Model {}; {} FLOP per event", model.architecture(), flops);

        double dgemm = dgemmGflops(dgemmSize, Math.min(seconds, 5));
        String implementation = dgemmImplementation();
        LOG.info("DGEMM {}x{} ({}): {} GFLOP/s", dgemmSize, dgemmSize, implementation, dgemm);

        double rate = scoringRate(model, events, batch, threads);
        double gflops = rate / threads * flops / 1e9;
        LOG.info("Batch {}: {} events/s on {} thread(s)", batch, rate, threads);

        double rate1 = scoringRate(model, events, 1, 1);
        double gflops1 = rate1 * flops / 1e9;
        LOG.info("Batch 1: {} events/s", rate1);

        double scalar = scalarRate(model, events);
        LOG.info("Scalar reference (FlowScorer.logLikelihood): {} events/s", scalar);

        String kernel = new BatchFlowScorer(model, tile).kernel();
        LOG.info("Scoring kernel: {}", kernel);
        summary.put("batch", batch)
                .put("kernel", kernel)
                .put("threads", threads)
                .put("tile", tile)
                .put("eventsPerSecond", rate)
                .put("eventsPerSecondPerThread", rate / threads)
                .put("flopsPerEvent", flops)
                .put("scoringGflops", gflops)
                .put("dgemmSize", dgemmSize)
                .put("dgemmGflops", dgemm)
                .put("dgemmImplementation", implementation)
                .put("ratio", gflops / dgemm);
        ObjectNode one = summary.root().putObject("batch1");
        JsonSummary.putNumber(one, "eventsPerSecond", rate1);
        JsonSummary.putNumber(one, "scoringGflops", gflops1);
        JsonSummary.putNumber(one, "ratio", gflops1 / dgemm);
        ObjectNode reference = summary.root().putObject("scalarReference");
        JsonSummary.putNumber(reference, "eventsPerSecond", scalar);
        JsonSummary.putNumber(
                reference,
                "flopsPerEvent",
                flops + (shape.steps - 1.0) * forceFlops(model.architecture()));
    }

    /**
     * A trained model through {@link DensityModel#newScorer()}, the path of the scoring job's
     * operator; inputs are drawn from the model so that they look like the data it was fitted to.
     */
    private void benchModelFile(JsonSummary summary) throws Exception {
        DensityModel model = ModelFile.load(modelFile);
        double[][] events = model.sample(4096, new Random(shape.seed + 1));
        double rate = modelRate(model, events, batch);
        LOG.info("{}, batch {}: {} events/s", modelFile, batch, rate);
        double rate1 = modelRate(model, events, 1);
        LOG.info("{}, batch 1: {} events/s", modelFile, rate1);
        summary.put("model", modelFile.toString())
                .put("modelType", model.modelType())
                .put("scoreKind", model.scoreKind().id())
                .put("dim", model.dim())
                .put("kernel", model.newScorer().kernel())
                .put("batch", batch)
                .put("eventsPerSecond", rate);
        JsonSummary.putNumber(summary.root().putObject("batch1"), "eventsPerSecond", rate1);
    }

    private double modelRate(DensityModel model, double[][] events, int size) {
        DensityScorer scorer = model.newScorer();
        double[][] rows = new double[size][];
        double[] out = new double[size];
        long[] r = null;
        for (double measure : new double[] {Math.min(2, seconds), seconds}) {
            long deadline = System.nanoTime() + (long) (measure * 1e9);
            long t0 = System.nanoTime();
            long count = 0;
            int next = 0;
            long now;
            do {
                for (int i = 0; i < size; i++) {
                    rows[i] = events[next];
                    next = next + 1 == events.length ? 0 : next + 1;
                }
                scorer.scores(rows, size, out);
                count += size;
                now = System.nanoTime();
            } while (now < deadline);
            r = new long[] {count, now - t0};
        }
        return r[0] / (r[1] / 1e9);
    }

    /** FLOPs of one potential force plus its kick: what the fused kernel saves per step. */
    private static long forceFlops(FlowArchitecture arch) {
        FlowArchitecture one =
                new FlowArchitecture(
                        arch.dim(),
                        arch.hiddenWidths(),
                        arch.activation(),
                        1,
                        arch.outputNormBound(),
                        arch.spectralBound());
        FlowArchitecture two =
                new FlowArchitecture(
                        arch.dim(),
                        arch.hiddenWidths(),
                        arch.activation(),
                        2,
                        arch.outputNormBound(),
                        arch.spectralBound());
        // One more step adds one kick and one drift; both networks have the same shape.
        return (BatchFlowScorer.flopsPerEvent(two) - BatchFlowScorer.flopsPerEvent(one)) / 2;
    }

    /** Events per second over all threads, each scoring batches of {@code size} in a loop. */
    private double scoringRate(SgnFlowModel model, double[][] events, int size, int threadCount)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                final int offset = t * 97;
                futures.add(
                        pool.submit(
                                () -> {
                                    BatchFlowScorer scorer = new BatchFlowScorer(model, tile);
                                    double[][] rows = new double[size][];
                                    double[] out = new double[size];
                                    // Warm-up: let the JIT compile the kernel.
                                    runScoring(
                                            scorer,
                                            events,
                                            rows,
                                            out,
                                            offset,
                                            Math.min(2, seconds));
                                    return runScoring(scorer, events, rows, out, offset, seconds);
                                }));
            }
            double total = 0;
            for (Future<long[]> f : futures) {
                long[] r = f.get();
                total += r[0] / (r[1] / 1e9);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Returns {events, nanos}. */
    private static long[] runScoring(
            BatchFlowScorer scorer,
            double[][] events,
            double[][] rows,
            double[] out,
            int offset,
            double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        long count = 0;
        int next = offset;
        double sink = 0;
        long now;
        do {
            for (int i = 0; i < rows.length; i++) {
                rows[i] = events[next];
                next = next + 1 == events.length ? 0 : next + 1;
            }
            scorer.logLikelihoods(rows, rows.length, out);
            sink += out[0];
            count += rows.length;
            now = System.nanoTime();
        } while (now < deadline);
        if (Double.isNaN(sink)) {
            LOG.warn("a benchmark score was NaN");
        }
        return new long[] {count, now - t0};
    }

    private double scalarRate(SgnFlowModel model, double[][] events) {
        FlowScorer scorer = model.newScorer();
        double warm = Math.min(2, seconds);
        double rate = 0;
        for (double s : new double[] {warm, seconds}) {
            long deadline = System.nanoTime() + (long) (s * 1e9);
            long t0 = System.nanoTime();
            long count = 0;
            int next = 0;
            double sink = 0;
            long now;
            do {
                for (int i = 0; i < 64; i++) {
                    sink += scorer.logLikelihood(events[next]);
                    next = next + 1 == events.length ? 0 : next + 1;
                }
                count += 64;
                now = System.nanoTime();
            } while (now < deadline);
            rate = count / ((now - t0) / 1e9);
            if (Double.isNaN(sink)) {
                LOG.warn("a benchmark score was NaN");
            }
        }
        return rate;
    }

    // ---------------------------------------------------------------- DGEMM reference

    static String dgemmImplementation() {
        dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
        String name = blas.getClass().getSimpleName();
        if (blas instanceof dev.ludovic.netlib.blas.NativeBLAS) {
            String lib = System.getProperty("dev.ludovic.netlib.blas.nativeLib", "libblas.so.3");
            String threads = System.getenv("OPENBLAS_NUM_THREADS");
            return "dev.ludovic.netlib "
                    + name
                    + " (native "
                    + lib
                    + (threads == null ? "" : ", OPENBLAS_NUM_THREADS=" + threads)
                    + ")";
        }
        return "dev.ludovic.netlib " + name + " (pure Java; no native BLAS found)";
    }

    /** GFLOP/s of C = A·B for N×N matrices, 2N³ FLOPs per product, best of the timed runs. */
    static double dgemmGflops(int n, double seconds) {
        dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
        Random random = new Random(7);
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        double[] c = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
            b[i] = random.nextGaussian();
        }
        double flops = 2.0 * n * n * n;
        double best = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        int runs = 0;
        do {
            long t0 = System.nanoTime();
            blas.dgemm("N", "N", n, n, n, 1.0, a, n, b, n, 0.0, c, n);
            double gflops = flops / (System.nanoTime() - t0);
            best = Math.max(best, gflops);
            runs++;
        } while (runs < 3 || System.nanoTime() < deadline);
        return best;
    }

    // ---------------------------------------------------------------- training

    private void benchTraining(JsonSummary summary) {
        int batchSize = 256;
        FlowArchitecture arch = shape.architecture(shape.steps);
        TrainingStep step = new TrainingStep(arch, shape.seed, batchSize);
        step.run(Math.min(2, seconds)); // warm-up
        double[] result = step.run(seconds);
        double msPerStep = result[0];
        LOG.info("Training step (batch {}, K = {}): {} ms", batchSize, shape.steps, msPerStep);
        summary.put("trainBatch", batchSize)
                .put(
                        "gradient",
                        step.gradient.getClass().getSimpleName().contains("Vector")
                                ? "vector"
                                : "scalar")
                .put("msPerStep", msPerStep)
                .put("trainingEventsPerSecond", batchSize / (msPerStep / 1e3))
                .put("stepsMeasured", (long) result[1]);
        ArrayNode memory = summary.root().putArray("memory");
        for (int k : new int[] {8, 32, 128}) {
            FlowArchitecture a = shape.architecture(k);
            TrainingStep s = new TrainingStep(a, shape.seed, batchSize);
            s.run(0.5);
            double[] r = s.run(Math.min(seconds, 3));
            ObjectNode row = memory.addObject();
            row.put("steps", k);
            JsonSummary.putNumber(row, "msPerStep", r[0]);
            row.put("allocatedBytesPerStep", (long) r[2]);
            row.put("gradientStateBytes", s.gradientStateBytes);
            row.put("parameterBytes", 8L * a.parameterCount());
            row.put("optimizerStateBytes", 3 * 8L * a.parameterCount());
            row.put("tapeBytesIfStoredPerEvent", tapeBytesIfStored(a));
            LOG.info(
                    "K = {}: {} ms/step, {} bytes allocated per step, gradient state {} bytes",
                    k,
                    r[0],
                    (long) r[2],
                    s.gradientStateBytes);
        }
    }

    /**
     * What a taped backward pass would keep per event: for each of the 3K shears, the network's
     * input, pre-activations, σ' and δ per layer (the reversible pass recomputes them instead).
     */
    private static long tapeBytesIfStored(FlowArchitecture arch) {
        EnergyNetwork net = arch.potential();
        long perShear = net.inputDim();
        for (int l = 0; l < net.layers(); l++) {
            perShear += 3L * net.width(l);
        }
        return 8L * 3 * arch.steps() * perShear;
    }

    /**
     * One training step of {@code FlowTrainer} on one thread: the batch gradient of −log p through
     * {@link FlowBatchGradient} (SIMD when the JVM has the Vector API; forward, reversible
     * backward), the log-determinant term, global-norm clipping, Adam and the spectral-norm
     * projection, mirroring the trainer's inner loop.
     */
    private static final class TrainingStep {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double ADAM_EPS = 1e-8;

        private final FlowArchitecture arch;
        private final double[] params;
        private final double[][] rows;
        private final FlowBatchGradient gradient;
        private final int[] order;
        private final SpectralNorm projector;
        private final double[] grad;
        private final double[] m;
        private final double[] v;
        private final int batchSize;
        private final long gradientStateBytes;
        private long adamStep;
        private int cursor;

        TrainingStep(FlowArchitecture arch, long seed, int batchSize) {
            this.arch = arch;
            this.batchSize = batchSize;
            SgnFlowModel model = randomModel(arch, seed);
            params = model.parameters();
            double[][] x = model.sample(4 * batchSize, new Random(seed + 2));
            rows = new double[x.length][arch.dim()];
            for (int i = 0; i < x.length; i++) {
                model.standardizer().apply(x[i], rows[i]);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            gradient = FlowBatchGradient.create(arch, model.permutation());
            order = new int[rows.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            gradientStateBytes = threads.getCurrentThreadAllocatedBytes() - before;
            projector = new SpectralNorm(arch, seed);
            grad = new double[params.length];
            m = new double[params.length];
            v = new double[params.length];
        }

        /** Runs steps for about {@code seconds}; returns {ms per step, steps, bytes per step}. */
        double[] run(double seconds) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            long allocated = 0;
            long count = 0;
            long now;
            do {
                long before = threads.getCurrentThreadAllocatedBytes();
                step();
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
                count++;
                now = System.nanoTime();
            } while (count < 3 || now < deadline);
            return new double[] {(now - t0) / 1e6 / count, count, (double) allocated / count};
        }

        void step() {
            java.util.Arrays.fill(grad, 0);
            double weight = 1.0 / batchSize;
            // rows holds four batches; the step takes the next one.
            double sum =
                    gradient.accumulate(
                            params, rows, order, cursor, cursor + batchSize, weight, grad);
            cursor = (cursor + batchSize) % rows.length;
            double loss = sum * weight;
            int diag = arch.logDiagOffset();
            for (int i = 0; i < arch.dim(); i++) {
                loss += params[diag + i];
                grad[diag + i] += 1.0;
            }
            double norm = 0;
            for (double g : grad) {
                norm += g * g;
            }
            norm = Math.sqrt(norm);
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                throw new IllegalStateException("non-finite loss in the training benchmark");
            }
            double clip = norm > 10.0 ? 10.0 / norm : 1;
            adamStep++;
            double c1 = 1 - Math.pow(BETA1, adamStep);
            double c2 = 1 - Math.pow(BETA2, adamStep);
            double lr = 1e-4;
            for (int i = 0; i < params.length; i++) {
                double g = grad[i] * clip;
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
            }
            projector.project(params, 1);
        }
    }

    // ---------------------------------------------------------------- generated model

    /**
     * A model with non-trivial weights inside the stable region: hidden weights N(0, 1/fanIn)
     * projected to the spectral bound, biases N(0, 0.25), output weights at norm β, random step
     * logits, a well-conditioned LU terminal map and random feature scales.
     */
    static SgnFlowModel randomModel(FlowArchitecture arch, long seed) {
        Random random = new Random(seed);
        double[] params = new double[arch.parameterCount()];
        for (int which = 0; which < 2; which++) {
            EnergyNetwork net = which == 0 ? arch.potential() : arch.kinetic();
            int base = which == 0 ? arch.potentialOffset() : arch.kineticOffset();
            for (int l = 0; l < net.layers(); l++) {
                int size = net.width(l) * net.fanIn(l);
                for (int i = 0; i < size; i++) {
                    params[base + net.weightOffset(l) + i] =
                            random.nextGaussian() / Math.sqrt(net.fanIn(l));
                }
                for (int i = 0; i < net.width(l); i++) {
                    params[base + net.biasOffset(l) + i] = 0.5 * random.nextGaussian();
                }
            }
            for (int i = 0; i < net.width(net.layers() - 1); i++) {
                params[base + net.outputOffset() + i] = random.nextGaussian();
            }
        }
        for (int k = 0; k < arch.steps(); k++) {
            params[arch.stepLogitOffset() + k] = random.nextGaussian();
        }
        int d = arch.dim();
        double off = 0.3 / Math.sqrt(d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                params[arch.lowerIndex(i, j)] = off * random.nextGaussian();
                params[arch.upperIndex(j, i)] = off * random.nextGaussian();
            }
            params[arch.logDiagOffset() + i] = 0.3 * random.nextGaussian();
            params[arch.shiftOffset() + i] = random.nextGaussian();
        }
        new SpectralNorm(arch, random.nextLong()).project(params, 300);
        double[] mean = new double[d];
        double[] scale = new double[d];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            mean[i] = 10 * random.nextGaussian();
            scale[i] = Math.exp(random.nextGaussian());
            names.add("f" + i);
        }
        return new SgnFlowModel(
                1,
                null,
                names,
                arch,
                TerminalMap.identity(d),
                params,
                new Standardizer(mean, scale, new boolean[d]),
                AnomalyThreshold.calibrate(0.01, new double[] {-3, -2, -1, 0}),
                null);
    }
}
