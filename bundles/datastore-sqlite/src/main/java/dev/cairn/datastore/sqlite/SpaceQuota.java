package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Alarm;
import java.sql.SQLException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The space quota and the alarms (etcd's capped applier). Once the database outgrows the quota the NOSPACE alarm
 * is raised and stored; from then on puts, txns holding a put and lease grants are refused with NO_SPACE while
 * reads, deletes, revokes and compaction go on, until the alarm is disarmed.
 */
final class SpaceQuota {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceQuota.class);

    private final long quotaBytes;
    private final String file;
    private volatile Set<Alarm.Type> alarms = Set.of();

    SpaceQuota(long quotaBytes, String file) {
        this.quotaBytes = quotaBytes;
        this.file = file;
    }

    long quotaBytes() {
        return quotaBytes;
    }

    void load(Set<Alarm.Type> stored) {
        alarms = Collections.unmodifiableSet(stored.isEmpty() ? EnumSet.noneOf(Alarm.Type.class)
                : EnumSet.copyOf(stored));
    }

    Set<Alarm.Type> alarms() {
        return alarms;
    }

    boolean noSpace() {
        return alarms.contains(Alarm.Type.NOSPACE);
    }

    /** After a commit, on the writer thread: raises NOSPACE (in its own transaction) once the file is too big. */
    void check(Statements db) throws SQLException {
        if (noSpace()) {
            return;
        }
        long size = db.queryLong("PRAGMA page_count") * db.queryLong("PRAGMA page_size");
        if (size <= quotaBytes) {
            return;
        }
        Set<Alarm.Type> raised = with(Alarm.Type.NOSPACE);
        db.exec("BEGIN IMMEDIATE");
        try {
            Meta.writeAlarms(db, raised);
            db.exec("COMMIT");
        } catch (SQLException e) {
            db.rollbackQuietly();
            throw e;
        }
        alarms = raised;
        LOG.warn("alarm raised alarm=NOSPACE file={} dbSize={} quotaBytes={} action=\"compact, defragment and"
                + " disarm, or raise --quota-backend-bytes\"", file, size, quotaBytes);
    }

    /**
     * A Raft replica's check: the database size when it is over the quota and NOSPACE is not raised yet, else -1.
     * The replica does not raise the alarm itself; the alarm is a replicated command.
     */
    long oversize(Statements db) throws SQLException {
        if (noSpace()) {
            return -1;
        }
        long size = db.queryLong("PRAGMA page_count") * db.queryLong("PRAGMA page_size");
        return size > quotaBytes ? size : -1;
    }

    Set<Alarm.Type> with(Alarm.Type type) {
        Set<Alarm.Type> set = alarms.isEmpty() ? EnumSet.noneOf(Alarm.Type.class) : EnumSet.copyOf(alarms);
        set.add(type);
        return Collections.unmodifiableSet(set);
    }

    Set<Alarm.Type> without(Alarm.Type type) {
        Set<Alarm.Type> set = alarms.isEmpty() ? EnumSet.noneOf(Alarm.Type.class) : EnumSet.copyOf(alarms);
        set.remove(type);
        return Collections.unmodifiableSet(set);
    }

    /** Applies a change already committed by the writer. */
    void set(Set<Alarm.Type> committed) {
        alarms = committed;
    }
}
