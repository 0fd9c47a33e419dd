package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps history bounded like etcd's {@code --auto-compaction-mode/--auto-compaction-retention}, for any backend.
 *
 * <ul>
 * <li>periodic: every retention/10 (between 1 s and 1 h) the current revision is sampled; the store is compacted to
 * the newest sample that is at least {@code retention} old, so history of the last {@code retention} is kept.</li>
 * <li>revision: every 5 minutes the store is compacted to {@code current - retention}.</li>
 * </ul>
 */
final class AutoCompactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoCompactor.class);
    private static final Duration REVISION_MODE_INTERVAL = Duration.ofMinutes(5);

    /** A revision sampled at a moment (nanoTime). */
    private record Sample(long atNanos, long revision) {
    }

    private final Datastore store;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long lastCompacted;

    AutoCompactor(Datastore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-auto-compactor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the compactor, or returns null when the retention disables it (0). */
    static AutoCompactor start(Datastore store, String mode, String retention) {
        return switch (mode == null || mode.isBlank() ? "periodic" : mode.trim()) {
            case "periodic" -> startPeriodic(store, Durations.parse(retention, "auto-compaction-retention",
                    java.time.temporal.ChronoUnit.HOURS));
            case "revision" -> startRevision(store, parseCount(retention));
            default -> throw new IllegalArgumentException("auto-compaction-mode: '" + mode
                    + "' is not a mode; use periodic or revision");
        };
    }

    private static AutoCompactor startPeriodic(Datastore store, Duration retention) {
        if (retention.isZero()) {
            return null;
        }
        AutoCompactor c = new AutoCompactor(store, System::nanoTime);
        long tick = Math.max(1_000, Math.min(retention.toMillis() / 10, 3_600_000));
        c.timer.scheduleWithFixedDelay(() -> c.periodicTick(retention), 0, tick, TimeUnit.MILLISECONDS);
        LOG.info("auto-compaction mode=periodic retention={} interval={}ms", retention, tick);
        return c;
    }

    private static AutoCompactor startRevision(Datastore store, long keep) {
        if (keep == 0) {
            return null;
        }
        AutoCompactor c = new AutoCompactor(store, System::nanoTime);
        long tick = REVISION_MODE_INTERVAL.toMillis();
        c.timer.scheduleWithFixedDelay(() -> c.compactTo(store.currentRevision() - keep), tick, tick,
                TimeUnit.MILLISECONDS);
        LOG.info("auto-compaction mode=revision retention={} interval={}ms", keep, tick);
        return c;
    }

    private static long parseCount(String retention) {
        try {
            long n = Long.parseLong(retention.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("auto-compaction-retention: '" + retention
                + "' is not a revision count; revision mode takes a whole number such as 1000");
    }

    /** One sampling step of periodic mode; package-private for tests. */
    void periodicTick(Duration retention) {
        long now = clock.getAsLong();
        samples.addLast(new Sample(now, store.currentRevision()));
        Sample target = null;
        while (!samples.isEmpty() && now - samples.peekFirst().atNanos() >= retention.toNanos()) {
            target = samples.pollFirst();
        }
        if (target != null) {
            compactTo(target.revision());
        }
    }

    private void compactTo(long revision) {
        if (revision <= lastCompacted || revision <= 1) {
            return;
        }
        try {
            store.compact(revision, false).join();
            lastCompacted = revision;
            LOG.info("auto-compaction compacted revision={}", revision);
        } catch (RuntimeException e) {
            DatastoreException d = DatastoreException.of(e);
            if (d.error() == StoreError.COMPACTED) {
                lastCompacted = revision;
            } else {
                LOG.warn("auto-compaction failed revision={} error={}", revision, d.getMessage());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
