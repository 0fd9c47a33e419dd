package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of this server: requests queue up and are applied in batches, one PostgreSQL transaction per
 * batch, each request in it with its own revision (group commit: one WAL flush on the server for the whole batch).
 *
 * <p><b>Revisions across servers.</b> A batch first locks the {@code cairn_meta} row ({@code SELECT ... FOR
 * UPDATE}) and only then reads the revision it continues from; it writes the new revision into that row and commits.
 * Writers on every server sharing the database therefore take turns: revision n+1 cannot be allocated before the
 * transaction holding revision n has committed, and PostgreSQL releases the row lock only after the commit is
 * visible. A reader that sees revision n+1 thus sees every revision before it, and a watch poller never has to wait
 * for a revision that commits late (the gap a sequence-allocated id would leave).
 *
 * <p>A request that is refused (its {@link DatastoreException}) is undone alone (see {@link #apply}), so it costs the
 * others nothing; a database failure fails the whole batch with an error naming the endpoint. A future completes
 * only after the commit returned, i.e. once PostgreSQL made the transaction durable.
 */
final class WriteBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBatcher.class);
    private static final int MAX_BATCH = 256;

    /** A request to apply inside the batch's transaction. */
    @FunctionalInterface
    interface Task<T> {
        T apply(StoreView view) throws SQLException;
    }

    private record Pending<T>(Task<T> task, CompletableFuture<T> future) {
        void succeed(Object result) {
            @SuppressWarnings("unchecked")
            T value = (T) result;
            future.complete(value);
        }
    }

    private static final Pending<Void> STOP = new Pending<>(v -> null, new CompletableFuture<>());

    private final ConnectionPool pool;
    private final Tables t;
    private final StoreState state;
    private final Executor completer;
    private final Runnable committed;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Connection connection;
    private boolean closed;

    /**
     * @param completer runs the completions, so that callers' continuations never hold up the writer
     * @param committed called after each commit that wrote something (wakes this server's watches)
     */
    WriteBatcher(ConnectionPool pool, Tables t, StoreState state, Executor completer, Runnable committed) {
        this.pool = pool;
        this.t = t;
        this.state = state;
        this.completer = completer;
        this.committed = committed;
        this.thread = new Thread(this::run, "cairn-postgres-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a request; refused with STOPPED once the writer is closing. */
    <T> CompletableFuture<T> submit(Task<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
            }
            queue.add(new Pending<>(task, future));
        }
        return future;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            if (batch.remove(STOP)) {
                stopping = true;
            }
            if (!batch.isEmpty()) {
                apply(List.copyOf(batch)); // completions run later, on the completer
            }
            batch.clear();
        }
        // nothing queues after STOP (submit refuses once closed): whatever is left was never started
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            p.future().completeExceptionally(StoreError.STOPPED.exception());
        }
        ConnectionPool.closeQuietly(connection);
        connection = null;
    }

    /** What one pass over a batch did, in its (not yet committed) transaction. */
    private record Pass(long before, long revision, Object[] results, DatastoreException[] refusals,
            boolean aborted) {
    }

    /**
     * Applies a batch in one transaction. Refusals are rare, so the first pass runs the requests back to back; only
     * if one is refused is the pass rolled back and the batch run again with each request in a savepoint of its own
     * (two more round trips per request), so that the refused one is undone alone. The second pass decides afresh:
     * nothing of the first was committed.
     */
    private void apply(List<Pending<?>> batch) {
        boolean committing = false;
        Connection c = null;
        try {
            c = connection();
            long before;
            try {
                before = lockRevision(c);
            } catch (SQLException e) {
                if (!PostgresErrors.brokenConnection(e)) {
                    throw e;
                }
                // the connection died while idle (the database restarted): nothing of this batch was sent yet
                ConnectionPool.closeQuietly(c);
                connection = null;
                c = connection();
                before = lockRevision(c);
            }
            Pass pass = run(c, batch, before, false);
            if (pass.aborted() && batch.size() > 1) {
                c.rollback();
                pass = run(c, batch, lockRevision(c), true);
            }
            if (pass.revision() != pass.before()) {
                // the new revision, and a notification on which other servers' watch pollers wake (delivered once
                // the commit is visible)
                try (PreparedStatement s = c.prepareStatement("UPDATE " + t.meta() + " SET revision = ? WHERE id = 1"
                        + " RETURNING pg_notify(?, ?)")) {
                    s.setLong(1, pass.revision());
                    s.setString(2, t.channel());
                    s.setString(3, Long.toString(pass.revision()));
                    s.execute();
                }
            }
            committing = true;
            if (pass.aborted()) {
                c.rollback(); // a single request, refused
            } else {
                c.commit();
            }
            state.sawRevision(pass.revision());
            complete(batch, pass.results(), pass.refusals());
            if (pass.revision() != pass.before()) {
                committed.run();
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            if (c != null && (!(e instanceof SQLException s) || PostgresErrors.brokenConnection(s))
                    && !ConnectionPool.isUsable(c)) {
                ConnectionPool.closeQuietly(c);
                connection = null;
            }
            DatastoreException failure = e instanceof SQLException s
                    ? PostgresErrors.during(pool.endpoint(), committing ? "committing a write (it may or may not have"
                            + " been applied)" : "a write", s)
                    : new DatastoreException(StoreError.INTERNAL, "a write failed: " + e, e);
            LOG.warn("write batch failed requests={} endpoint={} error=\"{}\"", batch.size(),
                    pool.endpoint().redacted(), failure.getMessage());
            for (Pending<?> p : batch) {
                completer.execute(() -> p.future().completeExceptionally(failure));
            }
        }
    }

    /**
     * One pass, holding the write lock taken at revision {@code before}: runs each request at the next revision.
     * Without savepoints the first refusal ends the pass ({@code aborted}); with them a refused request is rolled
     * back alone.
     */
    private Pass run(Connection c, List<Pending<?>> batch, long before, boolean savepoints) throws SQLException {
        Object[] results = new Object[batch.size()];
        DatastoreException[] refusals = new DatastoreException[batch.size()];
        long compact = compactRevision(c);
        long revision = before;
        for (int i = 0; i < batch.size(); i++) {
            Savepoint savepoint = savepoints ? c.setSavepoint() : null;
            StoreView view = new StoreView(c, revision, compact, true);
            try {
                results[i] = batch.get(i).task().apply(view);
                if (savepoint != null) {
                    c.releaseSavepoint(savepoint);
                }
                if (view.changed()) {
                    revision++;
                }
            } catch (DatastoreException e) {
                refusals[i] = e;
                if (savepoint == null) {
                    return new Pass(before, before, results, refusals, true);
                }
                c.rollback(savepoint);
            }
        }
        return new Pass(before, revision, results, refusals, false);
    }

    private void complete(List<Pending<?>> batch, Object[] results, DatastoreException[] refusals) {
        completer.execute(() -> {
            for (int i = 0; i < batch.size(); i++) {
                if (refusals[i] != null) {
                    batch.get(i).future().completeExceptionally(refusals[i]);
                } else {
                    batch.get(i).succeed(results[i]);
                }
            }
        });
    }

    /** Takes the store's write lock: the revision row, held until this transaction ends. */
    private long lockRevision(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT revision FROM " + t.meta() + " WHERE id = 1 FOR UPDATE");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Read after the lock, in a statement of its own, so it is at least as new as the lock. */
    private long compactRevision(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT revision FROM " + t.compaction() + " WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null) {
            c = pool.open();
            c.setAutoCommit(false);
            connection = c;
        }
        return c;
    }

    private static void rollbackQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone: so is the transaction
        }
    }

    /** Finishes the queued requests, then stops; later submissions are refused with STOPPED. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // stuck in the database: closing the connection makes the driver give up
            LOG.warn("writer did not finish within 15 s endpoint={}; closing its connection",
                    pool.endpoint().redacted());
            ConnectionPool.closeQuietly(connection);
            thread.interrupt();
        }
    }
}
