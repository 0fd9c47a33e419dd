package dev.cairn.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small pool of connections to one PostgreSQL database, for reads, lease calls and maintenance; the writer and the
 * notification listener open connections of their own. At most {@code size} connections are in use at once; idle
 * ones are kept per kind (set up for reads or for writes), up to {@code size} of each. Connections come from the
 * driver directly (not from {@code DriverManager}, whose class-loader lookups do not work across OSGi bundles). A
 * connection whose work failed and that no longer answers is closed instead of returned.
 */
final class ConnectionPool implements AutoCloseable {
    private static final long BORROW_TIMEOUT_SECONDS = 30;

    private final PostgresEndpoint endpoint;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final Semaphore permits;
    /** Idle connections set up for reads (repeatable read, read only) and for writes (read committed). */
    private final ConcurrentLinkedDeque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Connection> idleWriters = new ConcurrentLinkedDeque<>();
    private final int size;
    private volatile boolean closed;

    ConnectionPool(PostgresEndpoint endpoint, int size) {
        this.endpoint = endpoint;
        this.size = size;
        this.permits = new Semaphore(size, true);
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
            return inTransaction(true, work);
        } catch (SQLException e) {
            if (!PostgresErrors.brokenConnection(e)) {
                throw e;
            }
            // an idle connection the database dropped (a restart), and so are the other idle ones: a read can
            // simply be tried again, on a new connection
            drain();
            return inTransaction(true, work);
        }
    }

    /** Runs {@code work} in a read-committed transaction and commits it. */
    <T> T write(SqlWork<T> work) throws SQLException {
        return inTransaction(false, work);
    }

    /** Runs {@code work} outside a transaction, as {@code VACUUM} needs. */
    <T> T autocommit(SqlWork<T> work) throws SQLException {
        Connection c = borrow(false);
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
            giveBack(c, false, healthy);
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

    private <T> T inTransaction(boolean reader, SqlWork<T> work) throws SQLException {
        Connection c = borrow(reader);
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
            giveBack(c, reader, healthy);
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

    private Connection borrow(boolean reader) throws SQLException {
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
        Connection c = (reader ? idleReaders : idleWriters).pollFirst();
        if (c != null) {
            return c;
        }
        try {
            c = open();
            c.setAutoCommit(false);
            if (reader) {
                // set once per connection: each transaction then begins as "BEGIN READ ONLY" in one snapshot,
                // without a statement of its own
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private void giveBack(Connection c, boolean reader, boolean healthy) {
        if (healthy && !closed) {
            (reader ? idleReaders : idleWriters).addFirst(c);
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
        for (ConcurrentLinkedDeque<Connection> idle : List.of(idleReaders, idleWriters)) {
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                closeQuietly(c);
            }
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
