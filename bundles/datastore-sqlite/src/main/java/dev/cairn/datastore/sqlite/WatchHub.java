package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans committed events out to watches, with etcd's two groups: <em>synced</em> watches get events straight from
 * the writer after each commit (no polling); <em>unsynced</em> ones (started at a past revision, or fallen behind
 * because their listener is slow) are replayed from the log by a catch-up thread, in windows of at most
 * {@value #WINDOW} revisions read from a reader connection, and move to the synced group once they have replayed
 * everything published so far. Both steps happen under one lock, so no revision is missed or delivered twice.
 */
final class WatchHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    /** Revisions replayed per catch-up read. */
    static final int WINDOW = 1000;
    /** A synced watch with more undelivered events than this is moved to the unsynced group. */
    static final long MAX_PENDING = 10_000;
    /** An unsynced watch is replayed only once its listener is down to this many undelivered events. */
    static final long RESUME_PENDING = 1_000;

    private final Object lock = new Object();
    private final Set<HubWatch> synced = new LinkedHashSet<>();
    private final ArrayDeque<HubWatch> unsynced = new ArrayDeque<>();
    private final ReaderPool readers;
    private final StoreState state;
    private final ExecutorService dispatcher;
    private final Thread catchUp;
    /** The revision of the last batch handed to synced watches; guarded by {@link #lock}. */
    private long published;
    private boolean closed;
    /** Open watches, and those wanting previous key-values: what the writer must record (read without lock). */
    private volatile int watches;
    private volatile int prevKvWatches;

    WatchHub(ReaderPool readers, StoreState state, int dispatchThreads) {
        this.readers = readers;
        this.state = state;
        this.published = state.revision;
        AtomicInteger n = new AtomicInteger();
        this.dispatcher = Executors.newFixedThreadPool(dispatchThreads, r -> {
            Thread t = new Thread(r, "cairn-watch-dispatch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.catchUp = new Thread(this::catchUpLoop, "cairn-watch-catchup");
        this.catchUp.setDaemon(true);
        this.catchUp.start();
    }

    Watch watch(WatchRequest r, WatchListener listener) {
        HubWatch w = new HubWatch(r, listener, this, dispatcher);
        synchronized (lock) {
            if (closed) {
                w.ended = true;
                w.deliverCancel(0, StoreError.STOPPED.message());
                return w;
            }
            w.next = r.startRevision() <= 0 ? state.revision + 1 : r.startRevision();
            watches++;
            if (w.prevKv) {
                prevKvWatches++;
            }
            if (w.next > published) {
                synced.add(w);
            } else {
                toUnsynced(w);
            }
        }
        return w;
    }

    /** Open watches. */
    int watchCount() {
        return watches;
    }

    /**
     * Events handed to watches and not yet taken by their listeners (watch lag); what an unsynced watch has still to
     * replay from the log is not counted.
     */
    long pendingEvents() {
        long n = 0;
        synchronized (lock) {
            for (HubWatch w : synced) {
                n += w.pendingEvents();
            }
            for (HubWatch w : unsynced) {
                n += w.pendingEvents();
            }
        }
        return n;
    }

    /** True when the writer must record events (some watch is open). */
    boolean wantsEvents() {
        return watches > 0;
    }

    /** True when the writer must attach previous key-values to events. */
    boolean wantsPrevKv() {
        return prevKvWatches > 0;
    }

    /**
     * Called by the writer after each commit with the batch's events (in revision order). The writer records
     * events, and previous key-values, only when a watch wanted them as the batch began; a watch that arrived in
     * between and needs this batch is moved to the unsynced group and replays it from the log.
     */
    void publish(List<Event> events, long revision, boolean eventsRecorded, boolean prevKvRecorded) {
        synchronized (lock) {
            published = revision;
            List<HubWatch> behind = null;
            for (HubWatch w : synced) {
                if (w.next <= revision && (!eventsRecorded || (w.prevKv && !prevKvRecorded))) {
                    behind = behind == null ? new ArrayList<>() : behind;
                    behind.add(w);
                    continue;
                }
                List<Event> mine = events.isEmpty() ? List.of() : w.select(events);
                w.next = Math.max(w.next, revision + 1);
                if (!mine.isEmpty()) {
                    w.deliverEvents(mine, revision);
                    if (w.pendingEvents() > MAX_PENDING) {
                        behind = behind == null ? new ArrayList<>() : behind;
                        behind.add(w);
                    }
                }
            }
            if (behind != null) {
                for (HubWatch w : behind) {
                    synced.remove(w);
                    toUnsynced(w);
                }
                LOG.debug("watches moved to catch-up count={} revision={}", behind.size(), revision);
            }
        }
    }

    /** Cancels the watches that still need revisions below the new compact revision. */
    void compacted(long compactRevision) {
        synchronized (lock) {
            for (HubWatch w : new ArrayList<>(unsynced)) {
                if (w.next < compactRevision) {
                    cancel(w, compactRevision, null);
                }
            }
        }
    }

    void requestProgress(HubWatch w) {
        synchronized (lock) {
            if (w.ended) {
                return;
            }
            if (synced.contains(w)) {
                w.deliverProgress(published);
            } else {
                w.progressRequested = true;
            }
        }
    }

    void remove(HubWatch w) {
        synchronized (lock) {
            end(w);
        }
    }

    /** Takes the watch out of both groups and the demand counts; idempotent. */
    private void end(HubWatch w) {
        if (w.ended) {
            return;
        }
        w.ended = true;
        synced.remove(w);
        unsynced.remove(w);
        w.catchingUp = false;
        watches--;
        if (w.prevKv) {
            prevKvWatches--;
        }
    }

    /** A watch's mailbox ran; an unsynced watch that was waiting for its listener may be replayed again. */
    void drained(HubWatch w) {
        if (w.catchingUp && w.pendingEvents() <= RESUME_PENDING) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** Moves a watch to the catch-up group and wakes the catch-up thread; under {@link #lock}. */
    private void toUnsynced(HubWatch w) {
        unsynced.add(w);
        w.catchingUp = true;
        lock.notifyAll();
    }

    /** Moves a caught-up watch to the live group and answers a progress request it made meanwhile. */
    private void toSynced(HubWatch w) {
        unsynced.remove(w);
        w.catchingUp = false;
        synced.add(w);
        if (w.progressRequested) {
            w.progressRequested = false;
            w.deliverProgress(published);
        }
    }

    private void cancel(HubWatch w, long compactRevision, String reason) {
        end(w);
        w.deliverCancel(compactRevision, reason);
    }

    private void catchUpLoop() {
        while (true) {
            HubWatch w;
            synchronized (lock) {
                while (!closed && (w = readyToReplay()) == null) {
                    try {
                        lock.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                w = readyToReplay();
                unsynced.remove(w);
                unsynced.add(w);
            }
            try {
                replay(w);
            } catch (RuntimeException e) {
                LOG.warn("watch catch-up failed cause=\"{}\"", e.getMessage());
                sleepAfterFailure();
            }
        }
    }

    private HubWatch readyToReplay() {
        for (HubWatch w : unsynced) {
            if (w.pendingEvents() <= RESUME_PENDING) {
                return w;
            }
        }
        return null;
    }

    /** One catch-up window for {@code w}, then the move to the synced group if it has replayed everything. */
    private void replay(HubWatch w) {
        long from = w.next;
        long[] snapshot = new long[2];
        List<Event> events = readers.read(r -> {
            snapshot[0] = r.revision;
            snapshot[1] = r.compactRevision;
            if (from < r.compactRevision || from > r.revision) {
                return List.of();
            }
            long to = Math.min(r.revision, from + WINDOW - 1);
            return r.history.events(w.range, from, to, w.prevKv, r.compactRevision);
        });
        long revision = snapshot[0];
        long compactRevision = snapshot[1];
        synchronized (lock) {
            if (w.ended) {
                return;
            }
            if (from < compactRevision) {
                cancel(w, compactRevision, null);
                return;
            }
            if (from <= revision) {
                List<Event> mine = w.select(events);
                w.next = Math.min(revision, from + WINDOW - 1) + 1;
                if (!mine.isEmpty()) {
                    w.deliverEvents(mine, revision);
                }
            }
            if (w.next > published) {
                toSynced(w);
            }
        }
    }

    private void sleepAfterFailure() {
        synchronized (lock) {
            try {
                lock.wait(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels every watch with "server stopped" and stops the threads once the listeners have been told. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (HubWatch w : new ArrayList<>(synced)) {
                cancel(w, 0, StoreError.STOPPED.message());
            }
            for (HubWatch w : new ArrayList<>(unsynced)) {
                cancel(w, 0, StoreError.STOPPED.message());
            }
            lock.notifyAll();
        }
        try {
            catchUp.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
