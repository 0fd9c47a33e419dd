package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Alarm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The space quota and the alarms, etcd's capped applier: once the store's tables outgrow the quota, the NOSPACE
 * alarm is raised in the {@code cairn_alarm} table, where every server sharing the store sees it; from then on puts,
 * txns holding a put and lease grants are refused with NO_SPACE, while reads, deletes, revokes, compaction and
 * defragmentation go on, until the alarm is disarmed.
 *
 * <p>The size is PostgreSQL's own count of the tables' pages (indexes and TOAST included). PostgreSQL does not say
 * how much of them is free without an extension, so the size in use is estimated from its statistics of live and
 * dead rows.
 */
final class SpaceQuota {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceQuota.class);

    private final Tables t;
    private final long quotaBytes;
    private final long memberId;
    private final StoreState state;
    private final String endpoint;

    SpaceQuota(Tables t, long quotaBytes, long memberId, StoreState state, String endpoint) {
        this.t = t;
        this.quotaBytes = quotaBytes;
        this.memberId = memberId;
        this.state = state;
        this.endpoint = endpoint;
    }

    long quotaBytes() {
        return quotaBytes;
    }

    /** Measures the store and raises NOSPACE once it is larger than the quota; commits are the caller's. */
    void check(Connection c) throws SQLException {
        long size;
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(pg_total_relation_size(r.oid)), 0)"
                + " FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ?"
                + " AND r.relkind = 'r' AND r.relname LIKE 'cairn\\_%'")) {
            s.setString(1, t.schema());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                size = rs.getLong(1);
            }
        }
        long live;
        long dead;
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(n_live_tup), 0),"
                + " coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE schemaname = ?"
                + " AND relname LIKE 'cairn\\_%'")) {
            s.setString(1, t.schema());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                live = rs.getLong(1);
                dead = rs.getLong(2);
            }
        }
        long inUse = live + dead == 0 ? size : (long) (size * ((double) live / (live + dead)));
        state.setSizes(size, inUse);
        if (size <= quotaBytes || state.noSpace()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + t.alarm() + " (member_id, type) VALUES (?,"
                + " 'NOSPACE') ON CONFLICT DO NOTHING")) {
            s.setLong(1, memberId);
            s.executeUpdate();
        }
        state.setAlarms(alarms(c, t));
        LOG.warn("alarm raised alarm=NOSPACE endpoint={} dbSize={} quotaBytes={} action=\"compact, defragment and"
                + " disarm, or raise --quota-backend-bytes\"", endpoint, size, quotaBytes);
    }

    /** Clears an alarm of every member; commits are the caller's. */
    void disarm(Connection c, Alarm.Type type) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + t.alarm() + " WHERE type = ?")) {
            s.setString(1, type.name());
            s.executeUpdate();
        }
        state.setAlarms(alarms(c, t));
    }

    static List<Alarm> alarms(Connection c, Tables t) throws SQLException {
        List<Alarm> raised = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT member_id, type FROM " + t.alarm()
                + " ORDER BY member_id, type"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                raised.add(new Alarm(rs.getLong(1), Alarm.Type.valueOf(rs.getString(2))));
            }
        }
        return raised;
    }
}
