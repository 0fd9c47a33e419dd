package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction. {@code compact(rev)} records the compact revision at once (reads below it fail from then on); the
 * superseded versions and tombstones at or below it are then deleted in batches of {@value #BATCH} log rows, each
 * a task of the writer, so client writes interleave and are never stalled for long.
 *
 * <p>The deletion walks the log in id order from a cursor kept in the meta row: each row at or below the compact
 * revision deletes the version it superseded, and a tombstone deletes itself. That costs O(history since the last
 * compaction), never a scan of the whole table.
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    static final int BATCH = 1000;

    private record Waiter(long revision, CompletableFuture<Long> future) {
    }

    private final Statements db;
    private final StoreState state;
    private final WatchHub hub;
    private WriteBatcher writer;
    /** The recorded compact revision and the deletion cursor, as the writer's transaction sees them. */
    private volatile long target;
    private long cursor;
    /** Every superseded version at or below this revision is gone. */
    private volatile long deletedThrough;
    private final List<Waiter> waiters = new ArrayList<>();
    private boolean scheduled;
    /** Progress of the current deletion run, for its log line (writer thread only). */
    private long runStartNanos;
    private long runDeleted;

    Compactor(Statements db, StoreState state, WatchHub hub) {
        this.db = db;
        this.state = state;
        this.hub = hub;
    }

    void start(WriteBatcher batcher) {
        this.writer = batcher;
        schedule();
    }

    /** On the writer thread: at open and after a failed commit. */
    void load(Meta meta) {
        target = meta.compactRevision();
        cursor = meta.compactCursor();
        deletedThrough = 0;
        runStartNanos = 0;
        runDeleted = 0;
    }

    CompletableFuture<Long> compact(long revision, boolean physical) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        writer.submit(WriteTask.of(scope -> record(revision, scope, physical ? done : null)))
                .whenComplete((rev, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else if (!physical) {
                        done.complete(rev);
                    }
                });
        return done;
    }

    /**
     * Records the compact revision inside the caller's write (on the writer thread); the deletion follows in
     * batches. {@code deleted}, when given, completes once every version it removes is gone.
     *
     * @return the revision the compaction was recorded at
     */
    long record(long revision, RevisionScope scope, CompletableFuture<Long> deleted) throws SQLException {
        if (revision <= target) {
            throw StoreError.COMPACTED.exception();
        }
        if (revision > scope.base()) {
            throw StoreError.FUTURE_REVISION.exception();
        }
        target = revision;
        Meta.writeCompaction(db, target, cursor);
        scope.markChanged();
        scope.afterCommit(() -> {
            state.compactRevision = revision;
            hub.compacted(revision);
            LOG.info("compaction recorded revision={}", revision);
            if (deleted != null) {
                addWaiter(revision, deleted);
            }
            schedule();
        });
        return scope.base();
    }

    private synchronized void addWaiter(long revision, CompletableFuture<Long> future) {
        waiters.add(new Waiter(revision, future));
    }

    /** Completes once every version a compaction at {@code revision} removes is deleted from this store. */
    CompletableFuture<Long> whenDeleted(long revision) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        synchronized (this) {
            if (deletedThrough >= revision) {
                done.complete(state.revision);
                return done;
            }
            addWaiter(revision, done);
        }
        schedule();
        return done;
    }

    private synchronized void schedule() {
        if (scheduled || writer.isClosing()) {
            return;
        }
        scheduled = true;
        writer.submit(WriteTask.of(scope -> deleteBatch())).whenComplete((finished, failure) -> {
            synchronized (this) {
                scheduled = false;
                if (failure != null) {
                    finishWaiters(failure);
                } else {
                    if (Boolean.TRUE.equals(finished)) {
                        finishWaiters(null);
                    }
                    if (!Boolean.TRUE.equals(finished) || deletedThrough < target) {
                        schedule();
                    }
                }
            }
        });
    }

    /** One batch on the writer thread; true when everything up to the compact revision is deleted. */
    private boolean deleteBatch() throws SQLException {
        long until = target;
        if (runStartNanos == 0) {
            runStartNanos = System.nanoTime();
        }
        List<long[]> rows = new ArrayList<>(BATCH);
        List<byte[]> keys = new ArrayList<>(BATCH);
        PreparedStatement next = db.get("SELECT id, revision, sub, tombstone, key FROM log WHERE id > ?"
                + " ORDER BY id LIMIT " + BATCH);
        next.setLong(1, cursor);
        boolean finished = false;
        try (ResultSet rs = next.executeQuery()) {
            int n = 0;
            while (rs.next()) {
                n++;
                if (finished || rs.getLong(2) > until) {
                    finished = true;
                    continue;
                }
                rows.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                keys.add(rs.getBytes(5));
            }
            finished |= n < BATCH;
        }
        if (rows.isEmpty()) {
            finishRun(until);
            return true;
        }
        PreparedStatement superseded = db.get("DELETE FROM log WHERE id = (SELECT id FROM log WHERE key = ?"
                + " AND (revision < ? OR (revision = ? AND sub < ?)) ORDER BY revision DESC, sub DESC LIMIT 1)");
        PreparedStatement tombstone = db.get("DELETE FROM log WHERE id = ?");
        for (int i = 0; i < rows.size(); i++) {
            long[] row = rows.get(i);
            superseded.setBytes(1, keys.get(i));
            superseded.setLong(2, row[1]);
            superseded.setLong(3, row[1]);
            superseded.setLong(4, row[2]);
            runDeleted += superseded.executeUpdate();
            if (row[3] != 0) {
                tombstone.setLong(1, row[0]);
                runDeleted += tombstone.executeUpdate();
            }
        }
        cursor = rows.get(rows.size() - 1)[0];
        Meta.writeCompaction(db, target, cursor);
        if (finished) {
            finishRun(until);
        }
        return finished;
    }

    private void finishRun(long until) {
        deletedThrough = until;
        if (runDeleted > 0) {
            long tookMs = Math.max(1, (System.nanoTime() - runStartNanos) / 1_000_000);
            LOG.info("compaction finished revision={} rowsDeleted={} tookMs={} rowsPerSecond={}", until, runDeleted,
                    tookMs, runDeleted * 1000 / tookMs);
        }
        runStartNanos = 0;
        runDeleted = 0;
    }

    private void finishWaiters(Throwable failure) {
        long current = state.revision;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            if (failure != null) {
                w.future.completeExceptionally(failure);
                it.remove();
            } else if (w.revision <= deletedThrough) {
                w.future.complete(current);
                it.remove();
            }
        }
    }

    /** Fails what still waits for a physical compaction (the store is closing; the rest resumes at next open). */
    synchronized void close() {
        for (Waiter w : waiters) {
            w.future.completeExceptionally(new DatastoreException(StoreError.STOPPED));
        }
        waiters.clear();
    }
}
