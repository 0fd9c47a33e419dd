package dev.cairn.datastore.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * The start-up fsync probe: writes and fsyncs a small file in the data dir a few dozen times, the way the store's
 * commits do, and reports the median and 99th percentile. Bounded in time: no new fsync starts after
 * {@link #BUDGET}, so a very slow disk delays the start by that plus one fsync (and is reported from the few fsyncs
 * that fit; of fewer than 100, the 99th percentile is the slowest).
 */
public final class DiskProbe {
    static final String FILE_NAME = ".fsync-probe";
    static final int MAX_FSYNCS = 40;
    static final Duration BUDGET = Duration.ofMillis(800);
    private static final int WRITE_BYTES = 4096;

    /** The probe's figures, in milliseconds; {@code fsyncs} 0 when the directory could not be probed. */
    public record Result(Path dir, int fsyncs, double p50Ms, double p99Ms, String error) {
    }

    private DiskProbe() {
    }

    /**
     * Probes {@code dir}; {@code injectedDelay} (the fsyncDelay failpoint) is added to every fsync as it is to the
     * store's, so that the probe sees the disk a test simulates.
     */
    public static Result run(Path dir, Duration injectedDelay) {
        Path file = dir.resolve(FILE_NAME);
        double[] samples = new double[MAX_FSYNCS];
        int n = 0;
        long deadline = System.nanoTime() + BUDGET.toNanos();
        ByteBuffer block = ByteBuffer.allocate(WRITE_BYTES);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (n < MAX_FSYNCS && (n == 0 || System.nanoTime() < deadline)) {
                block.clear();
                long start = System.nanoTime();
                ch.write(block, (long) n * WRITE_BYTES);
                sleep(injectedDelay);
                ch.force(false);
                samples[n++] = (System.nanoTime() - start) / 1e6;
            }
        } catch (IOException e) {
            return new Result(dir, 0, -1, -1, e.toString());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover probe file is harmless and overwritten next time
            }
        }
        double[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        return new Result(dir, n, nearestRank(sorted, 0.5), nearestRank(sorted, 0.99), "");
    }

    /** The nearest-rank percentile of sorted samples (the largest one for p99 of fewer than 100). */
    static double nearestRank(double[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
