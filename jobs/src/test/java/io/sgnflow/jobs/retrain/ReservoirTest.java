package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReservoirTest {

    private static Reservoir fill(int n, int capacity, long seed) {
        ReservoirAggregate agg = new ReservoirAggregate(capacity, seed);
        Reservoir r = agg.createAccumulator();
        for (int i = 0; i < n; i++) {
            agg.add(new SampledEvent(i, null, new double[] {i}), r);
        }
        return r;
    }

    @Test
    void keepsEverythingBelowCapacity() {
        Reservoir r = fill(50, 100, 1);
        assertThat(r.getSeen()).isEqualTo(50);
        assertThat(r.getItems()).hasSize(50);
    }

    @Test
    void neverExceedsCapacityAndCountsAllOffers() {
        Reservoir r = fill(100_000, 100, 1);
        assertThat(r.getSeen()).isEqualTo(100_000);
        assertThat(r.getItems()).hasSize(100);
        assertThat(r.getItems()).doesNotHaveDuplicates();
    }

    @Test
    void isUniformOverTheStream() {
        // 2000 runs of 1000 events into 100 slots: each tenth of the stream expects 10 per run.
        int[] perDecile = new int[10];
        for (long seed = 0; seed < 2000; seed++) {
            for (SampledEvent e : fill(1000, 100, seed).getItems()) {
                perDecile[(int) e.getTimestamp() / 100]++;
            }
        }
        for (int count : perDecile) {
            // Expected 20000 each; the standard deviation is about 130.
            assertThat(count).isBetween(19_300, 20_700);
        }
    }

    @Test
    void isReproducibleForTheSameSeedAndDiffersForAnother() {
        assertThat(fill(5000, 50, 9).getItems()).isEqualTo(fill(5000, 50, 9).getItems());
        assertThat(fill(5000, 50, 9).getItems()).isNotEqualTo(fill(5000, 50, 10).getItems());
    }

    @Test
    void mergeStaysBounded() {
        ReservoirAggregate agg = new ReservoirAggregate(100, 3);
        Reservoir merged = agg.merge(fill(500, 100, 1), fill(300, 100, 2));
        assertThat(merged.getItems()).hasSize(100);
        assertThat(merged.getSeen()).isEqualTo(800);
    }

    @Test
    void countsAndKeepsFlagsWithoutSamplingThem() {
        Reservoir reservoir = new Reservoir();
        for (int i = 0; i < 50; i++) {
            reservoir.offer(SampledEvent.of(i, null, new double[] {i}, "events", 0, i), 10, 3);
        }
        reservoir.offer(SampledEvent.flag(5, "events", 0, 5), 10, 3);
        reservoir.offer(SampledEvent.flag(9, "events", 0, 9), 10, 3);

        assertThat(reservoir.getSeen()).isEqualTo(50);
        assertThat(reservoir.getItems()).hasSize(10).noneMatch(SampledEvent::isFlag);
        assertThat(reservoir.getFlagsSeen()).isEqualTo(2);
        assertThat(reservoir.getFlagged()).containsExactly("events/0/5", "events/0/9");
    }
}
