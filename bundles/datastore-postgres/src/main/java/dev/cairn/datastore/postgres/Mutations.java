package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.OpResult;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Puts, deletes, txns and lease revokes, carried out in a {@link StoreView} of the writer's transaction: each appends
 * its events to {@code cairn_log} at the view's write revision and brings {@code cairn_current} up to date. A refused
 * request throws its {@link dev.cairn.datastore.api.DatastoreException}; the writer then undoes whatever it wrote.
 */
final class Mutations {
    private final Tables t;
    private final RangeReader reader;
    private final String insertEvent;
    private final String upsertCurrent;
    private final String deleteCurrent;
    private final String plainPut;
    private final String plainPutWithPrevKv;

    Mutations(Tables t, RangeReader reader) {
        this.t = t;
        this.reader = reader;
        this.insertEvent = "INSERT INTO " + t.log() + " (revision, sub, key, deleted, create_revision, version, lease,"
                + " prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.upsertCurrent = "INSERT INTO " + t.current() + " (key, mod_revision, sub, create_revision, version, lease)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET mod_revision = EXCLUDED.mod_revision,"
                + " sub = EXCLUDED.sub, create_revision = EXCLUDED.create_revision, version = EXCLUDED.version,"
                + " lease = EXCLUDED.lease";
        this.deleteCurrent = "DELETE FROM " + t.current() + " WHERE key = ?";
        this.plainPut = plainPut(t, false);
        this.plainPutWithPrevKv = plainPut(t, true);
    }

    PutResult put(StoreView v, PutRequest r) throws SQLException {
        if (!r.ignoreValue() && !r.ignoreLease()) {
            return plainPut(v, r);
        }
        Connection c = v.connection();
        KeyValue old = reader.current(c, r.key(), r.prevKv() || r.ignoreValue());
        if ((r.ignoreValue() || r.ignoreLease()) && old == null) {
            throw StoreError.KEY_NOT_FOUND.exception();
        }
        long lease = r.ignoreLease() ? old.lease() : r.lease();
        if (!r.ignoreLease() && lease != 0 && !leaseExists(c, lease)) {
            throw StoreError.LEASE_NOT_FOUND.exception();
        }
        byte[] value = r.ignoreValue() ? old.value() : r.value();
        long rev = v.writeRevision();
        int sub = v.nextSub();
        long create = old == null ? rev : old.createRevision();
        long version = old == null ? 1 : old.version() + 1;
        try (PreparedStatement s = c.prepareStatement(insertEvent)) {
            s.setLong(1, rev);
            s.setInt(2, sub);
            s.setBytes(3, r.key());
            s.setBoolean(4, false);
            s.setLong(5, create);
            s.setLong(6, version);
            s.setLong(7, lease);
            s.setLong(8, old == null ? 0 : old.modRevision());
            s.setBytes(9, value);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(upsertCurrent)) {
            s.setBytes(1, r.key());
            s.setLong(2, rev);
            s.setInt(3, sub);
            s.setLong(4, create);
            s.setLong(5, version);
            s.setLong(6, lease);
            s.executeUpdate();
        }
        return new PutResult(rev, r.prevKv() ? old : null);
    }

