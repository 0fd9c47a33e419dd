package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeRequest.SortOrder;
import dev.cairn.datastore.api.RangeRequest.SortTarget;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads key versions from one connection, with etcd's Range semantics. Reads at the view's revision go through
 * the {@code latest} table (O(keys in range)); older revisions search the log's (key, revision) index.
 *
 * <p>The same code serves the read connections and the writer, whose uncommitted changes it then sees (a range
 * after a put in one txn sees the put).
 */
final class RangeReader {
    private static final String LATEST_COLUMNS = "l.key, l.create_revision, l.revision, l.version, l.lease";
    private static final String LOG_COLUMNS = "g.key, g.create_revision, g.revision, g.version, g.lease";

    private final Statements db;

    RangeReader(Statements db) {
        this.db = db;
    }

    Statements statements() {
        return db;
    }

    /**
     * Runs a Range at {@code viewRevision}, the newest revision this connection sees; the result's header revision
     * is that revision, also for historical reads.
     */
    RangeResult range(RangeRequest r, long viewRevision, long compactRevision) throws SQLException {
        long at = r.revision() <= 0 ? viewRevision : r.revision();
        checkRevision(at, viewRevision, compactRevision);
        KeyRange keys = r.range();
        if (keys.isEmpty()) {
            return new RangeResult(viewRevision, List.of(), 0, false);
        }
        boolean current = at == viewRevision;
        if (r.countOnly()) {
            return new RangeResult(viewRevision, List.of(), count(keys, at, current), false);
        }
        SortOrder order = r.sortOrder();
        if (order == SortOrder.NONE && r.sortTarget() != SortTarget.KEY) {
            order = SortOrder.ASCEND;
        }
        if (r.sortTarget() == SortTarget.KEY && !r.hasFilters()) {
            return keyOrdered(r, at, current, order == SortOrder.DESCEND, viewRevision);
        }
        return sortedOrFiltered(r, at, current, order, viewRevision);
    }

    static void checkRevision(long at, long viewRevision, long compactRevision) {
        if (at > viewRevision) {
            throw StoreError.FUTURE_REVISION.exception();
        }
        if (at < compactRevision) {
            throw StoreError.COMPACTED.exception();
        }
    }

    /** Key order straight from the index: the limit goes into SQL (one extra row tells whether there is more). */
    private RangeResult keyOrdered(RangeRequest r, long at, boolean current, boolean descending, long viewRevision)
            throws SQLException {
        long limit = r.limit();
        List<KeyValue> kvs = scan(r.range(), at, current, descending, limit > 0 ? limit + 1 : -1, !r.keysOnly());
        if (limit > 0 && kvs.size() > limit) {
            return new RangeResult(viewRevision, List.copyOf(kvs.subList(0, (int) limit)),
                    count(r.range(), at, current), true);
        }
        return new RangeResult(viewRevision, kvs, kvs.size(), false);
    }

    /** Other sort targets and the min/max filters need the whole range first, as in etcd. */
    private RangeResult sortedOrFiltered(RangeRequest r, long at, boolean current, SortOrder order,
            long viewRevision) throws SQLException {
        boolean values = !r.keysOnly() || r.sortTarget() == SortTarget.VALUE;
        List<KeyValue> all = scan(r.range(), at, current, false, -1, values);
        long count = all.size();
        List<KeyValue> kvs = new ArrayList<>(all.size());
        for (KeyValue kv : all) {
            if (passes(r, kv)) {
                kvs.add(kv);
            }
        }
        if (order != SortOrder.NONE) {
            Comparator<KeyValue> cmp = comparator(r.sortTarget());
            kvs.sort(order == SortOrder.DESCEND ? cmp.reversed() : cmp);
        }
        boolean more = false;
        if (r.limit() > 0 && kvs.size() > r.limit()) {
            kvs = new ArrayList<>(kvs.subList(0, (int) r.limit()));
            more = true;
        }
        if (r.keysOnly()) {
            kvs.replaceAll(kv -> kv.value() == null ? kv : kv.withoutValue());
        }
        return new RangeResult(viewRevision, kvs, count, more);
    }

    private static boolean passes(RangeRequest r, KeyValue kv) {
        return (r.minModRevision() <= 0 || kv.modRevision() >= r.minModRevision())
                && (r.maxModRevision() <= 0 || kv.modRevision() <= r.maxModRevision())
                && (r.minCreateRevision() <= 0 || kv.createRevision() >= r.minCreateRevision())
                && (r.maxCreateRevision() <= 0 || kv.createRevision() <= r.maxCreateRevision());
    }

    private static Comparator<KeyValue> comparator(SortTarget target) {
        return switch (target) {
            case KEY -> (a, b) -> Bytes.compare(a.key(), b.key());
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Bytes.compare(a.value(), b.value());
        };
    }

