package dev.cairn.datastore.postgres;

import java.sql.Connection;

/**
 * The store as one request sees it inside a transaction: its connection, the revision before the request, and
 * whether it has written yet. All writes of a request share the revision after {@link #base()}; each event takes
 * the next position ({@code sub}) within it, so a txn's events keep the order of its ops.
 */
final class StoreView {
    private final Connection connection;
    private final long base;
    private final long compactRevision;
    private final boolean writable;
    private int sub;

    /**
     * @param base            the store revision before this request
     * @param compactRevision the compact revision as the transaction read it
     * @param writable        false for a reader's snapshot, where a historical read needs no re-check
     */
    StoreView(Connection connection, long base, long compactRevision, boolean writable) {
        this.connection = connection;
        this.base = base;
        this.compactRevision = compactRevision;
        this.writable = writable;
    }

    Connection connection() {
        return connection;
    }

    long compactRevision() {
        return compactRevision;
    }

    /**
     * True in the writer's read-committed transaction: each statement sees the newest commits, so a compaction
     * committed after {@link #compactRevision()} was read may have removed history a later statement reads.
     */
    boolean writable() {
        return writable;
    }

    /** The revision this request's writes get. */
    long writeRevision() {
        return base + 1;
    }

    /** The revision the store is at for this request so far: one more once it has written. */
    long view() {
        return sub > 0 ? base + 1 : base;
    }

    boolean changed() {
        return sub > 0;
    }

    /** The position of the next event within {@link #writeRevision()}. */
    int nextSub() {
        return sub++;
    }
}
