package dev.cairn.datastore.selector;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job at the times of a {@link CronSchedule} on one thread, so a job still running when the next time comes
 * delays it instead of overlapping (K3s skips such a run). The next time is computed from the clock after each run.
 */
final class SnapshotSchedule implements AutoCloseable {
    private final CronSchedule cron;
    private final Runnable job;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-etcd-snapshots");
        t.setDaemon(true);
        return t;
    });

    private SnapshotSchedule(CronSchedule cron, Runnable job) {
        this.cron = cron;
        this.job = job;
    }

    static SnapshotSchedule start(CronSchedule cron, Runnable job) {
        SnapshotSchedule s = new SnapshotSchedule(cron, job);
        s.scheduleNext();
        return s;
    }

    private void scheduleNext() {
        ZonedDateTime now = ZonedDateTime.now();
        long delay = Math.max(0, Duration.between(now, cron.next(now)).toMillis());
        timer.schedule(() -> {
            try {
                job.run();
            } finally {
                if (!timer.isShutdown()) {
                    scheduleNext();
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
