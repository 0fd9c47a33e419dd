package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.ProbeResult;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one {@link Datastore} the selector publishes, in front of the backend that serves now. The backend can be
 * swapped underneath (a live conversion, a backend bundle stopped, updated and started again) while the consumers
 * keep their reference, so gRPC clients stay connected:
 * <ul>
 * <li>{@link #pause()} stops handing requests to the backend and completes once those it has are finished; requests
 * that arrive meanwhile are held;</li>
 * <li>{@link #release()} detaches the watches and hands the backend back for closing;</li>
 * <li>{@link #resume} serves from the next backend: watches continue on it from the revision after the last one
 * they delivered (the stores share their revisions and history, so nothing is missed or repeated), then held
 * requests go to it.</li>
 * </ul>
 * A request held longer than {@code hold} fails with etcd's retryable UNAVAILABLE ("server stopped") and is never
 * carried out later.
 */
final class SwappableDatastore implements Datastore {
    private final Duration hold;
    private final Object lock = new Object();
    private final Set<SwappableWatch> watches = ConcurrentHashMap.newKeySet();

    // guarded by lock
    private Datastore backend;
    private boolean serving;
    private boolean closed;
    private int inFlight;
    private CompletableFuture<Void> drained;
    /** Completes with the backend when serving (again); held requests wait on it. */
    private CompletableFuture<Datastore> arrival = new CompletableFuture<>();
    /** Counts releases: a watch never attaches to a backend of an earlier epoch than its last detach. */
    private long epoch;
    /** What the last backend said, for callers while none serves. */
    private volatile String lastType = "";
    private volatile long lastRevision = 1;
    private volatile ClusterState lastCluster;
    private volatile StoreStatus lastStatus;

    SwappableDatastore(Duration hold) {
        this.hold = hold;
    }

    /** Stops handing requests to the backend; the future completes once the requests it has are finished. */
    CompletableFuture<Void> pause() {
        synchronized (lock) {
            serving = false;
            if (arrival.isDone()) {
                arrival = new CompletableFuture<>();
            }
            drained = new CompletableFuture<>();
            if (inFlight == 0) {
                drained.complete(null);
            }
            return drained;
        }
    }

    /**
     * Detaches every watch from the paused backend and forgets it; the caller closes it. Returns null when there was
     * none.
     */
    Datastore release() {
        Datastore paused = attached();
        if (paused != null) {
            // answers for callers while no backend serves (see cluster())
            try {
                ClusterState cluster = paused.cluster();
                StoreStatus status = paused.status();
                lastCluster = cluster;
                lastStatus = status;
            } catch (DatastoreException e) {
                // a backend that already stopped (Ratis closes a removed member's group itself) answers no more: the
                // answers from before stand, and the release goes on
            }
        }
        Datastore old;
        synchronized (lock) {
            old = backend;
            if (old == null) {
                return null;
            }
            serving = false;
            if (arrival.isDone()) {
                arrival = new CompletableFuture<>();
            }
            backend = null;
            epoch++;
        }
        // never call into a backend while holding the lock: its threads complete requests through finished()
        lastType = old.type();
        lastRevision = old.currentRevision();
        long now = epochNow();
        watches.forEach(w -> w.detach(now));
        return old;
    }

    /** Serves from {@code store}: watches continue on it, then the held requests go to it. */
    void resume(Datastore store) {
        long current;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the published datastore is closed");
            }
            backend = store;
            current = epoch;
        }
        lastType = store.type();
        lastRevision = store.currentRevision();
        // a watch created meanwhile attaches itself; attaching twice to one store is a no-op
        watches.forEach(w -> w.attach(store, current));
        CompletableFuture<Datastore> waiting;
        synchronized (lock) {
            if (backend != store) {
                return; // released again meanwhile
            }
            serving = true;
            waiting = arrival;
        }
        waiting.complete(store);
    }

    /** The backend type now serving, or the last one while none does. */
    @Override
    public String type() {
        Datastore b = attached();
        return b != null ? b.type() : lastType;
    }

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request) {
        return call(b -> b.range(request));
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        return call(b -> b.put(request));
    }

    @Override
    public CompletableFuture<DeleteResult> delete(DeleteRequest request) {
        return call(b -> b.delete(request));
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        return call(b -> b.txn(request));
    }

    @Override
    public CompletableFuture<Long> compact(long revision, boolean physical) {
        return call(b -> b.compact(revision, physical));
    }

    @Override
    public CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds) {
        return call(b -> b.leaseGrant(id, ttlSeconds));
    }

    @Override
    public CompletableFuture<Long> leaseRevoke(long id) {
        return call(b -> b.leaseRevoke(id));
    }

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return call(b -> b.leaseKeepAlive(id));
    }

    @Override
    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        return call(b -> b.leaseTimeToLive(id, withKeys));
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return call(Datastore::leases);
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return call(Datastore::defragment);
    }

    @Override
    public CompletableFuture<HashResult> hashKV(long revision) {
        return call(b -> b.hashKV(revision));
    }

    @Override
    public CompletableFuture<Long> snapshot(OutputStream out) {
        return call(b -> b.snapshot(out));
    }

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        // an explicit start, fixed before the watch is visible to a resume: after a swap it goes on from exactly
        // where it began (a watch "from now" that started as 0 would skip what the swap held back)
        Datastore now = attached();
        long start = request.startRevision() > 0 ? request.startRevision()
                : (now != null ? now.currentRevision() : lastRevision) + 1;
        SwappableWatch w = new SwappableWatch(request, start, listener, watches::remove);
        Datastore b;
        long current;
        synchronized (lock) {
            if (closed) {
                listener.onCancelled(0, StoreError.STOPPED.message());
                return w;
            }
            watches.add(w);
            b = backend;
            current = epoch;
        }
        if (b != null) {
            w.attach(b, current);
        }
        return w;
    }

    @Override
    public long currentRevision() {
        Datastore b = attached();
        return b != null ? b.currentRevision() : lastRevision;
    }

    /**
     * While no backend serves, the last backend's answer: a watch delivering its last events of the old backend asks
     * for the header's cluster state while the swap waits for that delivery to end, so waiting here would stall both.
     */
    @Override
    public StoreStatus status() {
        Datastore b = attached();
        if (b == null && lastStatus != null) {
            return lastStatus;
        }
        StoreStatus answer = (b != null ? b : current()).status();
        lastStatus = answer;
        return answer;
    }

    /** As {@link #status()}: the last backend's cluster state while none serves. */
    @Override
    public ClusterState cluster() {
        Datastore b = attached();
        if (b == null && lastCluster != null) {
            return lastCluster;
        }
        ClusterState answer = (b != null ? b : current()).cluster();
        lastCluster = answer;
        return answer;
    }

    @Override
    public Optional<ClusterMembership> membership() {
        return current().membership();
    }

    @Override
    public StoreMetrics metrics() {
        Datastore b = attached();
        return b == null ? StoreMetrics.NONE : b.metrics();
    }

    @Override
    public CompletableFuture<ProbeResult> ready(Duration deadline) {
        Datastore b = servingBackend();
        return b == null ? CompletableFuture.completedFuture(ProbeResult.failed(switching()))
                : b.ready(deadline);
    }

    @Override
    public CompletableFuture<ProbeResult> live(Duration deadline) {
        Datastore b = servingBackend();
        return b == null ? CompletableFuture.completedFuture(ProbeResult.failed(switching()))
                : b.live(deadline);
    }

    @Override
    public List<Alarm> alarms() {
        return current().alarms();
    }

    @Override
    public void disarm(Alarm.Type type) {
        current().disarm(type);
    }

    /**
     * Stops serving for good: held requests fail with STOPPED and every watch is cancelled. The backend, if any, is
     * the caller's to close (after {@link #release()}).
     */
    @Override
    public void close() {
        CompletableFuture<Datastore> waiting;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            serving = false;
            waiting = arrival;
        }
        waiting.completeExceptionally(StoreError.STOPPED.exception());
        for (SwappableWatch w : List.copyOf(watches)) {
            w.cancel(StoreError.STOPPED.message());
        }
    }

    private <T> CompletableFuture<T> call(Function<Datastore, CompletableFuture<T>> op) {
        CompletableFuture<Datastore> waiting;
        Datastore b;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
            }
            b = serving ? backend : null;
            if (b != null) {
                inFlight++;
            }
            waiting = arrival;
        }
        return b != null ? run(b, op) : held(waiting, op);
    }

    private <T> CompletableFuture<T> run(Datastore b, Function<Datastore, CompletableFuture<T>> op) {
        CompletableFuture<T> f;
        try {
            f = op.apply(b);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((v, e) -> finished());
    }

    /** Waits for a backend for at most {@code hold}; a request that timed out is never carried out later. */
    private <T> CompletableFuture<T> held(CompletableFuture<Datastore> waiting,
            Function<Datastore, CompletableFuture<T>> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicBoolean claimed = new AtomicBoolean();
        waiting.whenComplete((b, error) -> {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            if (error != null) {
                result.completeExceptionally(DatastoreException.of(error));
                return;
            }
            // through call() again: the backend may already be paused for the next swap
            call(op).whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            });
        });
        CompletableFuture.delayedExecutor(hold.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (claimed.compareAndSet(false, true)) {
                result.completeExceptionally(StoreError.STOPPED.exception());
            }
        });
        return result;
    }

    private void finished() {
        synchronized (lock) {
            inFlight--;
            if (inFlight == 0 && drained != null) {
                drained.complete(null);
            }
        }
    }

    private long epochNow() {
        synchronized (lock) {
            return epoch;
        }
    }

    private Datastore attached() {
        synchronized (lock) {
            return backend;
        }
    }

    private Datastore servingBackend() {
        synchronized (lock) {
            return serving ? backend : null;
        }
    }

    /** The backend for a synchronous call: the current one, or the next one within {@code hold}. */
    private Datastore current() {
        CompletableFuture<Datastore> waiting;
        synchronized (lock) {
            if (backend != null) {
                return backend;
            }
            if (closed) {
                throw StoreError.STOPPED.exception();
            }
            waiting = arrival;
        }
        try {
            return waiting.get(hold.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreError.STOPPED.exception();
        } catch (ExecutionException | TimeoutException e) {
            throw StoreError.STOPPED.exception();
        }
    }

    private String switching() {
        return "the datastore is being switched (a live conversion, or its backend bundle is stopped or updated);"
                + " last backend " + type() + " at revision " + currentRevision();
    }
}
