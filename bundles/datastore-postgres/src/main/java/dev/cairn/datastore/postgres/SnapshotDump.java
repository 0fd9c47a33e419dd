package dev.cairn.datastore.postgres;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;

/**
 * A snapshot of the store: the rows of every Cairn table at one revision, as a psql script of {@code COPY ... FROM
 * stdin} blocks (the data part of what {@code pg_dump} writes). Loaded with {@code psql} into a schema where Cairn
 * created its tables, it replaces their content with the snapshot's; the table names are unqualified, so the
 * schema is chosen with {@code search_path}. (The file Cairn's Snapshot RPC and {@code etcd-snapshot save} write
 * ends with etcd's 512-byte padding and SHA-256 trailer, which must be cut off first.)
 */
final class SnapshotDump {
    private final Tables t;

    SnapshotDump(Tables t) {
        this.t = t;
    }

    /** Writes the dump, in the caller's repeatable-read snapshot whose revisions are given. */
    void write(Connection c, OutputStream out, long revision, long compactRevision) throws SQLException {
        OutputStream target = out;
        try {
            text(target, "-- Cairn PostgreSQL datastore snapshot\n-- schema version " + Schema.VERSION + ", revision "
                    + revision + ", compact revision " + compactRevision + ", taken " + Instant.now() + " from schema "
                    + t.schema() + "\n-- restore: psql -v ON_ERROR_STOP=1 --single-transaction"
                    + " -c 'SET search_path TO <schema>' -f <this file, without the etcd trailer>\n");
            table(c, target, "cairn_meta", "id, revision", "id");
            table(c, target, "cairn_compaction", "id, revision", "id");
            table(c, target, "cairn_log", "revision, sub, key, deleted, create_revision, version, lease, prev_revision,"
                    + " value", "revision, sub");
            table(c, target, "cairn_current", "key, mod_revision, sub, create_revision, version, lease", "key");
            table(c, target, "cairn_lease", "id, ttl, expiry_ms", "id");
            table(c, target, "cairn_alarm", "member_id, type", "member_id, type");
            target.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the snapshot: " + e.getMessage(), e);
        }
    }

    private void table(Connection c, OutputStream out, String name, String columns, String order)
            throws SQLException, IOException {
        text(out, "\nDELETE FROM " + name + ";\nCOPY " + name + " (" + columns + ") FROM stdin;\n");
        c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + columns + " FROM \"" + t.schema() + "\"."
                + name + " ORDER BY " + order + ") TO STDOUT", out);
        text(out, "\\.\n");
    }

    private static void text(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
