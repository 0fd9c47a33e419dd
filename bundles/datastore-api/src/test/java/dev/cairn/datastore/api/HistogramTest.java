package dev.cairn.datastore.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class HistogramTest {
    private static final double[] BOUNDS = {0.01, 0.1, 1};

    @Test
    public void quantileInterpolatesWithinTheBucketLikePrometheus() {
        Histogram h = new Histogram(BOUNDS, new long[] {0, 100, 0, 0}, 5);
        assertEquals(100, h.count());
        // all 100 in (0.01, 0.1]: the median is half-way through that bucket
        assertEquals(0.055, h.quantile(0.5), 1e-9);
        assertEquals(0.0991, h.quantile(0.99), 1e-9);
    }

    @Test
    public void aQuantileAboveEveryBoundIsTheLargestBound() {
        Histogram h = new Histogram(BOUNDS, new long[] {98, 0, 0, 2}, 10);
        assertEquals(1, h.quantile(0.99), 1e-9);
        assertEquals(0.01 * 50 / 98, h.quantile(0.5), 1e-9);
    }

    @Test
    public void anEmptyHistogramHasQuantileZero() {
        assertEquals(0, Histogram.EMPTY.quantile(0.99), 0);
        assertEquals(0, new Histogram(BOUNDS, new long[4], 0).quantile(0.5), 0);
    }

    @Test
    public void countsMustMatchTheBounds() {
        assertThrows(IllegalArgumentException.class, () -> new Histogram(BOUNDS, new long[3], 0));
    }

    @Test
    public void itIsAValueAndCannotBeChangedThroughItsArrays() {
        long[] counts = {1, 2, 3, 4};
        Histogram h = new Histogram(BOUNDS, counts, 1);
        counts[0] = 99;
        h.counts()[1] = 99;
        assertEquals(new Histogram(BOUNDS, new long[] {1, 2, 3, 4}, 1), h);
    }
}
