package dev.cairn.datastore.sqlite;

import java.security.SecureRandom;
import java.sql.SQLException;

/**
 * The tables of a Cairn SQLite store, version {@value #VERSION}.
 *
 * <ul>
 * <li>{@code log}: the append-only revision log, one row per key version or tombstone. {@code id} grows with
 * (revision, sub) and is never reused (AUTOINCREMENT), so it doubles as the compaction cursor.</li>
 * <li>{@code latest}: key → its live version's row, so that reads at the current revision cost O(keys in range)
 * instead of O(history); deleted keys are absent. It also indexes keys by lease.</li>
 * <li>{@code leases}: granted leases and their TTL (deadlines live in memory).</li>
 * <li>{@code meta}: one row with the schema version, revisions, ids, the applied-write counter, alarms and, for a
 * Raft replica, the term and index of the last log entry applied.</li>
 * <li>{@code requests} (Raft replicas): the replies to recently applied client requests by request id, so that a
 * request retried across a leader change or a restart is applied at most once.</li>
 * <li>{@code members} (Raft replicas): name and URLs of each cluster member, by member id.</li>
 * <li>{@code removed_members} (Raft replicas): ids removed from the cluster and not registered again since, so that
 * a removed member's late self-publication cannot bring its record back.</li>
 * </ul>
 */
final class Schema {
    /** Bump when the layout changes, and add the step to {@link #migrate}. */
    static final int VERSION = 3;

    private static final String REQUESTS = """
        CREATE TABLE requests (
          client INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          raft_index INTEGER NOT NULL,
          reply BLOB NOT NULL,
          PRIMARY KEY (client, seq)) WITHOUT ROWID""";
    private static final String REQUESTS_BY_INDEX = "CREATE INDEX requests_index ON requests (raft_index)";
    private static final String MEMBERS = """
        CREATE TABLE members (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          peer_urls TEXT NOT NULL,
          client_urls TEXT NOT NULL)""";
    private static final String REMOVED_MEMBERS = "CREATE TABLE removed_members (id INTEGER PRIMARY KEY)";

    private static final String[] DDL = {
        """
        CREATE TABLE log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          key BLOB NOT NULL,
          revision INTEGER NOT NULL,
          sub INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          version INTEGER NOT NULL,
          lease INTEGER NOT NULL,
          value BLOB,
          tombstone INTEGER NOT NULL)""",
        "CREATE UNIQUE INDEX log_key ON log (key, revision, sub)",
        "CREATE UNIQUE INDEX log_revision ON log (revision, sub)",
        """
        CREATE TABLE latest (
          key BLOB PRIMARY KEY,
          revision INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          version INTEGER NOT NULL,
          lease INTEGER NOT NULL,
          log_id INTEGER NOT NULL) WITHOUT ROWID""",
        "CREATE INDEX latest_lease ON latest (lease) WHERE lease != 0",
        "CREATE TABLE leases (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL)",
        """
        CREATE TABLE meta (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          schema_version INTEGER NOT NULL,
          revision INTEGER NOT NULL,
          compact_revision INTEGER NOT NULL,
          compact_cursor INTEGER NOT NULL,
          cluster_id INTEGER NOT NULL,
          member_id INTEGER NOT NULL,
          applied_index INTEGER NOT NULL,
          alarms TEXT NOT NULL,
          raft_term INTEGER NOT NULL DEFAULT 0,
          raft_index INTEGER NOT NULL DEFAULT 0)""",
        REQUESTS,
        REQUESTS_BY_INDEX,
        MEMBERS,
        REMOVED_MEMBERS,
    };


    private Schema() {
    }

    /** Creates the tables of an empty store: revision 1, fresh random cluster and member ids. */
    static void create(Statements db) throws SQLException {
        SecureRandom random = new SecureRandom();
        db.exec("BEGIN IMMEDIATE");
        try {
            for (String ddl : DDL) {
                db.execOnce(ddl);
            }
            var ps = db.get("INSERT INTO meta (id, schema_version, revision, compact_revision, compact_cursor,"
                    + " cluster_id, member_id, applied_index, alarms) VALUES (1, ?, 1, 0, 0, ?, ?, 1, '')");
            ps.setInt(1, VERSION);
            ps.setLong(2, positive(random));
            ps.setLong(3, positive(random));
            ps.executeUpdate();
            db.exec("COMMIT");
        } catch (SQLException e) {
            db.rollbackQuietly();
            throw e;
        }
    }

    /** Brings an older store up to {@link #VERSION}, one version per transaction. */
    static void migrate(Statements db, int from) throws SQLException {
        if (from < 1 || from > VERSION) {
            throw new IllegalStateException("no migration from schema version " + from);
        }
        if (from < 2) {
            step(db, 2, "ALTER TABLE meta ADD COLUMN raft_term INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE meta ADD COLUMN raft_index INTEGER NOT NULL DEFAULT 0", REQUESTS, REQUESTS_BY_INDEX,
                    MEMBERS);
        }
        if (from < 3) {
            step(db, 3, REMOVED_MEMBERS);
        }
    }

    private static void step(Statements db, int to, String... ddl) throws SQLException {
        db.exec("BEGIN IMMEDIATE");
        try {
            for (String statement : ddl) {
                db.execOnce(statement);
            }
            db.execOnce("UPDATE meta SET schema_version = " + to + " WHERE id = 1");
            db.exec("COMMIT");
        } catch (SQLException e) {
            db.rollbackQuietly();
            throw e;
        }
    }

    private static long positive(SecureRandom random) {
        long v;
        do {
            v = random.nextLong() & Long.MAX_VALUE;
        } while (v == 0);
        return v;
    }
}
