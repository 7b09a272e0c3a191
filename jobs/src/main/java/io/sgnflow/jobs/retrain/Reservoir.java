package io.sgnflow.jobs.retrain;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded uniform sample of a window's events (reservoir sampling, Vitter's algorithm R): after
 * {@code n} offers each event is in the sample with probability {@code min(1, capacity / n)}.
 *
 * <p>The random choices are a hash of the seed and the offer count rather than a stateful
 * generator, so that replaying the same events after a restore rebuilds the same sample and the
 * accumulator needs no generator state. A Flink POJO (the window accumulator); not thread-safe.
 */
public final class Reservoir {
    private long seen;
    private List<SampledEvent> items = new ArrayList<>();

    /** An empty reservoir (also for Flink's POJO serializer). */
    public Reservoir() {}

    /**
     * Offers one event.
     *
     * @param capacity largest sample size, at least 1
     * @param seed seed of the sampling decisions
     */
    public void offer(SampledEvent event, int capacity, long seed) {
        long n = seen++;
        if (items.size() < capacity) {
            items.add(event);
            return;
        }
        // Replace a uniform slot with probability capacity / (n + 1).
        long j = Math.floorMod(mix(seed, n), n + 1);
        if (j < capacity) {
            items.set((int) j, event);
        }
    }

    /** Events offered so far (not only those kept). */
    public long getSeen() {
        return seen;
    }

    public void setSeen(long seen) {
        this.seen = seen;
    }

    /** The sample, in no particular order. */
    public List<SampledEvent> getItems() {
        return items;
    }

    public void setItems(List<SampledEvent> items) {
        this.items = items;
    }

    /** SplitMix64 finaliser of seed and index: a well-spread 64-bit value. */
    static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
