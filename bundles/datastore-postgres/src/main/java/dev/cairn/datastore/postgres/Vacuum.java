package dev.cairn.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL's VACUUM, which must run outside a transaction (autocommit). */
final class Vacuum {
    private final Tables t;

    Vacuum(Tables t) {
        this.t = t;
    }

    /** After a physical compaction: the deleted rows' space becomes reusable; reads and writes go on meanwhile. */
    void afterCompaction(Connection c) throws SQLException {
        exec(c, "VACUUM " + t.log());
    }

    /**
     * etcd's defragment: rewrites every table compactly and returns the free space to the operating system. Each
     * table is locked while it is rewritten (requests wait, on every server sharing the store, then go on).
     */
    void full(Connection c) throws SQLException {
        exec(c, "VACUUM (FULL) " + String.join(", ", t.log(), t.current(), t.lease(), t.meta(), t.compaction(),
                t.alarm()));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
