package dev.cairn.datastore.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The write side of the revision log, used by the writer thread only: appends key versions and tombstones, keeps
 * the {@code latest} table in step, and keeps the lease rows. Row ids are assigned here in (revision, sub) order.
 */
final class RevisionLog {
    private final Statements db;
    private long nextId;

    RevisionLog(Statements db) {
        this.db = db;
    }

    /** Reads the next row id from the database (at open and after a failed commit). */
    void load() throws SQLException {
        long seq = db.queryLong("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'log'");
        long max = db.queryLong("SELECT COALESCE(MAX(id), 0) FROM log");
        nextId = Math.max(seq, max) + 1;
    }

    void appendPut(byte[] key, long revision, int sub, long createRevision, long version, long lease, byte[] value)
            throws SQLException {
        long id = insert(key, revision, sub, createRevision, version, lease, value, false);
        PreparedStatement ps = db.get("INSERT INTO latest (key, revision, create_revision, version, lease, log_id)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision,"
                + " create_revision = excluded.create_revision, version = excluded.version,"
                + " lease = excluded.lease, log_id = excluded.log_id");
        ps.setBytes(1, key);
        ps.setLong(2, revision);
        ps.setLong(3, createRevision);
        ps.setLong(4, version);
        ps.setLong(5, lease);
        ps.setLong(6, id);
        ps.executeUpdate();
    }

    void appendTombstone(byte[] key, long revision, int sub) throws SQLException {
        insert(key, revision, sub, 0, 0, 0, null, true);
        PreparedStatement ps = db.get("DELETE FROM latest WHERE key = ?");
        ps.setBytes(1, key);
        ps.executeUpdate();
    }

    private long insert(byte[] key, long revision, int sub, long createRevision, long version, long lease,
            byte[] value, boolean tombstone) throws SQLException {
        PreparedStatement ps = db.get("INSERT INTO log (id, key, revision, sub, create_revision, version, lease,"
                + " value, tombstone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        long id = nextId++;
        ps.setLong(1, id);
        ps.setBytes(2, key);
        ps.setLong(3, revision);
        ps.setInt(4, sub);
        ps.setLong(5, createRevision);
        ps.setLong(6, version);
        ps.setLong(7, lease);
        if (value == null) {
            ps.setNull(8, java.sql.Types.BLOB);
        } else {
            ps.setBytes(8, value);
        }
        ps.setInt(9, tombstone ? 1 : 0);
        ps.executeUpdate();
        return id;
    }

    boolean leaseExists(long id) throws SQLException {
        PreparedStatement ps = db.get("SELECT 1 FROM leases WHERE id = ?");
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            boolean found = rs.next();
            Statements.finish(rs);
            return found;
        }
    }

    void insertLease(long id, long ttl) throws SQLException {
        PreparedStatement ps = db.get("INSERT INTO leases (id, ttl) VALUES (?, ?)");
        ps.setLong(1, id);
        ps.setLong(2, ttl);
        ps.executeUpdate();
    }

    void deleteLease(long id) throws SQLException {
        PreparedStatement ps = db.get("DELETE FROM leases WHERE id = ?");
        ps.setLong(1, id);
        ps.executeUpdate();
    }

    /** Every lease id with its granted TTL. */
    static Map<Long, Long> leases(Statements db) throws SQLException {
        Map<Long, Long> leases = new LinkedHashMap<>();
        try (ResultSet rs = db.get("SELECT id, ttl FROM leases ORDER BY id").executeQuery()) {
            while (rs.next()) {
                leases.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return leases;
    }
}
