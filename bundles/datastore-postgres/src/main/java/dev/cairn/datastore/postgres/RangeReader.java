package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeRequest.SortOrder;
import dev.cairn.datastore.api.RangeRequest.SortTarget;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads keys as they are in one view of the store: a reader's snapshot, or the writer's transaction with its own
 * writes so far. A read of the present uses {@code cairn_current}; a read of the past takes, per key, the newest log
 * row at or below the revision and drops the keys whose newest row there is a tombstone.
 */
final class RangeReader {
    private static final String COLUMNS = "key, create_revision, mod_revision, version, lease, value";

    private final Tables t;

    RangeReader(Tables t) {
        this.t = t;
    }

    /** Answers a Range request in {@code v}, at the revision it shows (the writer's counts its own writes). */
    RangeResult range(StoreView v, RangeRequest r) throws SQLException {
        RangeResult result = range(v.connection(), r, v.view(), v.compactRevision());
        long rev = r.revision() > 0 ? r.revision() : v.view();
        if (v.writable() && rev < v.view() && rev < compactRevision(v.connection())) {
            // a compaction committed while the writer read: what it read of the past may be incomplete
            throw StoreError.COMPACTED.exception();
        }
        return result;
    }

    private long compactRevision(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT revision FROM " + t.compaction() + " WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private RangeResult range(Connection c, RangeRequest r, long view, long compact) throws SQLException {
        long rev = r.revision() > 0 ? r.revision() : view;
        if (rev > view) {
            throw StoreError.FUTURE_REVISION.exception();
        }
        if (rev < compact) {
            throw StoreError.COMPACTED.exception();
        }
        KeyRange range = r.range();
        if (range.isEmpty()) {
            return new RangeResult(view, List.of(), 0, false);
        }
        boolean present = rev == view;
        if (r.countOnly()) {
            return new RangeResult(view, List.of(), count(c, range, rev, present), false);
        }
        List<KeyValue> kvs = select(c, r, rev, present);
        boolean more = r.limit() > 0 && kvs.size() > r.limit();
        if (more) {
            kvs = kvs.subList(0, (int) r.limit());
        }
        // without filters and with every key fetched, the count is what was fetched
        long count = !r.hasFilters() && !more ? kvs.size() : count(c, range, rev, present);
        return new RangeResult(view, List.copyOf(kvs), count, more);
    }

    /** Keys in the range now, in key order (compares, deletes, puts). */
    List<KeyValue> current(Connection c, KeyRange range, boolean withValues) throws SQLException {
        if (range.isEmpty()) {
            return List.of();
        }
        Query q = presentRows(withValues).sql(" WHERE ").keys("c.key", range).sql(" ORDER BY c.key");
        return read(c, q, withValues);
    }

    /** The key now, or null. */
    KeyValue current(Connection c, byte[] key, boolean withValue) throws SQLException {
        List<KeyValue> kvs = current(c, KeyRange.single(key), withValue);
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** Keys attached to a lease now, in key order. */
    List<KeyValue> ofLease(Connection c, long lease, boolean withValues) throws SQLException {
        Query q = presentRows(withValues).sql(" WHERE c.lease = ?", lease).sql(" ORDER BY c.key");
        return read(c, q, withValues);
    }

    private Query presentRows(boolean withValues) {
        Query q = new Query().sql("SELECT c.key, c.create_revision, c.mod_revision, c.version, c.lease, ");
        if (withValues) {
            return q.sql("l.value FROM " + t.current() + " c JOIN " + t.log() + " l ON l.revision = c.mod_revision"
                    + " AND l.sub = c.sub");
        }
        return q.sql("NULL::bytea AS value FROM " + t.current() + " c");
    }

    private List<KeyValue> select(Connection c, RangeRequest r, long rev, boolean present) throws SQLException {
        boolean withValues = !r.keysOnly() || r.sortTarget() == SortTarget.VALUE;
        Query q = new Query().sql("SELECT " + COLUMNS + " FROM (");
        if (present) {
            q.sql(presentRows(withValues).toString()).sql(" WHERE ").keys("c.key", r.range());
        } else {
            // per key, the newest row at or below rev; tombstones hide the key
            q.sql("SELECT key, create_revision, revision AS mod_revision, version, lease, deleted, "
                    + (withValues ? "value" : "NULL::bytea AS value") + " FROM (SELECT DISTINCT ON (key) key,"
                    + " revision, deleted, create_revision, version, lease" + (withValues ? ", value" : "")
                    + " FROM " + t.log() + " WHERE ").keys("key", r.range())
                    .sql(" AND revision <= ?", rev).sql(" ORDER BY key, revision DESC) newest WHERE NOT deleted");
        }
        q.sql(") kv WHERE TRUE");
        // the min/max filters never change the count, only what is returned
        if (r.minModRevision() > 0) {
            q.sql(" AND mod_revision >= ?", r.minModRevision());
        }
        if (r.maxModRevision() > 0) {
            q.sql(" AND mod_revision <= ?", r.maxModRevision());
        }
        if (r.minCreateRevision() > 0) {
            q.sql(" AND create_revision >= ?", r.minCreateRevision());
        }
        if (r.maxCreateRevision() > 0) {
            q.sql(" AND create_revision <= ?", r.maxCreateRevision());
        }
        q.sql(" ORDER BY ").sql(orderBy(r.sortTarget(), r.sortOrder()));
        if (r.limit() > 0) {
            // one more than asked: its presence says there are more
            q.sql(" LIMIT ?", r.limit() + 1);
        }
        List<KeyValue> kvs = read(c, q, withValues);
        if (withValues && r.keysOnly()) {
            List<KeyValue> keysOnly = new ArrayList<>(kvs.size());
            for (KeyValue kv : kvs) {
                keysOnly.add(kv.withoutValue());
            }
            return keysOnly;
        }
        return kvs;
    }

    /** etcd's order: by the target, ascending unless DESCEND (NONE on KEY is key order); ties in key order. */
    private static String orderBy(SortTarget target, SortOrder order) {
        String direction = order == SortOrder.DESCEND ? " DESC" : " ASC";
        String column = switch (target) {
            case KEY -> "key";
            case VERSION -> "version";
            case CREATE -> "create_revision";
            case MOD -> "mod_revision";
            case VALUE -> "value";
        };
        return target == SortTarget.KEY ? column + direction : column + direction + ", key ASC";
    }

    private long count(Connection c, KeyRange range, long rev, boolean present) throws SQLException {
        Query q = new Query();
        if (present) {
            q.sql("SELECT count(*) FROM " + t.current() + " c WHERE ").keys("c.key", range);
        } else {
            q.sql("SELECT count(*) FROM (SELECT DISTINCT ON (key) deleted FROM " + t.log() + " WHERE ")
                    .keys("key", range).sql(" AND revision <= ?", rev)
                    .sql(" ORDER BY key, revision DESC) newest WHERE NOT deleted");
        }
        try (PreparedStatement s = q.prepare(c); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<KeyValue> read(Connection c, Query q, boolean withValues) throws SQLException {
        List<KeyValue> kvs = new ArrayList<>();
        try (PreparedStatement s = q.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                kvs.add(new KeyValue(rs.getBytes(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        withValues ? rs.getBytes(6) : null, rs.getLong(5)));
            }
        }
        return kvs;
    }
}
