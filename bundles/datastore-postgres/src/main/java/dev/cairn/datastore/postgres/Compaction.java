package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.StoreError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Compaction: records the compact revision and deletes, in the same transaction, every log row at or below it that a
 * read at the compact revision or later can no longer see: versions overwritten at or below it, and tombstones. The
 * newest version of each key at the compact revision stays, so reads at it keep working. A reader's snapshot sees
 * either both the new compact revision and the deletion or neither, so it never reads half-compacted history.
 *
 * <p>Compactions take the {@code cairn_compaction} row lock, not the revision lock: writers carry on meanwhile (they
 * append above the current revision; compaction only deletes at or below it).
 */
final class Compaction {
    private final Tables t;

    Compaction(Tables t) {
        this.t = t;
    }

    /** Compacts at {@code revision}; returns the store revision. Commits are the caller's. */
    long compact(Connection c, long revision) throws SQLException {
        long compacted;
        try (PreparedStatement s = c.prepareStatement("SELECT revision FROM " + t.compaction()
                + " WHERE id = 1 FOR UPDATE"); ResultSet rs = s.executeQuery()) {
            rs.next();
            compacted = rs.getLong(1);
        }
        long current;
        try (PreparedStatement s = c.prepareStatement("SELECT revision FROM " + t.meta() + " WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            current = rs.getLong(1);
        }
        if (revision <= compacted) {
            throw StoreError.COMPACTED.exception();
        }
        if (revision > current) {
            throw StoreError.FUTURE_REVISION.exception();
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE " + t.compaction() + " SET revision = ? WHERE id = 1")) {
            s.setLong(1, revision);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + t.log() + " l WHERE l.revision <= ? AND"
                + " (l.deleted OR EXISTS (SELECT 1 FROM " + t.log() + " n WHERE n.key = l.key AND n.revision >"
                + " l.revision AND n.revision <= ?))")) {
            s.setLong(1, revision);
            s.setLong(2, revision);
            s.executeUpdate();
        }
        return current;
    }
}
