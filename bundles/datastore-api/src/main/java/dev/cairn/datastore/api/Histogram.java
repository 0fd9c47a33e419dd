package dev.cairn.datastore.api;

import java.util.Arrays;

/**
 * A histogram read at one moment, in Prometheus's shape, so that the metrics port can serve it as it is and a status
 * command can quote a percentile from it.
 *
 * @param bounds the buckets' upper bounds, ascending (seconds for durations)
 * @param counts observations per bucket, not cumulative: {@code counts[i]} fell in {@code (bounds[i-1], bounds[i]]};
 *               one more entry than {@code bounds}, the last counting what is above every bound
 * @param sum    the sum of every observation
 */
public record Histogram(double[] bounds, long[] counts, double sum) {
    /** No observations and no buckets. */
    public static final Histogram EMPTY = new Histogram(new double[0], new long[1], 0);

    public Histogram {
        bounds = bounds.clone();
        counts = counts.clone();
        if (counts.length != bounds.length + 1) {
            throw new IllegalArgumentException("a histogram with " + bounds.length + " bounds needs "
                    + (bounds.length + 1) + " counts, not " + counts.length);
        }
    }

    @Override
    public double[] bounds() {
        return bounds.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Number of observations. */
    public long count() {
        return Arrays.stream(counts).sum();
    }

    /**
     * The {@code q}-quantile (0..1) estimated the way Prometheus's {@code histogram_quantile} does: linearly within
     * the bucket it falls in; the largest bound when it falls above every bound; 0 without observations.
     */
    public double quantile(double q) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                double lower = i == 0 ? Math.min(0, bounds[0]) : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && Arrays.equals(bounds, h.bounds) && Arrays.equals(counts, h.counts)
                && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(bounds) + Arrays.hashCode(counts)) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Histogram[bounds=" + Arrays.toString(bounds) + ", counts=" + Arrays.toString(counts) + ", sum=" + sum
                + "]";
    }
}
