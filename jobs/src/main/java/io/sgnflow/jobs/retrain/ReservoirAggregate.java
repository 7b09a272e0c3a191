package io.sgnflow.jobs.retrain;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Window aggregate that keeps a {@link Reservoir} of at most {@code capacity} events, so a window's
 * state is bounded whatever the event rate.
 */
public final class ReservoirAggregate
        implements AggregateFunction<SampledEvent, Reservoir, Reservoir> {
    private static final long serialVersionUID = 1L;

    private final int capacity;
    private final long seed;

    public ReservoirAggregate(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("reservoir capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.seed = seed;
    }

    @Override
    public Reservoir createAccumulator() {
        return new Reservoir();
    }

    @Override
    public Reservoir add(SampledEvent value, Reservoir accumulator) {
        accumulator.offer(value, capacity, seed);
        return accumulator;
    }

    @Override
    public Reservoir getResult(Reservoir accumulator) {
        return accumulator;
    }

    /**
     * Only merging window assigners (sessions) call this; tumbling and sliding windows never do.
     * The merged sample offers the smaller side's items to the larger one, which is not exactly
     * uniform but bounded.
     */
    @Override
    public Reservoir merge(Reservoir a, Reservoir b) {
        long total = a.getSeen() + b.getSeen();
        Reservoir big = a.getSeen() >= b.getSeen() ? a : b;
        Reservoir small = big == a ? b : a;
        for (SampledEvent e : small.getItems()) {
            big.offer(e, capacity, seed);
        }
        big.setSeen(total);
        long flags = a.getFlagsSeen() + b.getFlagsSeen();
        for (String at : small.getFlagged()) {
            if (big.getFlagged().size() < Reservoir.MAX_FLAGS) {
                big.getFlagged().add(at);
            }
        }
        big.setFlagsSeen(flags);
        return big;
    }
}
