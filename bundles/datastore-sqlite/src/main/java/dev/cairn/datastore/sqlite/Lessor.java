package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.StoreError;
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
        long ttl = Math.max(ttlSeconds, Lease.MIN_TTL);
        return WriteTask.of(scope -> {
            if (quota.noSpace()) {
                throw StoreError.NO_SPACE.exception();
            }
            long leaseId = id;
            if (leaseId == 0) {
                do {
                    leaseId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
                } while (log.leaseExists(leaseId));
            } else if (log.leaseExists(leaseId)) {
                throw StoreError.LEASE_EXISTS.exception();
            }
            log.insertLease(leaseId, ttl);
            scope.markChanged();
            long granted = leaseId;
            scope.afterCommit(() -> table.granted(granted, ttl));
            return new Lease(leaseId, ttl, ttl, List.of());
        });
    }

    /** Deletes the lease's keys in one revision (no keys: no new revision) and the lease; returns the revision. */
    WriteTask<Long> revoke(long id) {
        return WriteTask.of(scope -> {
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
        });
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
