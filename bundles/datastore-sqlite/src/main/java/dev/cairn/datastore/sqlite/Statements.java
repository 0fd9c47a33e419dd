package dev.cairn.datastore.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * One SQLite connection with its prepared statements, compiled once and reused: statement preparation costs more
 * than most of the queries the store runs. Confined to one thread at a time.
 */
final class Statements implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> cache = new HashMap<>();

    Statements(Connection connection) {
        this.connection = connection;
    }

    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = cache.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            cache.put(sql, ps);
        }
        return ps;
    }

    /** Runs a statement without parameters (BEGIN, COMMIT, PRAGMA ...). */
    void exec(String sql) throws SQLException {
        get(sql).execute();
    }

    /** Runs a statement that is not worth caching (DDL, one-off maintenance). */
    void execOnce(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** A single long from a query without parameters ({@code PRAGMA page_count} and the like). */
    long queryLong(String sql) throws SQLException {
        return firstLong(get(sql));
    }

    /** The first column of the first row (0 when there is none), leaving the statement finished. */
    static long firstLong(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            long v = rs.next() ? rs.getLong(1) : 0;
            finish(rs);
            return v;
        }
    }

    /**
     * Steps a result to its end. Closing a sqlite-jdbc ResultSet does not reset its cached statement, and a
     * statement left mid-way keeps its read snapshot pinned (the WAL cannot be checkpointed past it) and makes
     * VACUUM fail; so every query is read to the end.
     */
    static void finish(ResultSet rs) throws SQLException {
        while (rs.next()) {
            // drain
        }
    }

    Connection connection() {
        return connection;
    }

    /** Ends the current transaction; errors are ignored because it is only used after a failure. */
    void rollbackQuietly() {
        try {
            exec("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was open (SQLite rolls back by itself after some errors)
        }
    }

    /**
     * Closes the cached statements; they are prepared again on next use. VACUUM needs this: sqlite-jdbc leaves a
     * prepared statement that ran an update "in progress" until it is closed, and VACUUM refuses to run then.
     */
    void closeCached() {
        for (PreparedStatement ps : cache.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        cache.clear();
    }

    @Override
    public void close() {
        closeCached();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
