package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.StoreError;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.CRC32C;

/**
 * HashKV: a CRC-32C (etcd's Castagnoli table) over every version kept up to a revision, in log order. Compaction
 * removes exactly the versions no read can see any more, so the hash above the compact revision is the same whether
 * and when a store was compacted, and the same on every store with the same history.
 */
final class HistoryHash {
    private static final int FETCH_SIZE = 1000;

    private final Tables t;

    HistoryHash(Tables t) {
        this.t = t;
    }

    /** In the caller's snapshot, whose store and compact revisions are given. */
    HashResult hash(Connection c, long requested, long current, long compact) throws SQLException {
        long rev = requested > 0 ? requested : current;
        if (rev > current) {
            throw StoreError.FUTURE_REVISION.exception();
        }
        if (rev < compact) {
            throw StoreError.COMPACTED.exception();
        }
        CRC32C crc = new CRC32C();
        ByteBuffer fields = ByteBuffer.allocate(8 * 5 + 4 + 1);
        try (PreparedStatement s = c.prepareStatement("SELECT revision, sub, key, deleted, create_revision, version,"
                + " lease, value FROM " + t.log() + " WHERE revision <= ? ORDER BY revision, sub")) {
            s.setFetchSize(FETCH_SIZE);
            s.setLong(1, rev);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byte[] key = rs.getBytes(3);
                    byte[] value = rs.getBytes(8);
                    fields.clear();
                    fields.putLong(rs.getLong(1)).putInt(rs.getInt(2)).put((byte) (rs.getBoolean(4) ? 1 : 0))
                            .putLong(rs.getLong(5)).putLong(rs.getLong(6)).putLong(rs.getLong(7))
                            .putLong(key.length);
                    crc.update(fields.array(), 0, fields.position());
                    crc.update(key);
                    crc.update(ByteBuffer.allocate(8).putLong(value.length).array());
                    crc.update(value);
                }
            }
        }
        return new HashResult(crc.getValue(), compact, rev);
    }
}
