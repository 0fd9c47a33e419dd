package dev.cairn.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on the store's channel and wakes the {@link WatchHub} when any server (this one included) committed new
 * revisions, so that watches see other servers' writes without waiting for the next periodic poll. It keeps a
 * connection of its own and reconnects after a failure; a notification lost meanwhile only delays events until the
 * next poll.
 */
final class ChangeListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private static final int WAIT_MS = 500;
    private static final long RETRY_MS = 1000;

    private final ConnectionPool pool;
    private final Tables t;
    private final Runnable wake;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    ChangeListener(ConnectionPool pool, Tables t, Runnable wake) {
        this.pool = pool;
        this.t = t;
        this.wake = wake;
        this.thread = new Thread(this::run, "cairn-postgres-listener");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            try {
                Connection c = connection;
                if (c == null) {
                    c = pool.open();
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN \"" + t.channel() + "\"");
                    }
                    connection = c;
                    if (failures > 0) {
                        LOG.info("notification listener reconnected endpoint={}", pool.endpoint().redacted());
                        // what was notified while it was away: the poller reads it now
                        wake.run();
                    }
                    failures = 0;
                }
                PGNotification[] notifications = c.unwrap(PGConnection.class).getNotifications(WAIT_MS);
                if (notifications != null && notifications.length > 0) {
                    wake.run();
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                if (failures++ % 30 == 0) {
                    LOG.warn("notification listener failed endpoint={} failures={} error=\"{}\"; watches rely on"
                            + " polling meanwhile", pool.endpoint().redacted(), failures, e.getMessage());
                }
                ConnectionPool.closeQuietly(connection);
                connection = null;
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        ConnectionPool.closeQuietly(connection);
        connection = null;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(WAIT_MS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ConnectionPool.closeQuietly(connection);
    }
}
