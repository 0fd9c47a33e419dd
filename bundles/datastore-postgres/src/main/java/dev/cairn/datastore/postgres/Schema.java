package dev.cairn.datastore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Cairn's tables in one PostgreSQL schema, and their migrations. The schema version is a row of its own table, so a
 * later release finds what an earlier one created and migrates it step by step; a store written by a newer release
 * is refused rather than misread. Servers starting together on an empty database take an advisory lock, so exactly
 * one of them creates the tables.
 *
 * <p>The design (compare kine's, which keeps only a log and pays for it on every read):
 * <ul>
 * <li>{@code cairn_log}: one row per event, keyed {@code (revision, sub)} where {@code sub} is the position of the
 * event within its revision (a txn's writes share one revision, in op order). A delete is a tombstone row.
 * {@code prev_revision} points at the key's previous live version, for a watch's prev_kv.</li>
 * <li>{@code cairn_current}: one row per live key with its newest version's fields; a read of the present never
 * scans history.</li>
 * <li>{@code cairn_meta}: the store revision. Every write transaction locks this row first and bumps it, so writes
 * from several servers commit one after the other, in revision order.</li>
 * </ul>
 */
final class Schema {
    /** The version this release writes and reads. */
    static final int VERSION = 1;

    private Schema() {
    }

    /** Creates the tables on an empty schema, migrates older ones; commits. */
    static void prepare(Connection c, Tables t) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, advisoryKey(t.schema()));
            lock.execute();
        }
        if (!schemaExists(c, t.schema())) {
            exec(c, "CREATE SCHEMA \"" + t.schema() + "\"");
        }
        exec(c, "CREATE TABLE IF NOT EXISTS " + t.version() + " (version integer NOT NULL)");
        int found = storedVersion(c, t);
        if (found > VERSION) {
            c.rollback();
            throw new IllegalStateException("schema '" + t.schema() + "' holds a Cairn datastore of schema version "
                    + found + ", newer than this release understands (" + VERSION + "); run a Cairn release that"
                    + " knows it");
        }
        for (int v = found + 1; v <= VERSION; v++) {
            for (String statement : migrationTo(v, t)) {
                exec(c, statement);
            }
        }
        if (found < VERSION) {
            exec(c, "DELETE FROM " + t.version());
            exec(c, "INSERT INTO " + t.version() + " VALUES (" + VERSION + ")");
        }
        c.commit();
    }

    /** The schema version stored, 0 for a schema Cairn has not written yet. */
    private static int storedVersion(Connection c, Tables t) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM "
                + t.version())) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> migrationTo(int version, Tables t) {
        if (version == 1) {
            return List.of(
                    "CREATE TABLE " + t.meta() + " (id integer PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL)",
                    "INSERT INTO " + t.meta() + " VALUES (1, 1)",
                    "CREATE TABLE " + t.compaction() + " (id integer PRIMARY KEY CHECK (id = 1),"
                            + " revision bigint NOT NULL)",
                    "INSERT INTO " + t.compaction() + " VALUES (1, 0)",
                    "CREATE TABLE " + t.log() + " (revision bigint NOT NULL, sub integer NOT NULL, key bytea NOT NULL,"
                            + " deleted boolean NOT NULL, create_revision bigint NOT NULL, version bigint NOT NULL,"
                            + " lease bigint NOT NULL, prev_revision bigint NOT NULL, value bytea NOT NULL,"
                            + " PRIMARY KEY (revision, sub))",
                    "CREATE UNIQUE INDEX cairn_log_key_revision ON " + t.log() + " (key, revision)",
                    "CREATE TABLE " + t.current() + " (key bytea PRIMARY KEY, mod_revision bigint NOT NULL,"
                            + " sub integer NOT NULL, create_revision bigint NOT NULL, version bigint NOT NULL,"
                            + " lease bigint NOT NULL)",
                    "CREATE INDEX cairn_current_lease ON " + t.current() + " (lease) WHERE lease <> 0",
                    "CREATE TABLE " + t.lease() + " (id bigint PRIMARY KEY, ttl bigint NOT NULL,"
                            + " expiry_ms bigint NOT NULL)",
                    "CREATE INDEX cairn_lease_expiry ON " + t.lease() + " (expiry_ms)",
                    "CREATE TABLE " + t.alarm() + " (member_id bigint NOT NULL, type text NOT NULL,"
                            + " PRIMARY KEY (member_id, type))");
        }
        throw new IllegalArgumentException("no migration to schema version " + version);
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A fixed key per schema: servers of one store serialize, stores in other schemas do not wait. */
    private static long advisoryKey(String schema) {
        CRC32 crc = new CRC32();
        crc.update(("cairn-schema:" + schema).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 0x63616972L << 32 | crc.getValue();
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
