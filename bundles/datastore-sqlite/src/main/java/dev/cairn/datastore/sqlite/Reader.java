package dev.cairn.datastore.sqlite;

import java.sql.SQLException;

/**
 * One read connection. Each read runs in its own transaction, so everything it reads (the meta row included)
 * comes from one committed snapshot: the revision it reports always matches the data.
 */
final class Reader implements AutoCloseable {
    final Statements db;
    final RangeReader ranges;
    final TxnExecutor txns;
    final HistoryReader history;
    /** The snapshot's revision and compact revision, valid between {@link #begin()} and {@link #end()}. */
    long revision;
    long compactRevision;

    Reader(Statements db) {
        this.db = db;
        this.ranges = new RangeReader(db);
        this.txns = new TxnExecutor(ranges, null);
        this.history = new HistoryReader(db);
    }

    void begin() throws SQLException {
        db.exec("BEGIN");
        long[] revisions = Meta.revisions(db);
        revision = revisions[0];
        compactRevision = revisions[1];
    }

    void end() {
        try {
            db.exec("COMMIT");
        } catch (SQLException e) {
            db.rollbackQuietly();
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
