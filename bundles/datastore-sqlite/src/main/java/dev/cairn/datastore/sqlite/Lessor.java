package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.StoreError;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grants, revokes and expires leases (etcd's lessor). Grants and revokes are writer tasks; expiry is a revoke
 * submitted by the expiry timer through the same path as a client's. Deadlines live in the {@link LeaseTable}.
 */
final class Lessor {
    private static final Logger LOG = LoggerFactory.getLogger(Lessor.class);

    private final LeaseTable table;
    private final RevisionLog log;
    private final RangeReader writerReads;
    private final TxnExecutor writerTxns;
    private final SpaceQuota quota;

    Lessor(LeaseTable table, RevisionLog log, RangeReader writerReads, TxnExecutor writerTxns, SpaceQuota quota) {
        this.table = table;
        this.log = log;
        this.writerReads = writerReads;
        this.writerTxns = writerTxns;
        this.quota = quota;
    }

    /**
     * A grant: id 0 picks an unused random positive id; an existing id is LEASE_EXISTS; the TTL is raised to
     * {@link Lease#MIN_TTL}. The caller has refused TTLs above {@link Lease#MAX_TTL}. No new revision.
     */
    WriteTask<Lease> grant(long id, long ttlSeconds) {
        return WriteTask.of(scope -> grant(id, ttlSeconds, false, scope));
    }

    /**
     * A grant inside the caller's write. {@code picked} says that the id was chosen for the client rather than by
     * it: a taken one is replaced by the next free id of a fixed sequence (the same on every replica) instead of
     * being refused. Id 0 picks a random id (a single store only: replicas must apply deterministically).
     */
    Lease grant(long id, long ttlSeconds, boolean picked, RevisionScope scope) throws SQLException {
        long ttl = Math.max(ttlSeconds, Lease.MIN_TTL);
        if (quota.noSpace()) {
            throw StoreError.NO_SPACE.exception();
        }
        long leaseId = id;
        if (leaseId == 0) {
            do {
                leaseId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            } while (log.leaseExists(leaseId));
        } else if (log.leaseExists(leaseId)) {
            if (!picked) {
                throw StoreError.LEASE_EXISTS.exception();
            }
            do {
                leaseId = nextCandidate(leaseId);
            } while (log.leaseExists(leaseId));
        }
        log.insertLease(leaseId, ttl);
        scope.markChanged();
        long granted = leaseId;
        scope.afterCommit(() -> table.granted(granted, ttl));
        return new Lease(leaseId, ttl, ttl, List.of());
    }

    /** A positive id derived from {@code id} by a fixed mixing function (splitmix64). */
    private static long nextCandidate(long id) {
        long z = id + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 31)) & Long.MAX_VALUE;
        return z == 0 ? 1 : z;
    }

    /** Deletes the lease's keys in one revision (no keys: no new revision) and the lease; returns the revision. */
    WriteTask<Long> revoke(long id) {
        return WriteTask.of(scope -> revoke(id, scope));
    }

    /** A revoke inside the caller's write; returns the revision after it. */
    long revoke(long id, RevisionScope scope) throws SQLException {
        if (!log.leaseExists(id)) {
            throw StoreError.LEASE_NOT_FOUND.exception();
        }
        for (byte[] key : writerReads.keysWithLease(id)) {
            writerTxns.delete(DeleteRequest.of(KeyRange.single(key)), scope);
        }
        log.deleteLease(id);
        scope.markChanged();
        scope.afterCommit(() -> table.revoked(id));
        return scope.viewRevision();
    }

    /** Revokes, through the writer, every lease past its deadline (run by the expiry timer). */
    void expire(WriteBatcher writer) {
        for (long id : table.takeExpired()) {
            writer.submit(revoke(id)).whenComplete((revision, failure) -> {
                if (failure == null) {
                    LOG.debug("lease expired id={} revision={}", id, revision);
                } else if (DatastoreException.of(failure).error() != StoreError.LEASE_NOT_FOUND) {
                    table.expiryFailed(id);
                }
            });
        }
    }

    /** Remaining and granted TTL, with the attached keys when asked; {@link Lease#notFound} when unknown. */
    Lease timeToLive(long id, boolean withKeys, ReaderPool readers) {
        long remaining = table.remaining(id);
        if (remaining < 0) {
            return Lease.notFound(id);
        }
        List<byte[]> keys = withKeys ? readers.read(r -> r.ranges.keysWithLease(id)) : List.of();
        return new Lease(id, remaining, table.grantedTtl(id), keys);
    }
}
