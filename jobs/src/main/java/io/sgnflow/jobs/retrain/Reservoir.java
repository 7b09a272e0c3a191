package io.sgnflow.jobs.retrain;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded uniform sample of a window's events (reservoir sampling, Vitter's algorithm R): after
 * {@code n} offers each event is in the sample with probability {@code min(1, capacity / n)}.
 *
 * <p>The random choices are a hash of the seed and the offer count rather than a stateful
 * generator, so that replaying the same events after a restore rebuilds the same sample and the
 * accumulator needs no generator state.
 *
 * <p>Flags (events the scoring job marked as anomalies, when a scores topic is read) are not
 * sampled: their coordinates are kept, up to {@link #MAX_FLAGS}, and counted, so that the window's
 * flagged share and which sampled events were flagged are known when it closes.
 *
 * <p>A Flink POJO (the window accumulator); not thread-safe.
 */
public final class Reservoir {
    /**
     * Largest number of flagged coordinates kept per window. Beyond it flags are only counted: a
     * window with that many anomalies is nearly always a distribution change, where nothing is left
     * out anyway.
     */
    public static final int MAX_FLAGS = 100_000;

    private long seen;
    private List<SampledEvent> items = new ArrayList<>();
    private long flagsSeen;
    private List<String> flagged = new ArrayList<>();

    /** An empty reservoir (also for Flink's POJO serializer). */
    public Reservoir() {}

    /**
     * Offers one event.
     *
     * @param capacity largest sample size, at least 1
     * @param seed seed of the sampling decisions
     */
    public void offer(SampledEvent event, int capacity, long seed) {
        if (event.isFlag()) {
            flagsSeen++;
            String at = event.coordinate();
            if (at != null && flagged.size() < MAX_FLAGS) {
                flagged.add(at);
            }
            return;
        }
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

    /** Flags offered so far (not only those kept). */
    public long getFlagsSeen() {
        return flagsSeen;
    }

    public void setFlagsSeen(long flagsSeen) {
        this.flagsSeen = flagsSeen;
    }

    /** Coordinates ("topic/partition/offset") of flagged events, at most {@link #MAX_FLAGS}. */
    public List<String> getFlagged() {
        return flagged;
    }

    public void setFlagged(List<String> flagged) {
        this.flagged = flagged;
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
