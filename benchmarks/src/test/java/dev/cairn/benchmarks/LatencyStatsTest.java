package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class LatencyStatsTest {

    @Test
    public void summarisesExactlyAndMergesPerClientRecords() {
        LatencyStats a = new LatencyStats();
        LatencyStats b = new LatencyStats();
        for (long ms = 1; ms <= 50; ms++) {
            a.record(ms * 1_000_000);
        }
        for (long ms = 51; ms <= 100; ms++) {
            b.record(ms * 1_000_000);
        }
        LatencyStats all = new LatencyStats();
        all.add(a);
        all.add(b);
        assertEquals(100, all.count());
        assertEquals(1_000_000, all.minNanos());
        assertEquals(100_000_000, all.maxNanos());
        assertEquals(50_500_000, all.meanNanos(), 1e-3);
        assertEquals(28_866_070, all.stddevNanos(), 1.0);
        // 3 significant digits
        assertEquals(50_000_000, all.percentileNanos(50), 50_000);
        assertEquals(99_000_000, all.percentileNanos(99), 99_000);
        assertEquals(10, all.countAtOrBelow(10_000_000));
    }

    @Test
    public void emptyStatsReadAsZero() {
        LatencyStats none = new LatencyStats();
        assertEquals(0, none.minNanos());
        assertEquals(0, none.percentileNanos(99), 0);
        assertEquals(0, none.stddevNanos(), 0);
    }
}
