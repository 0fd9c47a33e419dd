package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Histogram;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** Counts observations into fixed buckets, from any thread without a lock; read as a {@link Histogram}. */
public final class HistogramRecorder {
    /**
     * etcd's buckets for {@code etcd_disk_wal_fsync_duration_seconds} and
     * {@code etcd_disk_backend_commit_duration_seconds} (1 ms doubling to 8 s), so that dashboards' quantiles match.
     */
    public static final double[] FSYNC_SECONDS = exponential(0.001, 2, 14);
    /** Requests per durable write: 1 to 1024, doubling. */
    public static final double[] BATCH_SIZES = exponential(1, 2, 11);

    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    public HistogramRecorder(double[] bounds) {
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    public void observe(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sum.add(value);
    }

    public Histogram snapshot() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return new Histogram(bounds, c, sum.sum());
    }

    private static double[] exponential(double start, double factor, int n) {
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }
}
