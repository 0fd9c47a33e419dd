package dev.cairn.datastore.api;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An MVCC key-value store with etcd v3 semantics: the one contract the etcd gRPC server and the Kubernetes-style
 * API use, whatever the backend.
 *
 * <p><b>Revisions.</b> An empty store is at revision 1. Every successful mutating request (a put, a delete that
 * removed at least one key, a txn that wrote, a lease revoke that deleted keys) adds exactly 1; a txn's writes share
 * that revision. Requests that change nothing do not bump it.
 *
 * <p><b>Durability.</b> A future completes only once its write is durable (fsynced, or fsynced on a quorum for a
 * replicated backend). Errors complete the future exceptionally with a {@link DatastoreException}.
 *
 * <p><b>Concurrency.</b> Every method may be called from any thread; writes are linearizable and reads are
 * linearizable unless {@link RangeRequest#serializable()}.
 */
public interface Datastore extends AutoCloseable {

    /** The backend type, e.g. {@code sqlite} or {@code raft}. */
    String type();

    CompletableFuture<RangeResult> range(RangeRequest request);

    CompletableFuture<PutResult> put(PutRequest request);

    CompletableFuture<DeleteResult> delete(DeleteRequest request);

    CompletableFuture<TxnResult> txn(TxnRequest request);

    /**
     * Drops every version older than {@code revision} except the latest of each live key, and tombstones at or
     * below it. {@code revision <= compactRevision}: COMPACTED; {@code > current}: FUTURE_REVISION. With
     * {@code physical} the future completes once the space is freed; otherwise once the compaction is recorded.
     *
     * @return the revision after the call
     */
    CompletableFuture<Long> compact(long revision, boolean physical);

    /** Registers a watch; events come on the listener (see {@link WatchListener}). */
    Watch watch(WatchRequest request, WatchListener listener);

    /**
     * Grants a lease. {@code id 0} lets the store pick a positive id; an existing id is LEASE_EXISTS; a TTL above
     * {@link Lease#MAX_TTL} is LEASE_TTL_TOO_LARGE; a TTL below {@link Lease#MIN_TTL} is raised to it.
     *
     * @return the granted lease (its {@code ttl} is the granted TTL)
     */
    CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds);

    /** Revokes a lease and deletes its keys in one revision. Unknown id: LEASE_NOT_FOUND. Returns the revision. */
    CompletableFuture<Long> leaseRevoke(long id);

    /** Renews a lease to its full TTL; returns the granted TTL, or 0 for an unknown or expired lease. */
    CompletableFuture<Long> leaseKeepAlive(long id);

    /** The lease with its remaining TTL ({@link Lease#notFound} when unknown), with its keys when asked. */
    CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys);

    /** Ids of every live lease. */
    CompletableFuture<List<Long>> leases();

    /** The current revision (1 for an empty store); never blocks. */
    long currentRevision();

    StoreStatus status();

    ClusterState cluster();

    /**
     * Membership changes, for a backend whose cluster can have more than one member; empty for a single-node
     * backend (the etcd API then answers changes as a cluster that cannot make them).
     */
    default java.util.Optional<ClusterMembership> membership() {
        return java.util.Optional.empty();
    }

    /**
     * The figures of the write path, the disk, Raft, watches and leases (the metrics port serves them, a status
     * command shows them); cheap enough to call on every scrape. A backend that measures nothing keeps this default.
     */
    default StoreMetrics metrics() {
        return StoreMetrics.NONE;
    }

    /**
     * Kubernetes' readiness: this server can serve linearizable reads now. No CORRUPT alarm, a leader is known and a
     * linearizable read succeeds within {@code deadline}; a Raft member without quorum is not ready, and the reason
     * says so. (NOSPACE does not count: reads and deletes still work, as etcd's readyz has it.)
     */
    default CompletableFuture<ProbeResult> ready(Duration deadline) {
        return ServingProbes.ready(this, deadline);
    }

    /**
     * Kubernetes' liveness: the process is alive and its store not wedged, i.e. a serializable (local) read succeeds
     * within {@code deadline}. It does not depend on quorum: restarting a member that lost quorum would not help.
     */
    default CompletableFuture<ProbeResult> live(Duration deadline) {
        return ServingProbes.live(this, deadline);
    }

    /** Active alarms. */
    List<Alarm> alarms();

    /** Clears an alarm (only after the cause is gone will writes succeed again). */
    void disarm(Alarm.Type type);

    /** Reclaims the space freed by compaction; reads and writes keep working. */
    CompletableFuture<Void> defragment();

    /** CRC-32 of every version up to {@code revision} (0: current). */
    CompletableFuture<HashResult> hashKV(long revision);

    /** Writes a consistent copy of the whole store, at one revision, to {@code out}. */
    CompletableFuture<Long> snapshot(OutputStream out);

    /** Stops serving: pending writes are finished or refused with STOPPED, watches are cancelled, files closed. */
    @Override
    void close();
}
