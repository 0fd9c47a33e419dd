package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch of the {@link WatchHub}. It is either <em>synced</em> (the hub's poller hands it each new revision) or
 * <em>catching up</em> (it reads its own history from the log, a chunk at a time, until it reaches what the poller
 * has dispatched, then becomes synced). Its calls are made by one pump at a time on the hub's delivery threads, so a
 * slow listener holds up only itself; when it falls too far behind, its queued events are dropped and it catches up
 * from the log instead, so memory stays bounded and nothing is lost (or it is cancelled, if a compaction removed
 * what it still needed).
 *
 * <p>Every field is guarded by the hub's lock.
 */
final class HubWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(HubWatch.class);

    /** Something for the listener, in order. */
    private sealed interface Delivery {
    }

    private record Events(List<Event> events, long revision) implements Delivery {
    }

    private record Cancel(long compactRevision, String reason) implements Delivery {
    }

    private final WatchHub hub;
    final WatchRequest request;
    private final WatchListener listener;

    /** The first revision not yet handed to this watch (queued or delivered). */
    long next;
    boolean synced;
    boolean progressAsked;
    /** Catching up failed on a database error: wait for the poller's next successful poll before trying again. */
    boolean stalled;
    private boolean progressDue;
    private final ArrayDeque<Events> queue = new ArrayDeque<>();
    private int queuedEvents;
    private Cancel cancel;
    private boolean closed;
    private boolean scheduled;
    private Thread running;

    HubWatch(WatchHub hub, WatchRequest request, WatchListener listener, long next) {
        this.hub = hub;
        this.request = request;
        this.listener = listener;
        this.next = next;
    }

    @Override
    public void requestProgress() {
        hub.requestProgress(this);
    }

    /** No callback starts after this returns; called from the watch's own callback, it returns at once. */
    @Override
    public void close() {
        synchronized (hub.lock) {
            closed = true;
            queue.clear();
            queuedEvents = 0;
            cancel = null;
            hub.forget(this);
            while (running != null && running != Thread.currentThread()) {
                try {
                    hub.lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ---- called by the hub, holding its lock ----

    boolean isClosed() {
        return closed || cancel != null;
    }

    /** The events of this watch among {@code all} (revisions {@code >= next}), filtered and shaped for it. */
    List<Event> select(List<Event> all) {
        List<Event> mine = null;
        for (Event e : all) {
            if (e.kv().modRevision() < next || !request.range().contains(e.kv().key())) {
                continue;
            }
            if (e.type() == Event.Type.PUT ? request.noPut() : request.noDelete()) {
                continue;
            }
            if (mine == null) {
                mine = new ArrayList<>();
            }
            mine.add(request.prevKv() ? e : e.withoutPrevKv());
        }
        return mine == null ? List.of() : mine;
    }

    /** Queues events read up to {@code revision}; past the bound, switches to catching up from the log. */
    void enqueue(List<Event> events, long revision, int maxQueued) {
        if (!events.isEmpty()) {
            queue.add(new Events(events, revision));
            queuedEvents += events.size();
        }
        next = Math.max(next, revision + 1); // a watch from a future revision keeps waiting for it
        if (queuedEvents > maxQueued) {
            long from = queue.peekFirst().events().get(0).kv().modRevision();
            LOG.info("watch fell behind queuedEvents={} from={}; catching up from the log instead", queuedEvents,
                    from);
            queue.clear();
            queuedEvents = 0;
            next = from;
            synced = false;
        }
        if (!events.isEmpty() || !synced) {
            schedule();
        }
    }

    void cancel(long compactRevision, String reason, boolean dropQueued) {
        if (isClosed()) {
            return;
        }
        if (dropQueued) {
            queue.clear();
            queuedEvents = 0;
        }
        synced = false;
        cancel = new Cancel(compactRevision, reason);
        schedule();
    }

    void progressDue() {
        progressDue = true;
        schedule();
    }

    int queuedEvents() {
        return queuedEvents;
    }

    void schedule() {
        if (scheduled || closed) {
            return;
        }
        scheduled = true;
        if (!hub.execute(this::pump)) {
            scheduled = false;
        }
    }

    // ---- the pump, on a delivery thread ----

    private void pump() {
        while (true) {
            Runnable step;
            synchronized (hub.lock) {
                step = closed ? null : nextStep();
                if (step == null) {
                    scheduled = false;
                    return;
                }
                running = Thread.currentThread();
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.warn("watch listener failed: {}", e.toString(), e);
            } finally {
                synchronized (hub.lock) {
                    running = null;
                    hub.lock.notifyAll();
                }
            }
        }
    }

    /** What to do next, in order: queued events, a cancel, catching up, an answer to a progress request. */
    private Runnable nextStep() {
        Events events = queue.pollFirst();
        if (events != null) {
            queuedEvents -= events.events().size();
            return () -> listener.onEvents(events.events(), events.revision());
        }
        if (cancel != null) {
            Cancel c = cancel;
            cancel = null;
            closed = true;
            hub.forget(this);
            return () -> listener.onCancelled(c.compactRevision(), c.reason());
        }
        if (!synced) {
            if (stalled) {
                return null;
            }
            long from = next;
            long upto = hub.dispatchedRevision();
            return () -> catchUp(from, upto);
        }
        if (progressDue) {
            progressDue = false;
            long revision = hub.dispatchedRevision();
            return () -> listener.onProgress(revision);
        }
        return null;
    }

    /** Reads one chunk of history from the log and delivers it; synced once it reached the poller. */
    private void catchUp(long from, long upto) {
        WatchHub.History history = hub.history(this, from, upto);
        synchronized (hub.lock) {
            if (closed || cancel != null) {
                return;
            }
            if (history == null) {
                stalled = true; // the database failed: the next successful poll lets this watch try again
                return;
            }
            if (history.compactRevision() > from) {
                cancel(history.compactRevision(), "compacted", true);
                return;
            }
            next = history.to() + 1;
            if (next > hub.dispatchedRevision()) {
                hub.synced(this);
            }
        }
        if (!history.events().isEmpty()) {
            listener.onEvents(history.events(), history.to());
        }
    }
}
