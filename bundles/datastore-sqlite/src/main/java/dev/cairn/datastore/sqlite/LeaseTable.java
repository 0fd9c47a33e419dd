package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lease deadlines, kept in memory only (the database holds ids and granted TTLs). Every lease known at open gets
 * a fresh full TTL, as etcd does when a member becomes leader. Grants and revokes reach this table only after
 * their commit; expiry is detected here and carried out by a revoke through the writer.
 */
final class LeaseTable {

    private static final class Entry {
        final long ttl;
        volatile long deadline;
        /** An expiry revoke is on its way through the writer. */
        volatile boolean expiring;

        Entry(long ttl, long deadline) {
            this.ttl = ttl;
            this.deadline = deadline;
        }
    }

    private final Map<Long, Entry> leases = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    LeaseTable(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Replaces the table with the leases in the database; leases already known keep their deadline. */
    void load(Map<Long, Long> ttls) {
        leases.keySet().retainAll(ttls.keySet());
        ttls.forEach((id, ttl) -> leases.computeIfAbsent(id, k -> new Entry(ttl, deadline(ttl))));
    }

    void granted(long id, long ttl) {
        leases.put(id, new Entry(ttl, deadline(ttl)));
    }

    void revoked(long id) {
        leases.remove(id);
    }

    boolean contains(long id) {
        return leases.containsKey(id);
    }

    int size() {
        return leases.size();
    }

    /** Renews to the full TTL; 0 when the lease is unknown or already expired. */
    long keepAlive(long id) {
        Entry e = leases.get(id);
        if (e == null || e.expiring || e.deadline - nanoClock.getAsLong() <= 0) {
            return 0;
        }
        e.deadline = deadline(e.ttl);
        return e.ttl;
    }

    /** Whole seconds left, truncated as etcd does (0 in the last second), or -1 ({@link Lease#notFound}). */
    long remaining(long id) {
        Entry e = leases.get(id);
        if (e == null) {
            return -1;
        }
        long left = e.deadline - nanoClock.getAsLong();
        if (left <= 0) {
            return -1;
        }
        return left / 1_000_000_000L;
    }

    long grantedTtl(long id) {
        Entry e = leases.get(id);
        return e == null ? 0 : e.ttl;
    }

    List<Long> ids() {
        return new ArrayList<>(leases.keySet());
    }

    /** Every lease gets a fresh full TTL, as etcd does when a member becomes leader. */
    void renewAll() {
        for (Entry e : leases.values()) {
            e.deadline = deadline(e.ttl);
            e.expiring = false;
        }
    }

    /** Leases past their deadline that no revoke is handling yet; they are marked as being revoked. */
    List<Long> takeExpired() {
        long now = nanoClock.getAsLong();
        List<Long> expired = new ArrayList<>();
        leases.forEach((id, e) -> {
            if (!e.expiring && e.deadline - now <= 0) {
                e.expiring = true;
                expired.add(id);
            }
        });
        return expired;
    }

    /** The expiry revoke failed; a later pass tries again. */
    void expiryFailed(long id) {
        Entry e = leases.get(id);
        if (e != null) {
            e.expiring = false;
        }
    }

    private long deadline(long ttlSeconds) {
        long nanos = ttlSeconds > Long.MAX_VALUE / 1_000_000_000L / 2 ? Long.MAX_VALUE / 4
                : ttlSeconds * 1_000_000_000L;
        return nanoClock.getAsLong() + nanos;
    }
}
