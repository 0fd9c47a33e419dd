package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Alarm;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;

/** The {@code meta} row: what the store is and how far it has got. */
record Meta(int schemaVersion, long revision, long compactRevision, long compactCursor, long clusterId,
        long memberId, long appliedIndex, Set<Alarm.Type> alarms, long raftTerm, long raftIndex) {

    static Meta read(Statements db) throws SQLException {
        try (ResultSet rs = db.get("SELECT schema_version, revision, compact_revision, compact_cursor, cluster_id,"
                + " member_id, applied_index, alarms, raft_term, raft_index FROM meta WHERE id = 1").executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the meta table has no row");
            }
            Meta meta = new Meta(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), parseAlarms(rs.getString(8)), rs.getLong(9), rs.getLong(10));
            Statements.finish(rs);
            return meta;
        }
    }

    /** The revision and compact revision only: what every read needs, in the read's own snapshot. */
    static long[] revisions(Statements db) throws SQLException {
        try (ResultSet rs = db.get("SELECT revision, compact_revision FROM meta WHERE id = 1").executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the meta table has no row");
            }
            long[] revisions = {rs.getLong(1), rs.getLong(2)};
            Statements.finish(rs);
            return revisions;
        }
    }

    static void writeProgress(Statements db, long revision, long appliedIndex) throws SQLException {
        var ps = db.get("UPDATE meta SET revision = ?, applied_index = ? WHERE id = 1");
        ps.setLong(1, revision);
        ps.setLong(2, appliedIndex);
        ps.executeUpdate();
    }

    /** A Raft replica: the last log entry applied, in the transaction that applied it. */
    static void writeRaftPosition(Statements db, long term, long index) throws SQLException {
        var ps = db.get("UPDATE meta SET raft_term = ?, raft_index = ? WHERE id = 1");
        ps.setLong(1, term);
        ps.setLong(2, index);
        ps.executeUpdate();
    }

    static void writeCompaction(Statements db, long compactRevision, long cursor) throws SQLException {
        var ps = db.get("UPDATE meta SET compact_revision = ?, compact_cursor = ? WHERE id = 1");
        ps.setLong(1, compactRevision);
        ps.setLong(2, cursor);
        ps.executeUpdate();
    }

    static void writeAlarms(Statements db, Set<Alarm.Type> alarms) throws SQLException {
        var ps = db.get("UPDATE meta SET alarms = ? WHERE id = 1");
        ps.setString(1, formatAlarms(alarms));
        ps.executeUpdate();
    }

    static Set<Alarm.Type> parseAlarms(String s) {
        Set<Alarm.Type> set = EnumSet.noneOf(Alarm.Type.class);
        if (s != null) {
            for (String name : s.split(",")) {
                if (!name.isBlank()) {
                    set.add(Alarm.Type.valueOf(name.trim()));
                }
            }
        }
        return set;
    }

    static String formatAlarms(Set<Alarm.Type> alarms) {
        StringBuilder sb = new StringBuilder();
        for (Alarm.Type t : alarms) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(t.name());
        }
        return sb.toString();
    }
}
