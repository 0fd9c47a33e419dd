package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.StoreError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Defragment, HashKV and snapshots: the long-running maintenance calls, kept off the request threads. */
final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final DatabaseFile file;
    private final WriteBatcher writer;
    private final ReaderPool readers;
    private final ExecutorService executor;

    Maintenance(DatabaseFile file, WriteBatcher writer, ReaderPool readers, ExecutorService executor) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
        this.executor = executor;
    }

    /**
     * VACUUM through the writer, so that no write interleaves; reads go on from their snapshots. The checkpoint
     * afterwards is passive: it never waits for readers.
     */
    CompletableFuture<Void> defragment() {
        return writer.submit(WriteTask.exclusive(db -> {
            long start = System.nanoTime();
            long before = db.queryLong("PRAGMA page_count") * db.queryLong("PRAGMA page_size");
            db.closeCached();
            db.execOnce("VACUUM");
            db.execOnce("PRAGMA wal_checkpoint(PASSIVE)");
            long after = db.queryLong("PRAGMA page_count") * db.queryLong("PRAGMA page_size");
            LOG.info("defragmented file={} before={} after={} tookMs={}", file.path(), before, after,
                    (System.nanoTime() - start) / 1_000_000);
            return null;
        }));
    }

    CompletableFuture<HashResult> hashKV(long revision) {
        return CompletableFuture.supplyAsync(() -> readers.read(r -> {
            long at = revision <= 0 ? r.revision : revision;
            RangeReader.checkRevision(at, r.revision, r.compactRevision);
            return new HashResult(r.history.hash(at, r.compactRevision), r.compactRevision, at);
        }), executor);
    }

    /**
     * A consistent copy of the database at {@code target} (one read snapshot, writers keep going), for a Raft
     * snapshot; returns the copy's meta row.
     */
    Meta copyTo(Path target) throws SQLException {
        try (Statements source = file.openReader()) {
            source.execOnce("VACUUM INTO '" + target.toString().replace("'", "''") + "'");
        }
        try (Statements copied = DatabaseFile.openReadOnly(target)) {
            return Meta.read(copied);
        }
    }

    /**
     * Copies the database with {@code VACUUM INTO} (one consistent read snapshot, writers keep going) to a
     * temporary file beside it, streams that to {@code out} and deletes it. Returns the copy's revision.
     */
    CompletableFuture<Long> snapshot(OutputStream out) {
        return CompletableFuture.supplyAsync(() -> {
            Path copy = file.directory().resolve(file.path().getFileName() + ".snapshot-" + System.nanoTime()
                    + ".tmp");
            try {
                try (Statements source = file.openReader()) {
                    source.execOnce("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
                }
                long revision;
                try (Statements copied = DatabaseFile.openReadOnly(copy)) {
                    revision = Meta.revisions(copied)[0];
                }
                long bytes = Files.copy(copy, out);
                out.flush();
                LOG.info("snapshot written file={} revision={} bytes={}", file.path(), revision, bytes);
                return revision;
            } catch (SQLException | IOException e) {
                throw new DatastoreException(StoreError.INTERNAL, "snapshot of " + file.path() + " failed: "
                        + e.getMessage(), e);
            } finally {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    LOG.warn("cannot delete snapshot copy file={} cause=\"{}\"", copy, e.getMessage());
                }
            }
        }, executor);
    }
}
