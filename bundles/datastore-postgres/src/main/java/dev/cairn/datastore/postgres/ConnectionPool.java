package dev.cairn.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small pool of connections to one PostgreSQL database, for reads, lease calls and maintenance; the writer and the
 * notification listener open connections of their own. Connections come from the driver directly (not from
 * {@code DriverManager}, whose class-loader lookups do not work across OSGi bundles). A connection whose work failed
 * and that no longer answers is closed instead of returned.
 */
final class ConnectionPool implements AutoCloseable {
    private static final long BORROW_TIMEOUT_SECONDS = 30;

    private final PostgresEndpoint endpoint;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final int size;
    private volatile boolean closed;

    ConnectionPool(PostgresEndpoint endpoint, int size) {
        this.endpoint = endpoint;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    int size() {
        return size;
    }

    PostgresEndpoint endpoint() {
        return endpoint;
    }

    /** A new connection of its own for the caller, in autocommit mode. */
    Connection open() throws SQLException {
        Connection c = driver.connect(endpoint.jdbcUrl(), endpoint.properties());
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + endpoint.jdbcUrl());
        }
        return c;
    }

    /**
     * Runs {@code work} in a repeatable-read, read-only transaction: every statement sees the same snapshot, so the
     * revision read first is the revision of everything read after it.
     */
    <T> T read(SqlWork<T> work) throws SQLException {
        try {
            return readOnce(work);
        } catch (SQLException e) {
            if (!PostgresErrors.brokenConnection(e)) {
                throw e;
            }
            // an idle connection the database dropped (a restart), and so are the other idle ones: a read can
            // simply be tried again, on a new connection
            drain();
            return readOnce(work);
        }
    }

    private <T> T readOnce(SqlWork<T> work) throws SQLException {
        return inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            return work.run(c);
        });
    }

    /** Runs {@code work} in a read-committed transaction and commits it. */
    <T> T write(SqlWork<T> work) throws SQLException {
        return inTransaction(work);
    }

    /** Runs {@code work} outside a transaction, as {@code VACUUM} needs. */
    <T> T autocommit(SqlWork<T> work) throws SQLException {
        Connection c = borrow();
        boolean healthy = false;
        try {
            c.setAutoCommit(true);
            T result = work.run(c);
            c.setAutoCommit(false);
            healthy = true;
            return result;
        } catch (SQLException | RuntimeException e) {
            healthy = isUsable(c) && leaveAutocommit(c);
            throw e;
        } finally {
            giveBack(c, healthy);
        }
    }

    private static boolean leaveAutocommit(Connection c) {
        try {
            c.setAutoCommit(false);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private <T> T inTransaction(SqlWork<T> work) throws SQLException {
        Connection c = borrow();
        boolean healthy = false;
        try {
            T result = work.run(c);
            c.commit();
            healthy = true;
            return result;
        } catch (SQLException | RuntimeException e) {
            healthy = rollback(c);
            throw e;
        } finally {
            giveBack(c, healthy);
        }
    }

    private static boolean rollback(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static boolean isUsable(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection borrow() throws SQLException {
        if (closed) {
            throw new SQLException("the connection pool to " + endpoint.redacted() + " is closed");
        }
        try {
            if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("no connection to " + endpoint.redacted() + " came free within "
                        + BORROW_TIMEOUT_SECONDS + " s (pool of " + size + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to " + endpoint.redacted(), e);
        }
        Connection c = idle.pollFirst();
        if (c != null) {
            return c;
        }
        try {
            c = open();
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private void giveBack(Connection c, boolean healthy) {
        if (healthy && !closed) {
            idle.addFirst(c);
        } else {
            closeQuietly(c);
        }
        permits.release();
        if (closed) {
            drain();
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            closeQuietly(c);
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // closing a broken connection: nothing left to release
        }
    }
}
