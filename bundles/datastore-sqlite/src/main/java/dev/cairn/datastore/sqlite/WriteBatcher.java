package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.StoreError;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes (group commit). It drains the queued requests and applies them all in one SQLite
 * transaction (each still gets its own revision), commits once (one fsync for the whole batch), updates the
 * in-memory state, completes the futures and hands the events to the watch hub. A failed commit fails every
 * request of the batch and reloads the in-memory state from the database.
 *
 * <p>Futures complete in commit order. When nothing else is queued, the writer completes a batch itself; otherwise
 * the completer thread does, so that the callbacks of one batch (a Raft reply, the next proposal) run beside the
 * next batch's transaction instead of before it. The hand-off costs a thread wake-up (50-200 us on two busy cores)
 * that a lone client would pay on every write while nobody waits behind the writer. Callbacks chained on these
 * futures without an executor may therefore run on either thread, and must not wait for another write.
 *
 * <p>For a Raft replica a failed commit stops the writer instead: the entries after it must not be applied to a
 * store that lacks it, so every later task is refused and the replica is rebuilt from its log. Its commits are not
 * fsynced one by one (the Raft log is the durable record); a batch with a durable task is.
 */
final class WriteBatcher {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBatcher.class);
    private static final int MAX_BATCH = 1024;
    private static final WriteTask<Void> STOP = WriteTask.exclusive(db -> null);

    /** Hears about every commit that wrote something: how many requests it carried and how long it took. */
    interface Commits {
        Commits NONE = (requests, nanos) -> {
        };

        /** {@code nanos}: from just before the commit to its return, the fsync included (when there is one). */
        void committed(int requests, long nanos);
    }

    private final Statements db;
    private final StoreState state;
    private final String file;
    private final Duration fsyncDelay;
    private final BlockingQueue<WriteTask<?>> queue = new LinkedBlockingQueue<>();
    private final ExecutorService completer;
    private final WatchHub hub;
    private final Runnable afterCommit;
    private final Runnable reload;
    private final Thread thread;
    private final Commits observer;
    private final AtomicLong commits = new AtomicLong();
    /** Tasks the writer took from the queue and has not run yet (writer thread only). */
    private final ArrayDeque<WriteTask<?>> backlog = new ArrayDeque<>();
    /** Batches handed to the completer whose futures are not all completed yet (only the writer adds). */
    private final AtomicInteger completing = new AtomicInteger();
    private final boolean replica;
    private volatile boolean closing;
    /** Set once a replica's batch failed: nothing is applied after it. */
    private volatile DatastoreException failed;

    /**
     * @param afterCommit runs on the writer thread after each commit that changed something (the quota check)
     * @param reload      reloads the in-memory state from the database after a failed commit
     * @param replica     a Raft replica's writer: commits are not fsynced unless a task asks for it, and a failed
     *                    commit stops the writer instead of reloading
     */
    WriteBatcher(Statements db, StoreState state, String file, Duration fsyncDelay, ExecutorService completer,
            WatchHub hub, Runnable afterCommit, Runnable reload, boolean replica, Commits observer) {
        this.replica = replica;
        this.observer = observer;
        this.db = db;
        this.state = state;
        this.file = file;
        this.fsyncDelay = fsyncDelay;
        this.completer = completer;
        this.hub = hub;
        this.afterCommit = afterCommit;
        this.reload = reload;
        this.thread = new Thread(this::run, "cairn-sqlite-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    <T> CompletableFuture<T> submit(WriteTask<T> task) {
        if (closing) {
            task.future.completeExceptionally(StoreError.STOPPED.exception());
            return task.future;
        }
        if (failed != null) {
            task.future.completeExceptionally(failed);
            return task.future;
        }
        queue.add(task);
        return task.future;
    }

    /** Number of SQLite commits so far (tests check that concurrent writes share commits). */
    long commits() {
        return commits.get();
    }

    boolean isClosing() {
        return closing;
    }

    /** Finishes the queued requests, stops the thread and refuses what comes later with STOPPED. */
    void close() {
        closing = true;
        queue.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<WriteTask<?>> left = new ArrayList<>();
        queue.drainTo(left);
        for (WriteTask<?> t : left) {
            t.future.completeExceptionally(StoreError.STOPPED.exception());
        }
    }

    private void run() {
        while (true) {
            if (backlog.isEmpty()) {
                try {
                    backlog.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(backlog, MAX_BATCH);
            }
            WriteTask<?> head = backlog.peek();
            if (head == STOP) {
                backlog.poll();
                for (WriteTask<?> late : backlog) {
                    late.future.completeExceptionally(StoreError.STOPPED.exception());
                }
                return;
            }
            if (failed != null) {
                backlog.poll().future.completeExceptionally(failed);
                continue;
            }
            if (head.isExclusive()) {
                runExclusive(backlog.poll());
                continue;
            }
            List<WriteTask<?>> batch = new ArrayList<>(Math.min(backlog.size(), MAX_BATCH));
            while (!backlog.isEmpty() && !backlog.peek().isExclusive() && batch.size() < MAX_BATCH) {
                batch.add(backlog.poll());
            }
            runBatch(batch);
        }
    }

    private void runBatch(List<WriteTask<?>> batch) {
        long revision = state.revision;
        long applied = state.appliedIndex;
        List<Event> events = new ArrayList<>();
        List<RevisionScope> scopes = new ArrayList<>(batch.size());
        boolean changed;
        boolean recordEvents = hub.wantsEvents();
        boolean recordPrevValues = hub.wantsPrevKv();
        WriteTask<?> lastApplying = null;
        boolean durable = false;
        for (WriteTask<?> task : batch) {
            if (task.raftIndex > 0) {
                lastApplying = task;
            }
            durable |= task.durable && replica;
        }
        try {
            if (durable) {
                db.execOnce("PRAGMA synchronous = FULL");
            }
            db.exec("BEGIN IMMEDIATE");
            for (WriteTask<?> task : batch) {
                for (int part = 0; part < task.parts(); part++) {
                    RevisionScope scope = new RevisionScope(revision, state.compactRevision, recordEvents,
                            recordPrevValues);
                    try {
                        task.apply(part, scope);
                    } catch (DatastoreException refused) {
                        if (!task.refusable()) {
                            throw new IllegalStateException("part " + part + " of a task of " + task.parts()
                                    + " refused after earlier parts were applied", refused);
                        }
                        task.refusal = refused;
                        continue;
                    }
                    if (scope.bumped()) {
                        revision = scope.revision();
                        events.addAll(scope.events());
                    }
                    if (scope.changed()) {
                        applied++;
                    }
                    scopes.add(scope);
                }
            }
            changed = applied != state.appliedIndex;
            if (changed) {
                Meta.writeProgress(db, revision, applied);
            }
            if (lastApplying != null) {
                Meta.writeRaftPosition(db, lastApplying.raftTerm, lastApplying.raftIndex);
            }
            long commitStart = System.nanoTime();
            if (changed || durable) {
                delayFsync();
            }
            db.exec("COMMIT");
            if (changed) {
                commits.incrementAndGet();
            }
            if (changed || durable) {
                observe(batch.size(), System.nanoTime() - commitStart);
            }
        } catch (SQLException | RuntimeException | Error e) {
            // nothing of the batch is committed; an Error too must not leave futures hanging or kill the thread
            failBatch(batch, e);
            return;
        } finally {
            if (durable) {
                relaxSync();
            }
        }
        state.appliedIndex = applied;
        state.revision = revision;
        if (lastApplying != null) {
            state.raftTerm = lastApplying.raftTerm;
            state.raftIndex = lastApplying.raftIndex;
        }
        for (RevisionScope scope : scopes) {
            for (Runnable action : scope.afterCommitActions()) {
                runQuietly(action);
            }
        }
        if (changed) {
            // events reach the hub before the replies leave, so a progress notification asked for after a reply
            // already covers that reply's revision
            long committed = revision;
            runQuietly(() -> hub.publish(events, committed, recordEvents, recordPrevValues));
            runQuietly(afterCommit);
        }
        complete(batch);
    }

    /**
     * Completes the futures of a committed (or refused) batch: here when no task waits (queued, or taken from the
     * queue but not run yet) and every earlier batch is completed (so the order holds), else on the completer.
     */
    private void complete(List<WriteTask<?>> batch) {
        if (backlog.isEmpty() && queue.isEmpty() && completing.get() == 0) {
            batch.forEach(WriteTask::complete);
            return;
        }
        completing.incrementAndGet();
        completer.execute(() -> {
            try {
                batch.forEach(WriteTask::complete);
            } finally {
                completing.decrementAndGet();
            }
        });
    }

    private void observe(int requests, long nanos) {
        try {
            observer.committed(requests, nanos);
        } catch (RuntimeException e) {
            LOG.warn("commit observer failed cause=\"{}\"", e.toString());
        }
    }

    private void runExclusive(WriteTask<?> task) {
        try {
            task.runExclusive(db);
        } catch (SQLException | RuntimeException | Error e) {
            db.rollbackQuietly();
            task.refusal = e instanceof DatastoreException d ? d : failure(e, 1);
            reloadQuietly();
        }
        complete(List.of(task));
    }

    /** Back to the replica's normal mode after a durable batch: the Raft log, not SQLite, is fsynced per write. */
    private void relaxSync() {
        try {
            db.execOnce("PRAGMA synchronous = NORMAL");
        } catch (SQLException e) {
            LOG.warn("cannot relax synchronous mode file={} cause=\"{}\"", file, e.getMessage());
        }
    }

    private void failBatch(List<WriteTask<?>> batch, Throwable cause) {
        db.rollbackQuietly();
        DatastoreException failure = failure(cause, batch.size());
        LOG.error("write failed file={} requests={} cause=\"{}\"", file, batch.size(), cause.getMessage());
        for (WriteTask<?> t : batch) {
            t.refusal = failure;
        }
        if (replica) {
            // a replica must not apply later entries on a store that lacks these; it is rebuilt from its log
            failed = new DatastoreException(StoreError.INTERNAL, "the replica store " + file + " stopped applying"
                    + " after a failed write: " + cause.getMessage() + "; restart the server to recover it from"
                    + " its Raft log", cause);
            complete(batch);
            return;
        }
        reloadQuietly();
        complete(batch);
    }

    private DatastoreException failure(Throwable cause, int requests) {
        return new DatastoreException(StoreError.INTERNAL, "write to " + file + " failed: " + cause.getMessage()
                + " (" + requests + " request(s) rolled back; data stored before is intact)", cause);
    }

    private void reloadQuietly() {
        // a statement that failed mid-way can be left unusable by sqlite-jdbc; start from fresh ones
        db.closeCached();
        try {
            reload.run();
        } catch (RuntimeException e) {
            LOG.error("reload after failed write failed file={} cause=\"{}\"", file, e.getMessage());
        }
    }

    private void delayFsync() {
        if (!fsyncDelay.isZero()) {
            try {
                Thread.sleep(fsyncDelay.toMillis(), (int) (fsyncDelay.toNanos() % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("after-commit step failed cause=\"{}\"", e.toString(), e);
        }
    }
}
