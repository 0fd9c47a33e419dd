package dev.cairn.datastore.etcd;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.etcd.pb.ClusterGrpc;
import dev.cairn.etcd.pb.KVGrpc;
import dev.cairn.etcd.pb.LeaseGrpc;
import dev.cairn.etcd.pb.MaintenanceGrpc;
import dev.cairn.etcd.pb.Rpc;
import dev.cairn.etcd.pb.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Datastore} that is an external etcd: every call is the matching etcd v3 RPC, so revisions, history,
 * leases, compaction and errors are etcd's own. The store keeps only the highest revision it has seen (for the
 * non-blocking {@link #currentRevision()}, followed by a {@link RevisionFollower} when others write) and the
 * compact revision (etcd reports it in no status call).
 */
public final class EtcdDatastore implements Datastore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdDatastore.class);
    public static final String TYPE = "etcd";

    /** Ordinary calls; defragment and snapshot have none (they take as long as the database is big). */
    private static final long CALL_DEADLINE_MS = 60_000;
    /** How stale the cluster view of {@link #cluster()} may be. */
    private static final long CLUSTER_REFRESH_MS = 1_000;
    private static final int CLUSTER_FAILURES_TO_LEADERLESS = 3;
    /** How long close() lets calls in flight finish before it cuts them (they then fail as STOPPED). */
    private static final long CLOSE_GRACE_MS = 5_000;

    private final EtcdEndpoints endpoints;
    private final EtcdChannel etcd;
    private final ManagedChannel channel;
    private final EtcdErrors errors;
    private final long quotaBytes;
    private final ScheduledExecutorService timers;
    private final AtomicLong revision = new AtomicLong(1);
    private final AtomicLong compactRevision = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile RevisionFollower follower;
    private volatile ClusterState clusterState;
    private final EtcdMembership membership = new EtcdMembership(this);
    private volatile CompletableFuture<ClusterState> clusterRefresh;
    /** Touched only by one refresh at a time. */
    private int clusterFailures;

    private EtcdDatastore(EtcdEndpoints endpoints, EtcdChannel etcd, long quotaBytes) {
        this.endpoints = endpoints;
        this.etcd = etcd;
        this.channel = etcd.channel();
        this.errors = new EtcdErrors(endpoints.toString());
        // etcd does not report its --quota-backend-bytes; both default to 2 GiB
        this.quotaBytes = quotaBytes > 0 ? quotaBytes : dev.cairn.datastore.spi.BackendSettings.DEFAULT_QUOTA_BYTES;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-etcd-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the etcd at {@code endpoints} and checks that it answers (Status), so that a wrong address or TLS
     * file stops startup with a message naming the flags instead of failing every request later.
     */
    public static EtcdDatastore open(String endpoint, TlsFiles tls, long quotaBytes) {
        long start = System.nanoTime();
        EtcdEndpoints endpoints = EtcdEndpoints.parse(endpoint);
        EtcdChannel etcd = new EtcdChannel(endpoints, tls);
        EtcdDatastore store = new EtcdDatastore(endpoints, etcd, quotaBytes);
        try {
            Rpc.StatusResponse status = store.blocking(store.maintenance()::status,
                    Rpc.StatusRequest.getDefaultInstance());
            store.sawRevision(status.getHeader().getRevision());
            store.refreshCompactRevision();
            store.clusterState = store.refreshCluster().get(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
            store.timers.scheduleWithFixedDelay(store::refreshClusterUnlessPending, CLUSTER_REFRESH_MS,
                    CLUSTER_REFRESH_MS, TimeUnit.MILLISECONDS);
            store.follower = new RevisionFollower(store, store.timers);
            LOG.info("etcd datastore connected endpoints={} version={} revision={} compactRevision={} "
                    + "clusterId={} memberId={} connectMs={}", endpoints, status.getVersion(),
                    store.currentRevision(), store.compactRevision.get(),
                    Long.toUnsignedString(status.getHeader().getClusterId(), 16),
                    Long.toUnsignedString(status.getHeader().getMemberId(), 16),
                    (System.nanoTime() - start) / 1_000_000);
            return store;
        } catch (RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
            store.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot reach the external etcd at " + endpoints + " ("
                    + (endpoints.tls() ? "--datastore-endpoint, --datastore-cafile, --datastore-certfile, "
                    + "--datastore-keyfile" : "--datastore-endpoint") + "): "
                    + (e instanceof ExecutionException ? DatastoreException.of(e).getMessage() : e.getMessage()), e);
        }
    }

    /** Opens with the {@code etcd.*} TLS options of a backend's settings. */
    public static EtcdDatastore open(String endpoint, java.util.Map<String, String> options, long quotaBytes) {
        return open(endpoint, new TlsFiles(options.get(TlsFiles.CA_OPTION), options.get(TlsFiles.CERT_OPTION),
                options.get(TlsFiles.KEY_OPTION)), quotaBytes);
    }

    @Override
    public String type() {
        return TYPE;
    }

    // ---- KV ----

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request) {
        return call(kv()::range, EtcdMessages.range(request),
                resp -> EtcdMessages.rangeResult(resp, request, currentRevision()), Rpc.RangeResponse::getHeader);
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        return call(kv()::put, EtcdMessages.put(request),
                resp -> EtcdMessages.putResult(resp, currentRevision()), Rpc.PutResponse::getHeader);
    }

    @Override
    public CompletableFuture<DeleteResult> delete(DeleteRequest request) {
        return call(kv()::deleteRange, EtcdMessages.delete(request),
                resp -> EtcdMessages.deleteResult(resp, currentRevision()), Rpc.DeleteRangeResponse::getHeader);
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        return call(kv()::txn, EtcdMessages.txn(request),
                resp -> EtcdMessages.txnResult(resp, request, currentRevision()), Rpc.TxnResponse::getHeader);
    }

    @Override
    public CompletableFuture<Long> compact(long rev, boolean physical) {
        return call(kv()::compact, Rpc.CompactionRequest.newBuilder().setRevision(rev).setPhysical(physical).build(),
                resp -> {
                    sawCompaction(rev);
                    return EtcdMessages.revision(resp.getHeader(), currentRevision());
                }, Rpc.CompactionResponse::getHeader);
    }

    // ---- watch ----

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        EtcdWatch w = new EtcdWatch(WatchGrpc.newStub(channel), request, listener, this, timers);
        if (closing.get()) {
            w.cancelForClose("datastore closed");
            return w;
        }
        watches.add(w);
        w.open();
        return w;
    }

    void forget(EtcdWatch w) {
        watches.remove(w);
    }

    boolean isClosing() {
        return closing.get();
    }

    // ---- leases ----

    @Override
    public CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds) {
        return call(lease()::leaseGrant, Rpc.LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds).build(),
                resp -> new Lease(resp.getID(), resp.getTTL(), resp.getTTL(), List.of()),
                Rpc.LeaseGrantResponse::getHeader);
    }

    @Override
    public CompletableFuture<Long> leaseRevoke(long id) {
        return call(lease()::leaseRevoke, Rpc.LeaseRevokeRequest.newBuilder().setID(id).build(),
                resp -> EtcdMessages.revision(resp.getHeader(), currentRevision()),
                Rpc.LeaseRevokeResponse::getHeader);
    }

    /** One renewal on its own keep-alive stream: etcd answers TTL 0 for an unknown or expired lease. */
    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        if (!admit(result)) {
            return result;
        }
        StreamObserver<Rpc.LeaseKeepAliveRequest> requests = lease().leaseKeepAlive(
                new StreamObserver<Rpc.LeaseKeepAliveResponse>() {
                    @Override
                    public void onNext(Rpc.LeaseKeepAliveResponse resp) {
                        sawRevision(resp.getHeader().getRevision());
                        result.complete(resp.getTTL());
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(errors.map(t, closing.get()));
                    }

                    @Override
                    public void onCompleted() {
                        result.completeExceptionally(new DatastoreException(StoreError.INTERNAL,
                                "external etcd at " + endpoints + " closed a lease keep-alive without an answer",
                                null));
                    }
                });
        requests.onNext(Rpc.LeaseKeepAliveRequest.newBuilder().setID(id).build());
        result.whenComplete((ttl, failure) -> {
            if (requests instanceof ClientCallStreamObserver<Rpc.LeaseKeepAliveRequest> call && failure == null) {
                call.onCompleted();
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        return call(lease()::leaseTimeToLive, Rpc.LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(withKeys)
                .build(), resp -> {
                    if (resp.getTTL() < 0) {
                        return Lease.notFound(id);
                    }
                    List<byte[]> keys = new ArrayList<>(resp.getKeysCount());
                    resp.getKeysList().forEach(k -> keys.add(k.toByteArray()));
                    return new Lease(resp.getID(), resp.getTTL(), resp.getGrantedTTL(), keys);
                }, Rpc.LeaseTimeToLiveResponse::getHeader)
                .exceptionally(failure -> {
                    DatastoreException d = DatastoreException.of(failure);
                    if (d.error() == StoreError.LEASE_NOT_FOUND) {
                        return Lease.notFound(id);
                    }
                    throw d;
                });
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return call(lease()::leaseLeases, Rpc.LeaseLeasesRequest.getDefaultInstance(),
                resp -> resp.getLeasesList().stream().map(Rpc.LeaseStatus::getID).toList(),
                Rpc.LeaseLeasesResponse::getHeader);
    }

    // ---- status and maintenance ----

    @Override
    public long currentRevision() {
        return revision.get();
    }

    @Override
    public StoreStatus status() {
        refuseIfClosed();
        Rpc.StatusResponse s = blocking(maintenance()::status, Rpc.StatusRequest.getDefaultInstance());
        sawRevision(s.getHeader().getRevision());
        refreshCompactRevision();
        long inUse = s.getDbSizeInUse() > 0 ? s.getDbSizeInUse() : s.getDbSize();
        return new StoreStatus(s.getHeader().getRevision(), compactRevision.get(), s.getDbSize(), inUse,
                quotaBytes);
    }

    /**
     * The etcd's cluster as last seen, never a call: every response header of the etcd API asks for it, so it is
     * refreshed in the background every {@link #CLUSTER_REFRESH_MS} instead (one Status and one MemberList).
     */
    @Override
    public ClusterState cluster() {
        refuseIfClosed();
        return clusterState;
    }

    /**
     * Asks etcd for its status and members without blocking a thread. After {@link #CLUSTER_FAILURES_TO_LEADERLESS}
     * failed refreshes in a row the view says "no leader", so health checks report an etcd that does not answer.
     */
    CompletableFuture<ClusterState> refreshCluster() {
        CompletableFuture<Rpc.StatusResponse> status = call(maintenance()::status,
                Rpc.StatusRequest.getDefaultInstance(), r -> r, Rpc.StatusResponse::getHeader);
        CompletableFuture<Rpc.MemberListResponse> list = call(clusterApi()::memberList,
                Rpc.MemberListRequest.getDefaultInstance(), r -> r, Rpc.MemberListResponse::getHeader);
        return status.thenCombine(list, EtcdDatastore::clusterState).whenComplete((state, failure) -> {
            if (failure == null) {
                clusterFailures = 0;
                clusterState = state;
            } else if (++clusterFailures == CLUSTER_FAILURES_TO_LEADERLESS && !closing.get()) {
                ClusterState last = clusterState;
                clusterState = new ClusterState(last.clusterId(), last.memberId(), 0, last.raftTerm(),
                        last.raftIndex(), last.appliedIndex(), last.learner(), last.members());
                LOG.warn("etcd cluster unknown endpoints={} failures={} cause=\"{}\"", endpoints, clusterFailures,
                        DatastoreException.of(failure).getMessage());
            }
        });
    }

    /** A slow etcd must not pile refreshes up: the next one starts only after the last one answered. */
    private void refreshClusterUnlessPending() {
        CompletableFuture<ClusterState> last = clusterRefresh;
        if (last == null || last.isDone()) {
            clusterRefresh = refreshCluster();
        }
    }

    private static ClusterState clusterState(Rpc.StatusResponse s, Rpc.MemberListResponse list) {
        List<Member> members = new ArrayList<>();
        for (Rpc.Member m : list.getMembersList()) {
            members.add(new Member(m.getID(), m.getName(), List.copyOf(m.getPeerURLsList()),
                    List.copyOf(m.getClientURLsList()), m.getIsLearner()));
        }
        Rpc.ResponseHeader h = s.getHeader();
        // applied and committed index are read one after the other inside etcd: applied may pass the committed
        // index read just before it
        long applied = Math.min(s.getRaftAppliedIndex() > 0 ? s.getRaftAppliedIndex() : s.getRaftIndex(),
                s.getRaftIndex());
        return new ClusterState(h.getClusterId(), h.getMemberId(), s.getLeader(), s.getRaftTerm(),
                Math.max(1, s.getRaftIndex()), applied, s.getIsLearner(), members);
    }

    @Override
    public java.util.Optional<dev.cairn.datastore.api.ClusterMembership> membership() {
        return java.util.Optional.of(membership);
    }

    @Override
    public List<Alarm> alarms() {
        refuseIfClosed();
        Rpc.AlarmResponse resp = blocking(maintenance()::alarm,
                Rpc.AlarmRequest.newBuilder().setAction(Rpc.AlarmRequest.AlarmAction.GET)
                        .setAlarm(Rpc.AlarmType.NONE).build());
        List<Alarm> alarms = new ArrayList<>();
        for (Rpc.AlarmMember a : resp.getAlarmsList()) {
            switch (a.getAlarm()) {
                case NOSPACE -> alarms.add(new Alarm(a.getMemberID(), Alarm.Type.NOSPACE));
                case CORRUPT -> alarms.add(new Alarm(a.getMemberID(), Alarm.Type.CORRUPT));
                default -> {
                }
            }
        }
        return alarms;
    }

    @Override
    public void disarm(Alarm.Type type) {
        for (Alarm a : alarms()) {
            if (a.type() == type) {
                blocking(maintenance()::alarm, Rpc.AlarmRequest.newBuilder()
                        .setAction(Rpc.AlarmRequest.AlarmAction.DEACTIVATE).setMemberID(a.memberId())
                        .setAlarm(Rpc.AlarmType.valueOf(type.name())).build());
            }
        }
    }

    /** Defragments the member this server is connected to (etcd defragments one member per call). */
    @Override
    public CompletableFuture<Void> defragment() {
        return call(MaintenanceGrpc.newStub(channel)::defragment, Rpc.DefragmentRequest.getDefaultInstance(),
                resp -> null, Rpc.DefragmentResponse::getHeader);
    }

    @Override
    public CompletableFuture<HashResult> hashKV(long rev) {
        return call(maintenance()::hashKV, Rpc.HashKVRequest.newBuilder().setRevision(rev).build(), resp -> {
            sawCompaction(resp.getCompactRevision());
            return new HashResult(Integer.toUnsignedLong(resp.getHash()), resp.getCompactRevision(),
                    rev > 0 ? rev : resp.getHeader().getRevision());
        }, Rpc.HashKVResponse::getHeader);
    }

    /** etcd's own snapshot (its bbolt file with the sha256 trailer), restorable with etcdctl snapshot restore. */
    @Override
    public CompletableFuture<Long> snapshot(OutputStream out) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        if (!admit(result)) {
            return result;
        }
        // etcd 3.4 sends no header with the snapshot: the revision read just before is the one it holds at least
        range(RangeRequest.builder(KeyRange.single(new byte[] {0})).countOnly(true).build()).whenComplete(
                (before, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(DatastoreException.of(failure));
                        return;
                    }
                    MaintenanceGrpc.newStub(channel).snapshot(Rpc.SnapshotRequest.getDefaultInstance(),
                            new SnapshotWriter(out, before.revision(), result));
                });
        return result;
    }

    /** Writes the snapshot's chunks as they come; a failing stream cancels the call. */
    private final class SnapshotWriter implements io.grpc.stub.ClientResponseObserver<Rpc.SnapshotRequest,
            Rpc.SnapshotResponse> {
        private final OutputStream out;
        private final CompletableFuture<Long> result;
        private long revisionSeen;
        private ClientCallStreamObserver<Rpc.SnapshotRequest> call;

        SnapshotWriter(OutputStream out, long revisionBefore, CompletableFuture<Long> result) {
            this.out = out;
            this.revisionSeen = revisionBefore;
            this.result = result;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Rpc.SnapshotRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(Rpc.SnapshotResponse chunk) {
            revisionSeen = Math.max(revisionSeen, chunk.getHeader().getRevision());
            try {
                chunk.getBlob().writeTo(out);
            } catch (IOException e) {
                result.completeExceptionally(new DatastoreException(StoreError.INTERNAL,
                        "cannot write the snapshot: " + e.getMessage(), e));
                call.cancel("snapshot output failed", e);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(errors.map(t, closing.get()));
        }

        @Override
        public void onCompleted() {
            try {
                out.flush();
                result.complete(revisionSeen);
            } catch (IOException e) {
                result.completeExceptionally(new DatastoreException(StoreError.INTERNAL,
                        "cannot write the snapshot: " + e.getMessage(), e));
            }
        }
    }

    // ---- closing ----

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        // writes already sent finish with etcd's answer; only those still unanswered after the grace are cut
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // failed calls have their answer; unanswered ones are cut below and fail as STOPPED
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (follower != null) {
            follower.close();
        }
        for (EtcdWatch w : List.copyOf(watches)) {
            w.cancelForClose("datastore closed");
        }
        watches.clear();
        timers.shutdownNow();
        etcd.close();
        for (CompletableFuture<?> f : List.copyOf(inFlight)) {
            f.completeExceptionally(StoreError.STOPPED.exception());
        }
        LOG.info("etcd datastore closed endpoints={}", endpoints);
    }

    // ---- plumbing ----

    void sawRevision(long rev) {
        revision.accumulateAndGet(rev, Math::max);
    }

    void sawCompaction(long rev) {
        compactRevision.accumulateAndGet(rev, Math::max);
    }

    /**
     * etcd tells no one its compact revision, but refuses reads below it: a read at the last known one succeeds
     * while no newer compaction happened (one cheap call); otherwise a binary search finds the new one.
     */
    private void refreshCompactRevision() {
        long known = compactRevision.get();
        if (readable(Math.max(1, known))) {
            return;
        }
        long low = Math.max(1, known);  // not readable
        long high = Math.max(low + 1, currentRevision());  // the current revision is always readable
        while (high - low > 1) {
            long mid = low + (high - low) / 2;
            if (readable(mid)) {
                high = mid;
            } else {
                low = mid;
            }
        }
        sawCompaction(high);
    }

    private boolean readable(long rev) {
        try {
            blocking(kv()::range, Rpc.RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(
                    new byte[] {0})).setRevision(rev).setCountOnly(true).setSerializable(true).build());
            return true;
        } catch (DatastoreException e) {
            if (e.error() == StoreError.COMPACTED) {
                return false;
            }
            throw e;
        }
    }

    private void refuseIfClosed() {
        if (closing.get()) {
            throw StoreError.STOPPED.exception();
        }
    }

    private boolean admit(CompletableFuture<?> f) {
        if (closing.get()) {
            f.completeExceptionally(StoreError.STOPPED.exception());
            return false;
        }
        inFlight.add(f);
        f.whenComplete((v, t) -> inFlight.remove(f));
        return true;
    }

    /** One unary call, its answer mapped and its header's revision remembered. */
    <Q, R, T> CompletableFuture<T> call(BiConsumer<Q, StreamObserver<R>> method, Q request,
            Function<R, T> mapping, Function<R, Rpc.ResponseHeader> header) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!admit(result)) {
            return result;
        }
        try {
            method.accept(request, new StreamObserver<R>() {
                private R response;

                @Override
                public void onNext(R value) {
                    response = value;
                }

                @Override
                public void onError(Throwable t) {
                    result.completeExceptionally(errors.map(t, closing.get()));
                }

                @Override
                public void onCompleted() {
                    try {
                        sawRevision(header.apply(response).getRevision());
                        result.complete(mapping.apply(response));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(DatastoreException.of(e));
                    }
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(errors.map(e, closing.get()));
        }
        return result;
    }

    /** For the synchronous calls of the contract (status, cluster, alarms). */
    private <Q, R> R blocking(BiConsumer<Q, StreamObserver<R>> method, Q request) {
        CompletableFuture<R> f = call(method, request, r -> r, r -> Rpc.ResponseHeader.getDefaultInstance());
        try {
            return f.get(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw DatastoreException.of(e);
        } catch (TimeoutException e) {
            throw StoreError.TIMEOUT.exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreError.STOPPED.exception();
        }
    }

    private KVGrpc.KVStub kv() {
        return KVGrpc.newStub(channel).withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private LeaseGrpc.LeaseStub lease() {
        return LeaseGrpc.newStub(channel).withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    MaintenanceGrpc.MaintenanceStub maintenance() {
        return MaintenanceGrpc.newStub(channel).withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    ClusterGrpc.ClusterStub clusterApi() {
        return ClusterGrpc.newStub(channel).withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
    }
}
