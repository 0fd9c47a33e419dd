package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A small pool of read connections, opened on demand up to a bound, so reads never queue behind the writer and
 * never share a connection between threads.
 */
final class ReaderPool implements AutoCloseable {

    @FunctionalInterface
    interface Read<T> {
        T apply(Reader reader) throws SQLException;
    }

    @FunctionalInterface
    interface Opener {
        Statements open() throws SQLException;
    }

    private final Opener opener;
    private final String file;
    private final int max;
    private final BlockingQueue<Reader> idle;
    private final List<Reader> all = new ArrayList<>();
    private boolean closed;

    ReaderPool(Opener opener, String file, int max) {
        this.opener = opener;
        this.file = file;
        this.max = max;
        this.idle = new ArrayBlockingQueue<>(max);
    }

    /** Runs {@code read} in one snapshot; SQLite failures become INTERNAL errors naming the file. */
    <T> T read(Read<T> read) {
        Reader reader = borrow();
        try {
            reader.begin();
            try {
                return read.apply(reader);
            } finally {
                reader.end();
            }
        } catch (SQLException e) {
            reader.db.rollbackQuietly();
            // sqlite-jdbc can leave a statement that failed unusable; prepare afresh next time
            reader.db.closeCached();
            throw new DatastoreException(StoreError.INTERNAL, "read from " + file + " failed: " + e.getMessage(), e);
        } finally {
            idle.offer(reader);
        }
    }

    private Reader borrow() {
        Reader r = idle.poll();
        if (r != null) {
            return r;
        }
        synchronized (this) {
            if (closed) {
                throw StoreError.STOPPED.exception();
            }
            if (all.size() < max) {
                try {
                    Reader fresh = new Reader(opener.open());
                    all.add(fresh);
                    return fresh;
                } catch (SQLException e) {
                    throw new DatastoreException(StoreError.INTERNAL, "cannot open a read connection to " + file
                            + ": " + e.getMessage(), e);
                }
            }
        }
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException(StoreError.INTERNAL, "interrupted while waiting for a read connection", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Reader r : all) {
            r.close();
        }
        all.clear();
        idle.clear();
    }
}
