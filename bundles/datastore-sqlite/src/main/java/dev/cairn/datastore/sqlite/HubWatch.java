package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch in the hub: what it selects, the next revision it needs, and a mailbox of callbacks run one at a time
 * on the dispatcher, so a slow listener delays only itself and calls stay serialized and in revision order.
 */
final class HubWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(HubWatch.class);
    /** Callbacks run per turn on the dispatcher before other watches get theirs. */
    private static final int TURN = 32;

    final KeyRange range;
    final boolean prevKv;
    private final boolean noPut;
    private final boolean noDelete;
    private final WatchListener listener;
    private final WatchHub hub;
    private final Executor dispatcher;

    /** The next revision this watch needs; guarded by the hub lock (or owned by the catch-up thread). */
    long next;
    /** A progress request waiting for the watch to catch up; guarded by the hub lock. */
    boolean progressRequested;
    /** No further callback may be queued (cancelled or closed); guarded by the hub lock. */
    boolean ended;
    /** In the hub's unsynced group (written under the hub lock, read without it). */
    volatile boolean catchingUp;

    private final ConcurrentLinkedQueue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong pendingEvents = new AtomicLong();
    private volatile boolean closed;

    HubWatch(WatchRequest r, WatchListener listener, WatchHub hub, Executor dispatcher) {
        this.range = r.range();
        this.prevKv = r.prevKv();
        this.noPut = r.noPut();
        this.noDelete = r.noDelete();
        this.listener = listener;
        this.hub = hub;
        this.dispatcher = dispatcher;
    }

    /** The events this watch wants, from {@code events} at revisions from {@link #next} on. */
    List<Event> select(List<Event> events) {
        List<Event> mine = null;
        for (Event e : events) {
            if (e.kv().modRevision() < next || !range.contains(e.kv().key())) {
                continue;
            }
            if ((e.type() == Event.Type.PUT && noPut) || (e.type() == Event.Type.DELETE && noDelete)) {
                continue;
            }
            if (mine == null) {
                mine = new ArrayList<>();
            }
            mine.add(prevKv ? e : e.withoutPrevKv());
        }
        return mine == null ? List.of() : mine;
    }

    /** Events not yet handed to the listener. */
    long pendingEvents() {
        return pendingEvents.get();
    }

    void deliverEvents(List<Event> events, long revision) {
        int n = events.size();
        pendingEvents.addAndGet(n);
        offer(() -> {
            pendingEvents.addAndGet(-n);
            if (!closed) {
                listener.onEvents(events, revision);
            }
        });
    }

    void deliverProgress(long revision) {
        offer(() -> {
            if (!closed) {
                listener.onProgress(revision);
            }
        });
    }

    /** The last callback of this watch. */
    void deliverCancel(long compactRevision, String reason) {
        offer(() -> {
            if (!closed) {
                closed = true;
                listener.onCancelled(compactRevision, reason);
            }
        });
    }

    @Override
    public void requestProgress() {
        hub.requestProgress(this);
    }

    @Override
    public void close() {
        closed = true;
        mailbox.clear();
        hub.remove(this);
    }

    boolean isClosed() {
        return closed;
    }

    private void offer(Runnable callback) {
        mailbox.add(callback);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                dispatcher.execute(this::drain);
            } catch (RejectedExecutionException stopped) {
                // the store has closed: the only callback left to make is the cancel, made right here
                drain();
            }
        }
    }

    private void drain() {
        int n = 0;
        Runnable callback;
        while (n++ < TURN && (callback = mailbox.poll()) != null) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.warn("watch listener failed cause=\"{}\"", e.toString(), e);
            }
        }
        scheduled.set(false);
        if (!mailbox.isEmpty()) {
            schedule();
        }
        hub.drained(this);
    }
}
