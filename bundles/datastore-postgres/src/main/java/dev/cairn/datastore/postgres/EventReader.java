package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads events from the revision log, in revision order and, within a revision, in the order of the writes. An
 * event's prev_kv is the key's previous live version (the row its {@code prev_revision} points at) while that row
 * exists; compaction removes it exactly when etcd would leave prev_kv out.
 */
final class EventReader {
    private static final int FETCH_SIZE = 1000;

    private final Tables t;

    EventReader(Tables t) {
        this.t = t;
    }

    /**
     * The events of revisions {@code from..to} (inclusive), of the keys in {@code range} (null: every key).
     *
     * @param withPrevKv whether to read each event's previous version
     */
    List<Event> read(Connection c, long from, long to, KeyRange range, boolean withPrevKv) throws SQLException {
        Query q = new Query().sql("SELECT l.revision, l.key, l.deleted, l.create_revision, l.version, l.lease,"
                + " l.value, ");
        if (withPrevKv) {
            q.sql("p.revision, p.create_revision, p.version, p.lease, p.value FROM " + t.log() + " l LEFT JOIN "
                    + t.log() + " p ON l.prev_revision > 0 AND p.key = l.key AND p.revision = l.prev_revision");
        } else {
            q.sql("NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bytea FROM " + t.log() + " l");
        }
        q.sql(" WHERE l.revision >= ?", from).sql(" AND l.revision <= ?", to);
        if (range != null) {
            q.sql(" AND ").keys("l.key", range);
        }
        q.sql(" ORDER BY l.revision, l.sub");
        List<Event> events = new ArrayList<>();
        try (PreparedStatement s = q.prepare(c)) {
            s.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(event(rs));
                }
            }
        }
        return events;
    }

    private static Event event(ResultSet rs) throws SQLException {
        long revision = rs.getLong(1);
        byte[] key = rs.getBytes(2);
        KeyValue prev = null;
        long prevRevision = rs.getLong(8);
        if (!rs.wasNull()) {
            prev = new KeyValue(key, rs.getLong(9), prevRevision, rs.getLong(10), rs.getBytes(12), rs.getLong(11));
        }
        if (rs.getBoolean(3)) {
            return new Event(Event.Type.DELETE, KeyValue.tombstone(key, revision), prev);
        }
        KeyValue kv = new KeyValue(key, rs.getLong(4), revision, rs.getLong(5), rs.getBytes(7), rs.getLong(6));
        return new Event(Event.Type.PUT, kv, prev);
    }
}
