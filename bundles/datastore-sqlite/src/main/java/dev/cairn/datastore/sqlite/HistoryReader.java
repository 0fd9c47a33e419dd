package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/** Reads the revision log in revision order: watch catch-up events and the HashKV checksum. */
final class HistoryReader {
    private final Statements db;
    private final RangeReader ranges;

    HistoryReader(Statements db) {
        this.db = db;
        this.ranges = new RangeReader(db);
    }

    /**
     * The events of {@code range} with revisions in [{@code from}, {@code to}], in (revision, sub) order. With
     * {@code prevKv}, each carries the key at revision - 1 unless that revision is compacted.
     */
    List<Event> events(KeyRange range, long from, long to, boolean prevKv, long compactRevision)
            throws SQLException {
        // a single key drives the query from the key index; a wider range walks the revision index
        String sql = "SELECT key, create_revision, revision, version, lease, value, tombstone FROM log"
                + " WHERE revision >= ? AND revision <= ? AND " + KeyCondition.sql(range, "key", false)
                + " ORDER BY revision, sub";
        PreparedStatement ps = db.get(sql);
        ps.setLong(1, from);
        ps.setLong(2, to);
        KeyCondition.bind(ps, 3, range);
        List<Event> events = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean tombstone = rs.getInt(7) != 0;
                KeyValue kv = tombstone ? KeyValue.tombstone(rs.getBytes(1), rs.getLong(3))
                        : RangeReader.keyValue(rs, true);
                events.add(new Event(tombstone ? Event.Type.DELETE : Event.Type.PUT, kv, null));
            }
        }
        if (prevKv) {
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                long before = e.kv().modRevision() - 1;
                if (before >= compactRevision) {
                    KeyValue prev = ranges.at(e.kv().key(), before, true);
                    if (prev != null) {
                        events.set(i, new Event(e.type(), e.kv(), prev));
                    }
                }
            }
        }
        return events;
    }

    /**
     * CRC-32 over every row up to {@code revision} in (revision, sub) order: key, value, their lengths, revision,
     * sub, create revision, version, lease and the tombstone flag. Equal stores give equal hashes.
     *
     * <p>At or below the compact revision only the versions compaction keeps are hashed (as etcd skips what is
     * scheduled for deletion), so the hash does not depend on how far the physical deletion has got.
     */
    long hash(long revision, long compactRevision) throws SQLException {
        CRC32 crc = new CRC32();
        ByteBuffer numbers = ByteBuffer.allocate(4 * 2 + 8 * 5 + 1);
        PreparedStatement ps = db.get("SELECT g.key, g.revision, g.sub, g.value, g.create_revision, g.version,"
                + " g.lease, g.tombstone FROM log g WHERE g.revision <= ? AND (g.revision > ? OR (g.tombstone = 0"
                + " AND NOT EXISTS (" + RangeReader.NEWER_VERSION + "))) ORDER BY g.revision, g.sub");
        ps.setLong(1, revision);
        ps.setLong(2, compactRevision);
        ps.setLong(3, compactRevision);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byte[] key = rs.getBytes(1);
                byte[] value = rs.getBytes(4);
                crc.update(key);
                crc.update(value == null ? Bytes.EMPTY : value);
                numbers.clear();
                numbers.putInt(key.length).putInt(value == null ? -1 : value.length);
                numbers.putLong(rs.getLong(2)).putLong(rs.getLong(3)).putLong(rs.getLong(5))
                        .putLong(rs.getLong(6)).putLong(rs.getLong(7)).put((byte) rs.getInt(8));
                crc.update(numbers.array(), 0, numbers.position());
            }
        }
        return crc.getValue();
    }
}