    /**
     * A put that keeps neither value nor lease, the common one, as one statement (one round trip instead of three):
     * it reads the key's present version, appends the event and updates the present, all from one snapshot, and
     * writes nothing when the lease does not exist.
     */
    private PutResult plainPut(StoreView v, PutRequest r) throws SQLException {
        long rev = v.writeRevision();
        int sub = v.nextSub();
        try (PreparedStatement s = v.connection().prepareStatement(r.prevKv() ? plainPutWithPrevKv : plainPut)) {
            s.setBytes(1, r.key());
            s.setLong(2, rev);
            s.setInt(3, sub);
            s.setBytes(4, r.key());
            s.setLong(5, rev);
            s.setLong(6, r.lease());
            s.setBytes(7, r.value());
            s.setLong(8, r.lease());
            s.setLong(9, r.lease());
            s.setBytes(10, r.key());
            s.setLong(11, rev);
            s.setInt(12, sub);
            s.setLong(13, r.lease());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw StoreError.LEASE_NOT_FOUND.exception();
                }
                long oldMod = rs.getLong(3);
                if (!r.prevKv() || rs.wasNull()) {
                    return new PutResult(rev, null);
                }
                return new PutResult(rev, new KeyValue(r.key(), rs.getLong(2), oldMod, rs.getLong(4), rs.getBytes(6),
                        rs.getLong(5)));
            }
        }
    }

    private static String plainPut(Tables t, boolean withPrevValue) {
        return "WITH old AS (SELECT create_revision, mod_revision, version, lease, sub FROM " + t.current()
                + " WHERE key = ?),"
                + " ins AS (INSERT INTO " + t.log() + " (revision, sub, key, deleted, create_revision, version, lease,"
                + " prev_revision, value) SELECT ?, ?, ?, false, coalesce(old.create_revision, ?),"
                + " coalesce(old.version, 0) + 1, ?, coalesce(old.mod_revision, 0), ?"
                + " FROM (SELECT 1) one LEFT JOIN old ON true"
                + " WHERE ? = 0 OR EXISTS (SELECT 1 FROM " + t.lease() + " WHERE id = ?)"
                + " RETURNING create_revision, version),"
                + " present AS (INSERT INTO " + t.current() + " (key, mod_revision, sub, create_revision, version,"
                + " lease) SELECT ?, ?, ?, create_revision, version, ? FROM ins ON CONFLICT (key) DO UPDATE SET"
                + " mod_revision = EXCLUDED.mod_revision, sub = EXCLUDED.sub,"
                + " create_revision = EXCLUDED.create_revision, version = EXCLUDED.version, lease = EXCLUDED.lease)"
                + " SELECT (SELECT count(*) FROM ins), old.create_revision, old.mod_revision, old.version, old.lease, "
                + (withPrevValue ? "(SELECT l.value FROM " + t.log() + " l WHERE l.revision = old.mod_revision"
                        + " AND l.sub = old.sub)" : "NULL::bytea")
                + " FROM (SELECT 1) one LEFT JOIN old ON true";
    }

    DeleteResult delete(StoreView v, DeleteRequest r) throws SQLException {
        List<KeyValue> gone = reader.current(v.connection(), r.range(), r.prevKv());
        remove(v, gone);
        return new DeleteResult(v.view(), gone.size(), r.prevKv() ? gone : List.of());
    }

    /**
     * Runs a txn. etcd settles the path through nested txns before any op runs, so every compare, nested ones
     * included, sees the store as it was before the txn; the ops then run in order, each seeing the writes of the
     * ones before it.
     */
    TxnResult txn(StoreView v, TxnRequest r) throws SQLException {
        return run(v, r, decide(v.connection(), r));
    }

    /** The branch each (nested) txn takes. */
    private record Decision(boolean succeeded, List<Decision> nested) {
    }

    private Decision decide(Connection c, TxnRequest r) throws SQLException {
        boolean succeeded = true;
        for (Compare compare : r.compares()) {
            boolean withValues = compare.target() == Compare.Target.VALUE;
            if (!compare.holds(reader.current(c, compare.range(), withValues))) {
                succeeded = false;
                break;
            }
        }
        List<Decision> nested = new ArrayList<>();
        for (Op op : succeeded ? r.success() : r.failure()) {
            if (op instanceof Op.Txn n) {
                nested.add(decide(c, n.request()));
            }
        }
        return new Decision(succeeded, nested);
    }

    private TxnResult run(StoreView v, TxnRequest r, Decision d) throws SQLException {
        List<OpResult> results = new ArrayList<>();
        Iterator<Decision> nested = d.nested().iterator();
        for (Op op : d.succeeded() ? r.success() : r.failure()) {
            if (op instanceof Op.Range range) {
                results.add(reader.range(v, range.request()));
            } else if (op instanceof Op.Put put) {
                results.add(put(v, put.request()));
            } else if (op instanceof Op.Delete delete) {
                results.add(delete(v, delete.request()));
            } else if (op instanceof Op.Txn txn) {
                results.add(run(v, txn.request(), nested.next()));
            }
        }
        return new TxnResult(v.view(), d.succeeded(), results);
    }

    /**
     * Revokes a lease: deletes it and, in one revision, every key attached to it.
     *
     * @param onlyIfExpired for the expiry: revoke only if its deadline has passed (another server may have revoked
     *                      it already, or a keep-alive renewed it since it was found expired)
     * @return false when there was no such lease (or it was not expired)
     */
    boolean revoke(StoreView v, long lease, boolean onlyIfExpired) throws SQLException {
        Connection c = v.connection();
        String sql = "DELETE FROM " + t.lease() + " WHERE id = ?"
                + (onlyIfExpired ? " AND expiry_ms <= " + Tables.NOW_MS : "") + " RETURNING id";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, lease);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
        }
        remove(v, reader.ofLease(c, lease, false));
        return true;
    }

    /** One tombstone event per key, in the order given, and the keys gone from the present. */
    private void remove(StoreView v, List<KeyValue> gone) throws SQLException {
        if (gone.isEmpty()) {
            return;
        }
        Connection c = v.connection();
        long rev = v.writeRevision();
        try (PreparedStatement events = c.prepareStatement(insertEvent);
                PreparedStatement present = c.prepareStatement(deleteCurrent)) {
            for (KeyValue kv : gone) {
                events.setLong(1, rev);
                events.setInt(2, v.nextSub());
                events.setBytes(3, kv.key());
                events.setBoolean(4, true);
                events.setLong(5, 0);
                events.setLong(6, 0);
                events.setLong(7, 0);
                events.setLong(8, kv.modRevision());
                events.setBytes(9, new byte[0]);
                events.addBatch();
                present.setBytes(1, kv.key());
                present.addBatch();
            }
            events.executeBatch();
            present.executeBatch();
        }
    }

    private boolean leaseExists(Connection c, long lease) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + t.lease() + " WHERE id = ?")) {
            s.setLong(1, lease);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
