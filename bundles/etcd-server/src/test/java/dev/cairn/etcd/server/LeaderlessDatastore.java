package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A store whose cluster can be switched to "no leader", as a replicated one would be during an election. */
final class LeaderlessDatastore implements Datastore {
    private final Datastore store;
    volatile boolean leaderless;

    LeaderlessDatastore(Datastore store) {
        this.store = store;
    }

    @Override
    public ClusterState cluster() {
        ClusterState c = store.cluster();
        return leaderless ? new ClusterState(c.clusterId(), c.memberId(), 0, c.raftTerm(), c.raftIndex(),
                c.appliedIndex(), c.learner(), c.members()) : c;
    }

    @Override
    public dev.cairn.datastore.api.StoreMetrics metrics() {
        return store.metrics();
    }

    @Override
    public String type() {
        return store.type();
    }

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request) {
        return store.range(request);
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        return store.put(request);
    }

    @Override
    public CompletableFuture<DeleteResult> delete(DeleteRequest request) {
        return store.delete(request);
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        return store.txn(request);
    }

    @Override
    public CompletableFuture<Long> compact(long revision, boolean physical) {
        return store.compact(revision, physical);
    }

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        return store.watch(request, listener);
    }

    @Override
    public CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds) {
        return store.leaseGrant(id, ttlSeconds);
    }

    @Override
    public CompletableFuture<Long> leaseRevoke(long id) {
        return store.leaseRevoke(id);
    }

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return store.leaseKeepAlive(id);
    }

    @Override
    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        return store.leaseTimeToLive(id, withKeys);
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return store.leases();
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public StoreStatus status() {
        return store.status();
    }

    @Override
    public List<Alarm> alarms() {
        return store.alarms();
    }

    @Override
    public void disarm(Alarm.Type type) {
        store.disarm(type);
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return store.defragment();
    }

    @Override
    public CompletableFuture<HashResult> hashKV(long revision) {
        return store.hashKV(revision);
    }

    @Override
    public CompletableFuture<Long> snapshot(OutputStream out) {
        return store.snapshot(out);
    }

    @Override
    public void close() {
        store.close();
    }
}
