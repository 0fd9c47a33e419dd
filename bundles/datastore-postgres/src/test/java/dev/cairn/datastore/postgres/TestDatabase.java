package dev.cairn.datastore.postgres;

import dev.cairn.datastore.spi.BackendSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server the tests run against: {@code -Dcairn.postgres.url}, else {@code CAIRN_POSTGRES_URL}, else
 * the role and database {@code scripts/test-postgres} creates on the local server. Each test store gets a schema of
 * its own, dropped after the test.
 */
public final class TestDatabase {
    public static final String URL = url();

    private TestDatabase() {
    }

    private static String url() {
        String property = System.getProperty("cairn.postgres.url", "");
        if (!property.isBlank()) {
            return property.trim();
        }
        String env = System.getenv("CAIRN_POSTGRES_URL");
        return env == null || env.isBlank() ? "postgres://cairn:cairn@127.0.0.1:5432/cairn_test" : env.trim();
    }

    /** A fresh schema name, unique enough for concurrent runs. */
    public static String freshSchema(String prefix) {
        return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** {@link #URL} with its store in {@code schema}. */
    public static String endpoint(String schema) {
        return URL + (URL.contains("?") ? "&" : "?") + "schema=" + schema;
    }

    /** What the datastore selector would hand the backend for {@code endpoint}. */
    public static BackendSettings settings(String endpoint, String nodeName, long quotaBytes) {
        return new BackendSettings(Path.of("/nonexistent-data-dir"), endpoint, nodeName,
                List.of("https://127.0.0.1:2379"), List.of("https://127.0.0.1:2380"), quotaBytes, Duration.ZERO,
                Map.of());
    }

    public static BackendSettings settings(String endpoint) {
        return settings(endpoint, "tck", 0);
    }

    /** A plain connection to the test database (autocommit). */
    public static Connection connect() throws SQLException {
        PostgresEndpoint e = PostgresEndpoint.parse(URL);
        try {
            return new org.postgresql.Driver().connect(e.jdbcUrl(), e.properties());
        } catch (SQLException x) {
            throw new SQLException("the tests need a PostgreSQL server at " + e.redacted() + " (start it and create"
                    + " the test role and database with scripts/test-postgres, or point -Dcairn.postgres.url at"
                    + " another): " + x.getMessage(), x.getSQLState(), x);
        }
    }

    public static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static void dropSchema(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
}
