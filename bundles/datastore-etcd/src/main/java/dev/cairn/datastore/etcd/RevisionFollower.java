package dev.cairn.datastore.etcd;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@link EtcdDatastore#currentRevision()} within {@link #INTERVAL_MS} of the etcd's revision when other
 * clients (other Cairn servers on the same etcd) write too: an idle watch asks for a progress notification at that
 * interval, and each answer carries the etcd's current revision in its header. Without it the revision would move
 * only with this server's own requests.
 */
final class RevisionFollower implements WatchListener, AutoCloseable {
    static final long INTERVAL_MS = 500;

    private final Watch watch;
    private final ScheduledFuture<?> ticks;

    RevisionFollower(EtcdDatastore store, ScheduledExecutorService timers) {
        // one key nobody writes in practice; its events (if any) only move the revision like progress does
        watch = store.watch(WatchRequest.of(KeyRange.single(new byte[] {0}), 0), this);
        ticks = timers.scheduleWithFixedDelay(watch::requestProgress, INTERVAL_MS, INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onEvents(List<Event> events, long revision) {
        // the revision was already taken from the response header
    }

    @Override
    public void onProgress(long revision) {
        // likewise
    }

    @Override
    public void onCancelled(long compactRevision, String reason) {
        // only when the store closes
    }

    @Override
    public void close() {
        ticks.cancel(false);
        watch.close();
    }
}
