package io.sgnflow.model.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Computes a minibatch's mean gradient on a fixed number of threads. Thread t always takes the same
 * contiguous share of the batch and the shares are summed in thread order, so a given thread count
 * gives bit-identical results run after run. Not thread-safe; close it to stop the threads.
 */
final class ParallelGradient implements AutoCloseable {

    /** Per-thread gradient of the events of a batch, addressed by their position in it. */
    interface Worker {
        /**
         * Adds {@code weight} · ∂loss/∂θ of the event at batch position {@code position} to {@code
         * grad} and returns its loss.
         */
        double accumulate(double[] params, int position, double weight, double[] grad);

        /** The same for positions [from, to), summed; override to process them together. */
        default double accumulateRange(
                double[] params, int from, int to, double weight, double[] grad) {
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += accumulate(params, i, weight, grad);
            }
            return sum;
        }
    }

    private final Worker[] workers;
    private final double[][] workerGrads;
    private final ExecutorService pool;

    ParallelGradient(int threads, int parameterCount, IntFunction<Worker> factory) {
        workers = new Worker[threads];
        workerGrads = new double[threads][parameterCount];
        for (int t = 0; t < threads; t++) {
            workers[t] = factory.apply(t);
        }
        pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    }

    /**
     * Writes the mean over positions [start, end) of the per-event gradients into {@code grad} and
     * returns the mean loss.
     */
    double compute(double[] params, int start, int end, double[] grad) {
        int count = end - start;
        double weight = 1.0 / count;
        int threads = workers.length;
        double[] losses = new double[threads];
        if (pool == null) {
            losses[0] = run(0, params, start, end, weight);
        } else {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int worker = t;
                final int from = start + (int) ((long) count * t / threads);
                final int to = start + (int) ((long) count * (t + 1) / threads);
                futures.add(
                        pool.submit(
                                () -> {
                                    losses[worker] = run(worker, params, from, to, weight);
                                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException("gradient worker failed", e);
                }
            }
        }
        System.arraycopy(workerGrads[0], 0, grad, 0, grad.length);
        for (int t = 1; t < threads; t++) {
            double[] g = workerGrads[t];
            for (int i = 0; i < grad.length; i++) {
                grad[i] += g[i];
            }
        }
        double total = 0;
        for (double loss : losses) {
            total += loss;
        }
        return total * weight;
    }

    private double run(int worker, double[] params, int from, int to, double weight) {
        double[] g = workerGrads[worker];
        Arrays.fill(g, 0);
        return workers[worker].accumulateRange(params, from, to, weight, g);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