    /**
     * The live keys of {@code range} at revision {@code at}, in key order. {@code current} says that {@code at} is
     * the newest revision this connection sees, so the {@code latest} table answers. {@code limit} -1: no limit.
     */
    List<KeyValue> scan(KeyRange range, long at, boolean current, boolean descending, long limit, boolean values)
            throws SQLException {
        if (range.isEmpty()) {
            return List.of();
        }
        if (!current && range.isSingleKey()) {
            KeyValue kv = at(range.key(), at, values);
            return kv == null ? List.of() : List.of(kv);
        }
        String dir = descending ? " DESC" : "";
        String sql;
        if (current) {
            sql = values
                    ? "SELECT " + LATEST_COLUMNS + ", g.value FROM latest l CROSS JOIN log g ON g.id = l.log_id"
                            + " WHERE " + KeyCondition.sql(range, "l.key", true) + " ORDER BY l.key" + dir
                            + " LIMIT ?"
                    : "SELECT " + LATEST_COLUMNS + " FROM latest l WHERE " + KeyCondition.sql(range, "l.key", true)
                            + " ORDER BY l.key" + dir + " LIMIT ?";
        } else {
            sql = "SELECT " + LOG_COLUMNS + (values ? ", g.value" : "") + " FROM log g WHERE "
                    + historicalCondition(range) + " ORDER BY g.key" + dir + " LIMIT ?";
        }
        PreparedStatement ps = db.get(sql);
        int i = KeyCondition.bind(ps, 1, range);
        if (!current) {
            ps.setLong(i++, at);
            ps.setLong(i++, at);
        }
        ps.setLong(i, limit);
        List<KeyValue> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(keyValue(rs, values));
            }
        }
        return out;
    }

    /** Rows of the range whose version is the newest at or below the bound revision, and not a tombstone. */
    private static String historicalCondition(KeyRange range) {
        return KeyCondition.sql(range, "g.key", true) + " AND +g.revision <= ? AND g.tombstone = 0 AND NOT EXISTS ("
                + NEWER_VERSION + ")";
    }

    /**
     * A version of g's key after g and at or below the bound. The lower bound {@code n.revision >= g.revision}
     * lets the (key, revision, sub) index start at g, so the check costs a step or two, not the key's history.
     */
    static final String NEWER_VERSION = "SELECT 1 FROM log n WHERE n.key = g.key AND n.revision >= g.revision"
            + " AND n.revision <= ? AND (n.revision > g.revision OR n.sub > g.sub)";

    /** Number of live keys in the range at revision {@code at}. */
    long count(KeyRange range, long at, boolean current) throws SQLException {
        if (range.isEmpty()) {
            return 0;
        }
        if (!current && range.isSingleKey()) {
            return at(range.key(), at, false) == null ? 0 : 1;
        }
        String sql = current
                ? "SELECT COUNT(*) FROM latest l WHERE " + KeyCondition.sql(range, "l.key", true)
                : "SELECT COUNT(*) FROM log g WHERE " + historicalCondition(range);
        PreparedStatement ps = db.get(sql);
        int i = KeyCondition.bind(ps, 1, range);
        if (!current) {
            ps.setLong(i++, at);
            ps.setLong(i, at);
        }
        return Statements.firstLong(ps);
    }

    /** The live version of {@code key} as this connection sees it now (value only if asked); null if absent. */
    KeyValue latest(byte[] key, boolean values) throws SQLException {
        PreparedStatement ps = db.get(values
                ? "SELECT " + LATEST_COLUMNS + ", g.value FROM latest l CROSS JOIN log g ON g.id = l.log_id"
                        + " WHERE l.key = ?"
                : "SELECT " + LATEST_COLUMNS + " FROM latest l WHERE l.key = ?");
        ps.setBytes(1, key);
        try (ResultSet rs = ps.executeQuery()) {
            KeyValue kv = rs.next() ? keyValue(rs, values) : null;
            Statements.finish(rs);
            return kv;
        }
    }

    /** The version of {@code key} live at {@code revision}; null if the key did not exist then. */
    KeyValue at(byte[] key, long revision, boolean values) throws SQLException {
        PreparedStatement ps = db.get("SELECT " + LOG_COLUMNS + ", g.value, g.tombstone FROM log g"
                + " WHERE g.key = ? AND g.revision <= ? ORDER BY g.revision DESC, g.sub DESC LIMIT 1");
        ps.setBytes(1, key);
        ps.setLong(2, revision);
        try (ResultSet rs = ps.executeQuery()) {
            KeyValue kv = rs.next() && rs.getInt(7) == 0 ? keyValue(rs, values) : null;
            Statements.finish(rs);
            return kv;
        }
    }

    /** Keys attached to a lease, in key order. */
    List<byte[]> keysWithLease(long lease) throws SQLException {
        // "lease != 0" lets SQLite use the partial index on lease
        PreparedStatement ps = db.get("SELECT key FROM latest WHERE lease = ? AND lease != 0 ORDER BY key");
        ps.setLong(1, lease);
        List<byte[]> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getBytes(1));
            }
        }
        return keys;
    }

    static KeyValue keyValue(ResultSet rs, boolean values) throws SQLException {
        byte[] value = null;
        if (values) {
            value = rs.getBytes(6);
            if (value == null) {
                value = Bytes.EMPTY;
            }
        }
        return new KeyValue(rs.getBytes(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), value, rs.getLong(5));
    }
}
