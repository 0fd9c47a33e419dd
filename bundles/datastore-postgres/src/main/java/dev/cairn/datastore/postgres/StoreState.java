package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Alarm;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this server last learned about the shared store, for the calls that must not wait for the database
 * ({@link dev.cairn.datastore.api.Datastore#currentRevision()}, status, alarms). The revision moves forward when this
 * server commits a write and when the watch poller sees other servers' writes; it never moves back.
 */
final class StoreState {
    private final AtomicLong revision = new AtomicLong(1);
    private final AtomicLong compactRevision = new AtomicLong(0);
    private volatile List<Alarm> alarms = List.of();
    private volatile long dbSize = 1;
    private volatile long dbSizeInUse = 1;
    private volatile long leases;

    long revision() {
        return revision.get();
    }

    void sawRevision(long r) {
        revision.accumulateAndGet(r, Math::max);
    }

    long compactRevision() {
        return compactRevision.get();
    }

    void sawCompaction(long r) {
        compactRevision.accumulateAndGet(r, Math::max);
    }

    /** The alarms raised in the store, by any server sharing it. */
    List<Alarm> alarms() {
        return alarms;
    }

    boolean noSpace() {
        for (Alarm a : alarms) {
            if (a.type() == Alarm.Type.NOSPACE) {
                return true;
            }
        }
        return false;
    }

    void setAlarms(List<Alarm> raised) {
        alarms = List.copyOf(raised);
    }

    long leases() {
        return leases;
    }

    void setLeases(long count) {
        leases = count;
    }

    long dbSize() {
        return dbSize;
    }

    long dbSizeInUse() {
        return dbSizeInUse;
    }

    void setSizes(long size, long inUse) {
        dbSize = Math.max(1, size);
        dbSizeInUse = Math.max(1, Math.min(inUse, dbSize));
    }
}
