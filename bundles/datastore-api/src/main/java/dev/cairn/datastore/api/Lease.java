package dev.cairn.datastore.api;

import java.util.List;

/**
 * A lease as {@code LeaseTimeToLive} reports it.
 *
 * @param id         the lease id
 * @param ttl        seconds left; -1 when the lease does not exist
 * @param grantedTtl the TTL it was granted with
 * @param keys       the attached keys, when asked for
 */
public record Lease(long id, long ttl, long grantedTtl, List<byte[]> keys) {
    /** etcd's {@code MaxLeaseTTL}. */
    public static final long MAX_TTL = 9_000_000_000L;
    /** etcd's minimum TTL with default election settings; shorter grants are raised to it. */
    public static final long MIN_TTL = 2;

    public static Lease notFound(long id) {
        return new Lease(id, -1, 0, List.of());
    }
}
