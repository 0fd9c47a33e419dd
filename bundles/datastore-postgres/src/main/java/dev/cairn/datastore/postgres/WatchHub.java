package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds this server's watches from the revision log. One poller reads the revisions after the last one it
 * dispatched, in a repeatable-read snapshot together with the store revision, the compact revision and the alarms,
 * and hands each synced watch its events. It polls when woken (this server's writer after a commit, the
 * {@link ChangeListener} when another server's NOTIFY arrives, a progress request) and at least every
 * {@value #POLL_INTERVAL_MS} ms, which is what keeps watches right if a notification is lost.
 *
 * <p>Because writes commit in revision order (see {@link WriteBatcher}), a snapshot holding revision n holds every
 * revision below it: reading {@code (dispatched, n]} never skips a revision that commits late.
 */
final class WatchHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    static final long POLL_INTERVAL_MS = 1000;
    /** Revisions read by one poll or one catch-up step, so that a long backlog is read in bounded pieces. */
    private static final int REVISIONS_PER_READ = 1000;
    /** Events a slow watch may have queued before it drops them and catches up from the log. */
    private static final int MAX_QUEUED_EVENTS = 10_000;

    /** Guards the hub and the state of every {@link HubWatch}. */
    final Object lock = new Object();

    private final ConnectionPool pool;
    private final Tables t;
    private final EventReader events;
    private final StoreState state;
    private final ExecutorService deliveries;
    private final Thread poller;
    private final Set<HubWatch> watches = new LinkedHashSet<>();
    private final Set<HubWatch> synced = new LinkedHashSet<>();
    private final List<HubWatch> progressAsked = new ArrayList<>();
    private long dispatched;
    private boolean wake;
    private boolean closed;
    private int failedPolls;

    /** What one catch-up step read. */
    record History(long to, long compactRevision, List<Event> events) {
    }

    /** What one poll read. */
    private record Poll(long revision, long compactRevision, List<Alarm> alarms, long from, long to,
            List<Event> events) {
    }

    /** @param dispatched the store revision when the store opened: watches start after it */
    WatchHub(ConnectionPool pool, Tables t, StoreState state, long dispatched) {
        this.pool = pool;
        this.t = t;
        this.events = new EventReader(t);
        this.state = state;
        this.dispatched = dispatched;
        this.deliveries = Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, "cairn-postgres-watch");
            th.setDaemon(true);
            return th;
        });
        this.poller = new Thread(this::pollLoop, "cairn-postgres-watch-poller");
        poller.setDaemon(true);
    }

    void start() {
        poller.start();
    }

    Watch watch(WatchRequest request, WatchListener listener) {
        synchronized (lock) {
            if (closed) {
                listener.onCancelled(0, "datastore closed");
                return new HubWatch(this, request, listener, 0);
            }
            // from the next revision: the newest this server knows, its own acknowledged writes included
            long next = request.startRevision() > 0 ? request.startRevision()
                    : Math.max(dispatched, state.revision()) + 1;
            HubWatch w = new HubWatch(this, request, listener, next);
            watches.add(w);
            if (next > dispatched) {
                synced(w);
            } else {
                w.schedule();
            }
            return w;
        }
    }

    /** Asks the poller to run now, e.g. after this server committed a write. */
    void wake() {
        synchronized (lock) {
            wake = true;
            lock.notifyAll();
        }
    }

    /**
     * Waits (at most {@code timeout}) until the poller has dispatched {@code revision}, so that a compaction does not
     * overtake this server's watches and cancel them needlessly.
     */
    void awaitDispatched(long revision, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            wake = true;
            lock.notifyAll();
            while (dispatched < revision && !closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    int watchers() {
        synchronized (lock) {
            return watches.size();
        }
    }

    long pendingEvents() {
        synchronized (lock) {
            long n = 0;
            for (HubWatch w : watches) {
                n += w.queuedEvents();
            }
            return n;
        }
    }

    // ---- called by HubWatch, holding the lock ----

    long dispatchedRevision() {
        return dispatched;
    }

    void synced(HubWatch w) {
        w.synced = true;
        synced.add(w);
    }

    void forget(HubWatch w) {
        watches.remove(w);
        synced.remove(w);
        progressAsked.remove(w);
        w.progressAsked = false;
    }

    boolean execute(Runnable pump) {
        try {
            deliveries.execute(pump);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void requestProgress(HubWatch w) {
        synchronized (lock) {
            if (w.isClosed()) {
                return;
            }
            if (!w.progressAsked) {
                w.progressAsked = true;
                progressAsked.add(w);
            }
            wake = true;
            lock.notifyAll();
        }
    }

    /** One catch-up step of {@code w}, outside the lock; null when the database failed. */
    History history(HubWatch w, long from, long upto) {
        long to = Math.min(upto, from + REVISIONS_PER_READ - 1);
        try {
            return pool.read(c -> {
                long compact = revisions(c)[1];
                if (compact > from) {
                    return new History(to, compact, List.of());
                }
                List<Event> read = events.read(c, from, to, w.request.range(), w.request.prevKv());
                List<Event> mine = new ArrayList<>(read.size());
                for (Event e : read) {
                    if (e.type() == Event.Type.PUT ? !w.request.noPut() : !w.request.noDelete()) {
                        mine.add(e);
                    }
                }
                return new History(to, compact, mine);
            });
        } catch (SQLException | RuntimeException e) {
            LOG.warn("watch catch-up failed from={} to={} endpoint={} error=\"{}\"", from, to,
                    pool.endpoint().redacted(), e.getMessage());
            return null;
        }
    }

    // ---- the poller ----

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void pollLoop() {
        while (true) {
            List<HubWatch> asked;
            synchronized (lock) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL_MS);
                while (!wake && !closed) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        break;
                    }
                    try {
                        lock.wait(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                wake = false;
                // answered after this poll: it starts after they were asked, so it sees what they must cover
                asked = new ArrayList<>(progressAsked);
                progressAsked.clear();
            }
            boolean more = false;
            boolean polled = false;
            try {
                more = pollOnce();
                polled = true;
                if (failedPolls > 0) {
                    LOG.info("watch poller reconnected endpoint={} afterFailures={}", pool.endpoint().redacted(),
                            failedPolls);
                    failedPolls = 0;
                }
            } catch (SQLException | RuntimeException e) {
                if (isClosed()) {
                    return; // the pool closed under the poll: the store is closing
                }
                if (failedPolls++ % 30 == 0) {
                    LOG.warn("watch poll failed endpoint={} failures={} error=\"{}\"", pool.endpoint().redacted(),
                            failedPolls, e.getMessage());
                }
            }
            synchronized (lock) {
                for (HubWatch w : asked) {
                    w.progressAsked = false;
                    if (w.isClosed()) {
                        continue;
                    }
                    if (polled) {
                        w.progressDue();
                    } else if (!w.progressAsked) {
                        w.progressAsked = true;
                        progressAsked.add(w);
                    }
                }
                if (more) {
                    wake = true;
                }
            }
        }
    }

    /** Reads and dispatches the next revisions; true when there are more to read at once. */
    private boolean pollOnce() throws SQLException {
        long from;
        synchronized (lock) {
            from = dispatched + 1;
        }
        Poll p = pool.read(c -> {
            long[] revisions = revisions(c);
            List<Alarm> alarms = SpaceQuota.alarms(c, t);
            long to = Math.min(revisions[0], from + REVISIONS_PER_READ - 1);
            List<Event> read = to >= from ? events.read(c, from, to, null, true) : List.of();
            return new Poll(revisions[0], revisions[1], alarms, from, to, read);
        });
        state.sawRevision(p.revision());
        state.sawCompaction(p.compactRevision());
        state.setAlarms(p.alarms());
        dispatch(p);
        return p.to() < p.revision();
    }

    private void dispatch(Poll p) {
        synchronized (lock) {
            if (p.to() >= p.from()) {
                if (p.compactRevision() >= p.from()) {
                    // another server compacted history this poller had not read yet: the watches that needed it
                    // are cancelled, as etcd cancels a watch whose next revision was compacted
                    for (HubWatch w : List.copyOf(synced)) {
                        if (w.next < p.compactRevision()) {
                            w.cancel(p.compactRevision(), "compacted", false);
                            synced.remove(w);
                        }
                    }
                }
                for (HubWatch w : List.copyOf(synced)) {
                    if (w.isClosed()) {
                        synced.remove(w);
                        continue;
                    }
                    List<Event> mine = w.select(p.events());
                    w.enqueue(mine, p.to(), MAX_QUEUED_EVENTS);
                    if (!w.synced) {
                        synced.remove(w); // fell behind: it catches up from the log
                    }
                }
                dispatched = p.to();
            }
            // watches that could not catch up on a database error try again now that the database answers
            for (HubWatch w : watches) {
                if (w.stalled) {
                    w.stalled = false;
                    w.schedule();
                }
            }
            lock.notifyAll();
        }
    }

    /** The store revision and the compact revision. */
    private long[] revisions(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT m.revision, k.revision FROM " + t.meta() + " m, "
                + t.compaction() + " k WHERE m.id = 1 AND k.id = 1"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Cancels every watch (the store is closing) and stops the poller and the delivery threads. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (HubWatch w : List.copyOf(watches)) {
                w.cancel(0, "datastore closed", true);
            }
            lock.notifyAll();
        }
        try {
            poller.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("watch listeners still running 5 s after the store closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
