package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.Histogram;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fsync latency of the disk a store writes its durable log to: the start-up probe, the histogram of every fsync
 * since, and the slow-disk warning. The warning is logged when the probe's or the recent fsyncs' 99th percentile is
 * above what the store tolerates, at most once a minute, and stays readable in {@link #check()} until the recent
 * fsyncs are fast again.
 */
public final class FsyncLatency {
    private static final Logger LOG = LoggerFactory.getLogger(FsyncLatency.class);
    /** The recent window: the last this many fsyncs (under load a second's worth, idle much longer). */
    static final int RECENT = 256;
    /** Fewer recent fsyncs than this say nothing about a 99th percentile yet. */
    static final int MIN_RECENT = 20;
    /** How often the recent window is judged (a sort of {@value #RECENT} numbers). */
    static final long CHECK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final DiskProbe.Result probe;
    private final double toleratedMs;
    private final String advice;
    private final LongSupplier clock;
    private final HistogramRecorder histogram = new HistogramRecorder(HistogramRecorder.FSYNC_SECONDS);
    private final double[] recent = new double[RECENT];
    private int recentCount;
    private int recentNext;
    private long lastCheck;
    private long lastWarning;
    private boolean warned;
    private int warnings;
    private volatile double recentP99Ms = -1;
    private volatile String warning = "";

    FsyncLatency(DiskProbe.Result probe, double toleratedMs, String advice, LongSupplier clock) {
        this.probe = probe;
        this.toleratedMs = toleratedMs;
        this.advice = advice;
        this.clock = clock;
        this.lastCheck = clock.getAsLong();
    }

    /**
     * Probes {@code dir} (see {@link DiskProbe}), logs the result and warns at once when it is already too slow.
     *
     * @param injectedDelay the fsyncDelay failpoint, added to every probe fsync as to the store's
     * @param toleratedMs   the fsync 99th percentile above which the disk is too slow for this store
     * @param advice        what the operator should do about a slow disk (flags to raise, where to move the dir)
     */
    public static FsyncLatency probe(Path dir, Duration injectedDelay, double toleratedMs, String advice) {
        long start = System.nanoTime();
        DiskProbe.Result r = DiskProbe.run(dir, injectedDelay);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        FsyncLatency latency = new FsyncLatency(r, toleratedMs, advice, System::nanoTime);
        if (r.fsyncs() == 0) {
            LOG.warn("event=disk_probe dir={} error=\"{}\" action=\"check that the data dir is writable\"", dir,
                    r.error());
            return latency;
        }
        LOG.info("event=disk_probe dir={} fsyncs={} fsyncP50Ms={} fsyncP99Ms={} toleratedP99Ms={} tookMs={}", dir,
                r.fsyncs(), ms(r.p50Ms()), ms(r.p99Ms()), ms(toleratedMs), tookMs);
        latency.judge(r.p99Ms(), "probe");
        return latency;
    }

    /** One fsync of the store's durable log took {@code seconds}. */
    public void observe(double seconds) {
        histogram.observe(seconds);
        double[] window = null;
        synchronized (this) {
            recent[recentNext] = seconds * 1000;
            recentNext = (recentNext + 1) % RECENT;
            recentCount = Math.min(RECENT, recentCount + 1);
            long now = clock.getAsLong();
            if (recentCount >= MIN_RECENT && now - lastCheck >= CHECK_EVERY_NANOS) {
                lastCheck = now;
                window = Arrays.copyOf(recent, recentCount);
            }
        }
        if (window != null) {
            Arrays.sort(window);
            double p99 = DiskProbe.nearestRank(window, 0.99);
            recentP99Ms = p99;
            judge(p99, "recent");
        }
    }

    /** Every fsync since start, in seconds. */
    public Histogram histogram() {
        return histogram.snapshot();
    }

    public DiskCheck check() {
        return new DiskCheck(probe.dir().toString(), probe.p50Ms(), probe.p99Ms(), recentP99Ms, toleratedMs, warning);
    }

    private void judge(double p99Ms, String source) {
        if (p99Ms <= toleratedMs) {
            warning = "";
            return;
        }
        String text = "fsync p99 " + ms(p99Ms) + " ms in " + probe.dir() + " is above the " + ms(toleratedMs)
                + " ms this datastore tolerates; " + advice;
        warning = text;
        long now = clock.getAsLong();
        synchronized (this) {
            if (warned && now - lastWarning < WARN_EVERY_NANOS) {
                return;
            }
            warned = true;
            lastWarning = now;
            warnings++;
        }
        LOG.warn("slow disk dir={} fsyncP99Ms={} toleratedP99Ms={} measuredBy={} action=\"{}\"", probe.dir(),
                ms(p99Ms), ms(toleratedMs), source, advice);
    }

    /** Warnings logged so far (tests check the rate limit). */
    synchronized int warningsLogged() {
        return warnings;
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
