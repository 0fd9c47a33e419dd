package dev.cairn.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * Latencies of one requester in nanoseconds: an HdrHistogram (3 significant digits) for the percentiles and exact
 * count, sum, sum of squares, minimum and maximum for the summary. Not thread-safe: each requester records into
 * its own, and the run merges them at the end, so recording never contends and never allocates.
 */
final class LatencyStats {

    private final Histogram histogram = new Histogram(3);
    private long count;
    private double sum;
    private double sumOfSquares;
    private long min = Long.MAX_VALUE;
    private long max;

    void record(long nanos) {
        long value = Math.max(0, nanos);
        histogram.recordValue(value);
        count++;
        sum += value;
        sumOfSquares += (double) value * value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    void add(LatencyStats other) {
        histogram.add(other.histogram);
        count += other.count;
        sum += other.sum;
        sumOfSquares += other.sumOfSquares;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    long count() {
        return count;
    }

    long minNanos() {
        return count == 0 ? 0 : min;
    }

    long maxNanos() {
        return max;
    }

    double meanNanos() {
        return count == 0 ? 0 : sum / count;
    }

    /** Population standard deviation, as etcd's report computes it. */
    double stddevNanos() {
        if (count == 0) {
            return 0;
        }
        double mean = meanNanos();
        return Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean));
    }

    long percentileNanos(double percentile) {
        return count == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }

    /** Requests whose latency is at most {@code nanos} (for the response-time histogram). */
    long countAtOrBelow(long nanos) {
        return count == 0 ? 0 : histogram.getCountBetweenValues(0, nanos);
    }
}
