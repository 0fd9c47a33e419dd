package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.RaftMetrics;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.TxnRules;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.FsyncLatency;
import dev.cairn.datastore.sqlite.HistogramRecorder;
import dev.cairn.datastore.sqlite.ReplicaStore;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded-etcd datastore: a member of a Raft group (Apache Ratis) whose replicas apply the log to the SQLite
 * MVCC engine.
 *
 * <ul>
 * <li>Writes are accepted on every member and sent to the leader; a write completes once its entry is fsynced in
 * the logs of a majority, applied, and applied here too (so a following read here sees it). Each carries a request
 * id, so a retry across a leader change is applied once.</li>
 * <li>Reads are linearizable (ReadIndex, from the leader lease while it holds) and then local; serializable reads
 * are local at once. Watches are served from this member's own applied stream.</li>
 * <li>Leases belong to the leader: keep-alives and time-to-live go to it; expiry is a replicated revoke it proposes;
 * a new leader gives every lease a fresh deadline.</li>
 * <li>Without a leader, requests wait one election timeout for one (the gap after a restart or a leader change)
 * and then fail with {@code etcdserver: no leader}; requests that cannot finish in
 * the request timeout fail with NO_LEADER or TIMEOUT rather than hang.</li>
 * </ul>
 */
public final class RaftDatastore implements Datastore {
    private static final Logger LOG = LoggerFactory.getLogger(RaftDatastore.class);
    /** Backoff of ReadIndex retries on transient failures (doubling up to the maximum). */
    private static final long FIRST_READ_RETRY_MS = 20;
    /** How often a request waiting for a leader looks again. */
    private static final long LEADER_POLL_MS = 10;
    /** In {@code server/db/etcd}: this member was removed from the cluster (K3s's file). */
    static final String TOMBSTONE = "tombstone";
    private static final long MAX_READ_RETRY_MS = 500;
    public static final String TYPE = "raft";

    private final RaftSettings settings;
    private final ReplicaStateMachine machine;
    private final long session;
    private final AtomicLong seq = new AtomicLong();
    private final long memberId;
    private final long clusterId;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean alarmProposed = new AtomicBoolean();
    private final AtomicBoolean publishing = new AtomicBoolean();
    private final Object leaderSignal = new Object();
    private volatile java.util.function.Consumer<String> onRemoved;
    /** The record of this member's removal was applied: it must not publish itself again. */
    private volatile boolean removed;
    /** Membership changes and the reconciler: one thread, so this server's configuration changes never race. */
    private final ScheduledExecutorService membershipThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-raft-membership");
        t.setDaemon(true);
        return t;
    });
    private volatile RaftNode node;
    private volatile MemberView lastMemberView;
    /** Requests per log entry this server proposes (its group commit). */
    private final HistogramRecorder entrySizes = new HistogramRecorder(HistogramRecorder.BATCH_SIZES);
    private final ProposalBatcher proposals = new ProposalBatcher(this::writeToLog, entrySizes::observe);
    private final AtomicLong leaderChanges = new AtomicLong();
    private final AtomicLong proposalsPending = new AtomicLong();
    private final AtomicLong proposalsFailed = new AtomicLong();
    private volatile RaftPeerId lastLeader;
    /** The Raft log's fsyncs: the start-up probe of its disk and every log flush since. */
    private volatile FsyncLatency logFsyncs;
    private volatile DoubleConsumer flushListener;
    private volatile RaftMembership membership;
    private volatile boolean closed;

    private RaftDatastore(RaftSettings settings) {
        this.settings = settings;
        this.memberId = settings.memberId();
        this.clusterId = MemberIds.of(RaftNode.GROUP_ID.getUuid().toString());
        this.session = new SecureRandom().nextLong() | 1;
        Hooks hooks = new Hooks();
        this.machine = new ReplicaStateMachine(settings.storeFile(), settings.quotaBytes(), hooks, hooks);
        machine.delayLogFsyncs(settings.fsyncDelay());
    }

    /** Opens this server's member of the Raft group in {@code dbDir/etcd} (see {@link RaftSettings#from}). */
    public static RaftDatastore open(BackendSettings settings) throws Exception {
        return open(RaftSettings.from(settings));
    }

    static RaftDatastore open(RaftSettings settings) throws Exception {
        if (settings.reset()) {
            throw new IllegalArgumentException("a cluster reset is run by ClusterReset, not by a normal open");
        }
        return open(settings, false);
    }

    /** {@code alone}: the storage was just made by a cluster reset; this member is the only voter. */
    static RaftDatastore open(RaftSettings settings, boolean alone) throws Exception {
        long start = System.nanoTime();
        prepareDirectory(settings);
        RaftDatastore store = new RaftDatastore(settings);
        try {
            store.measureLogFsyncs();
            store.node = RaftNode.start(settings, store.machine, alone);
        } catch (Exception | Error e) {
            store.stopMeasuringLogFsyncs();
            store.membershipThread.shutdownNow();
            store.machine.close();
            throw e;
        }
        store.membership = new RaftMembership(store.node, settings.requestTimeout(), store::proposeMember,
                store::barrier, () -> store.store().members(), store.membershipThread);
        MemberReconciler reconciler = new MemberReconciler(store.node, store.membership,
                () -> store.store().members(), () -> !store.closed && store.machine.currentStore() != null,
                store.membershipThread);
        store.membershipThread.scheduleWithFixedDelay(reconciler, MemberReconciler.PERIOD_MS,
                MemberReconciler.PERIOD_MS, TimeUnit.MILLISECONDS);
        store.publishMember();
        LOG.info("raft datastore opened name={} memberId={} revision={} tookMs={}", settings.name(),
                Long.toHexString(store.memberId), store.currentRevision(), (System.nanoTime() - start) / 1_000_000);
        return store;
    }

    /** Probes the log's disk and has every log flush measured (before the server starts: see LogFlushTimes). */
    private void measureLogFsyncs() throws Exception {
        FsyncLatency latency = FsyncLatency.probe(settings.dir(), settings.fsyncDelay(),
                settings.toleratedFsyncMs(), settings.slowDiskAdvice());
        if (!settings.fsyncDelay().isZero()) {
            LOG.warn("failpoint enabled name=fsyncDelay delayMs={} dir={} effect=\"every Raft log fsync waits\"",
                    settings.fsyncDelay().toMillis(), settings.raftDir());
        }
        DoubleConsumer listener = latency::observe;
        Tccl.call(() -> {
            LogFlushTimes.listen(logMember(), listener);
            return null;
        });
        logFsyncs = latency;
        flushListener = listener;
    }

    private void stopMeasuringLogFsyncs() {
        DoubleConsumer listener = flushListener;
        if (listener != null) {
            LogFlushTimes.stop(logMember(), listener);
        }
    }

    private RaftGroupMemberId logMember() {
        return RaftGroupMemberId.valueOf(MemberIds.peerId(memberId), RaftNode.GROUP_ID);
    }

    private static void prepareDirectory(RaftSettings s) throws IOException {
        if (!Files.exists(s.dir())) {
            Files.createDirectories(s.dir());
            try {
                Files.setPosixFilePermissions(s.dir(), PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                // a non-POSIX file system has its own access control
            }
        }
    }

    /**
     * Waits until this member knows a leader that can take requests (a leader of its own has applied its first
     * entry); false when none showed up in time (no quorum yet).
     */
    public boolean awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (leaderSignal) {
            while (!leaderUsable()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                leaderSignal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
            }
        }
        RaftNode.founded(settings);
        return true;
    }

    private boolean leaderUsable() {
        RaftNode n = node;
        if (n == null || closed) {
            return false;
        }
        RaftPeerId leader = n.leader();
        if (leader == null) {
            return false;
        }
        return !leader.equals(n.id()) || n.division().getInfo().isLeaderReady();
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Who hears that this member was removed from the cluster (its tombstone is written first); the provider passes
     * the launcher's fatal handler, so the server stops with the message.
     */
    void onRemoved(java.util.function.Consumer<String> handler) {
        onRemoved = handler;
    }

    /** This member's display name. */
    public String name() {
        return settings.name();
    }

    /** This member's Raft node (tests send raw entries through it). */
    /** Why this member stopped applying its log (an entry it cannot read), or null while it applies. */
    RuntimeException applyHalted() {
        return machine.halted();
    }

    RaftNode node() {
        return node;
    }

    /** This member's etcd member id. */
    public long memberId() {
        return memberId;
    }

    /** Membership changes of the cluster this member belongs to (etcd's Cluster API). */
    @Override
    public Optional<ClusterMembership> membership() {
        return Optional.of(membership);
    }

    /** This member's local store (the cluster reset copies it). */
    ReplicaStore replicaStore() {
        return machine.store();
    }

    /** The same, as this backend's type (tests). */
    RaftMembership raftMembership() {
        return membership;
    }

    // ---- writes: through the log ----

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        try {
            TxnRules.checkPut(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(new Command.Put(request), ReplyCodec::put);
    }

    @Override
    public CompletableFuture<DeleteResult> delete(DeleteRequest request) {
        try {
            TxnRules.checkDelete(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(new Command.Delete(request), ReplyCodec::delete);
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        try {
            TxnRules.checkTxn(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!request.mayWrite()) {
            return barrier().thenCompose(v -> store().readTxn(request));
        }
        return propose(new Command.Txn(request), ReplyCodec::txn);
    }

    @Override
    public CompletableFuture<Long> compact(long revision, boolean physical) {
        CompletableFuture<Long> recorded = propose(new Command.Compact(revision), ReplyCodec::number);
        if (!physical) {
            return recorded;
        }
        return recorded.thenCompose(rev -> store().compacted(revision).thenApply(v -> rev));
    }

    @Override
    public CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds) {
        if (ttlSeconds > Lease.MAX_TTL) {
            return CompletableFuture.failedFuture(StoreError.LEASE_TTL_TOO_LARGE.exception());
        }
        boolean picked = id == 0;
        long leaseId = picked ? ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE) : id;
        return propose(new Command.Grant(leaseId, ttlSeconds, picked), ReplyCodec::lease);
    }

    @Override
    public CompletableFuture<Long> leaseRevoke(long id) {
        return propose(new Command.Revoke(id), ReplyCodec::number);
    }

    @Override
    public void disarm(Alarm.Type type) {
        try {
            propose(new Command.SetAlarm(type, false), reply -> {
                ReplyCodec.done(reply);
                return null;
            }).join();
        } catch (CompletionException e) {
            throw DatastoreException.of(e);
        }
        LOG.info("alarm disarmed alarm={}", type);
    }

    /** Proposes a command whose reply carries no result (members, alarms). */
    private CompletableFuture<Void> proposeMember(Command c) {
        return propose(c, reply -> {
            ReplyCodec.done(reply);
            return null;
        });
    }

    /**
     * Runs {@code call} on this member's node once it knows a leader. Without one it waits at most one election
     * timeout (the gap right after a restart or a leader change, before the first heartbeat arrives), then fails
     * with NO_LEADER: without a quorum, requests fail fast instead of hanging.
     */
    private <T> CompletableFuture<T> whenLeaderKnown(Function<RaftNode, CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tryWithLeader(System.nanoTime() + settings.electionMax().toNanos(), call, result);
        return result;
    }

    private <T> void tryWithLeader(long deadline, Function<RaftNode, CompletableFuture<T>> call,
            CompletableFuture<T> result) {
        RaftNode n = node;
        if (closed) {
            result.completeExceptionally(StoreError.STOPPED.exception());
        } else if (n != null && n.leader() != null) {
            try {
                call.apply(n).whenComplete((value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        } else if (System.nanoTime() >= deadline) {
            result.completeExceptionally(StoreError.NO_LEADER.exception());
        } else {
            CompletableFuture.delayedExecutor(LEADER_POLL_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> tryWithLeader(deadline, call, result));
        }
    }

    /**
     * Proposes a command with a fresh request id and decodes the reply once the entry is also applied here (bounded
     * by the request timeout, after which the reply is returned anyway).
     */
    private <T> CompletableFuture<T> propose(Command command, Function<byte[], T> decode) {
        AtomicBoolean proposed = new AtomicBoolean();
        return whenLeaderKnown(n -> {
            proposed.set(true);
            return proposeVia(command, decode);
        }).whenComplete((v, failure) -> {
            if (failure != null && !proposed.get()) {
                proposalsFailed.incrementAndGet(); // no leader showed up in time: never reached the log
            }
        });
    }

    private <T> CompletableFuture<T> proposeVia(Command command, Function<byte[], T> decode) {
        byte[] proposal = CommandCodec.encode(new Proposal(session, seq.incrementAndGet(), command));
        CompletableFuture<T> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, f) -> pending.remove(result));
        proposalsPending.incrementAndGet();
        proposals.submit(proposal, ProposalBatcher.batchable(command)).whenComplete((answer, failure) -> {
            proposalsPending.decrementAndGet();
            if (failure != null) {
                proposalsFailed.incrementAndGet();
                result.completeExceptionally(failure);
                return;
            }
            machine.appliedIndex().await(answer.logIndex())
                    .completeOnTimeout(null, settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((applied, notApplied) -> {
                        try {
                            result.complete(decode.apply(answer.reply()));
                        } catch (RuntimeException e) {
                            result.completeExceptionally(DatastoreException.of(e));
                        }
                    });
        });
        return result;
    }

    /**
     * A follower's entry ({@link ForwardedEntry}): its proposals join this leader's waiting ones, and the answer
     * holds their replies and the last log index that carried them.
     */
    private CompletableFuture<byte[]> carryForwarded(byte[] entry) {
        if (closed) {
            return CompletableFuture.completedFuture(ForwardedEntry.notLeader(settings.name() + " is stopping"));
        }
        List<byte[]> parts;
        try {
            parts = CommandCodec.proposalsOf(entry);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ForwardedEntry.failed(DatastoreException.of(e)));
        }
        List<CompletableFuture<ProposalBatcher.Answer>> answers = new ArrayList<>(parts.size());
        for (byte[] proposal : parts) {
            answers.add(proposals.submit(proposal, true));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
            if (failure != null) {
                return RaftErrors.isTransient(failure) || RaftNode.leaderMoved(failure)
                        ? ForwardedEntry.notLeader(settings.name() + " could not log it: " + failure)
                        : ForwardedEntry.failed(RaftErrors.of(failure));
            }
            long lastIndex = 0;
            List<byte[]> replies = new ArrayList<>(parts.size());
            for (CompletableFuture<ProposalBatcher.Answer> a : answers) {
                lastIndex = Math.max(lastIndex, a.join().logIndex());
                replies.add(a.join().reply());
            }
            return ForwardedEntry.carried(lastIndex, parts.size() == 1 ? replies.get(0) : ReplyCodec.batch(replies));
        });
    }

    /** One log entry through this server's Raft client (to the leader). */
    private CompletableFuture<RaftClientReply> writeToLog(byte[] entry, boolean batchable) {
        RaftNode n = node;
        if (n == null || closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        return n.write(entry, batchable);
    }

    // ---- reads: linearizable unless serializable, then local ----

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request) {
        try {
            TxnRules.checkRange(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (request.serializable()) {
            return local(() -> store().range(request));
        }
        return barrier().thenCompose(v -> store().range(request));
    }

    /**
     * Completes once this member has applied everything committed when the read began (ReadIndex, confirmed by the
     * leader or its lease); fails with NO_LEADER at once when no leader is known.
     */
    private CompletableFuture<Void> barrier() {
        return whenLeaderKnown(this::barrierVia);
    }

    private CompletableFuture<Void> barrierVia(RaftNode n) {
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        return readIndex(n, deadline, FIRST_READ_RETRY_MS)
                .thenCompose(reply -> {
                    ReplyCodec.done(reply.getMessage().getContent().toByteArray());
                    if (n.isServing()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    // the leader answered after its ReadIndex: apply here up to what it had committed then
                    return machine.appliedIndex().await(RaftNode.leaderCommitIndex(reply))
                            .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                })
                .handle((v, failure) -> {
                    if (failure != null) {
                        throw RaftErrors.of(failure);
                    }
                    return null;
                });
    }

    /**
     * One ReadIndex round, repeated on transient failures (a peer connection still being re-established after a
     * restart, a leader not ready yet) until the request deadline, so that a read right after an election waits
     * for the cluster instead of failing with a transport error.
     */
    private CompletableFuture<RaftClientReply> readIndex(RaftNode n, long deadlineNanos, long backoffMs) {
        CompletableFuture<RaftClientReply> read = (n.isServing() ? n.readHere(Query.BARRIER.encode())
                : n.readAtLeader(Query.BARRIER.encode())).thenApply(reply -> {
                    if (!reply.isSuccess()) {
                        throw new java.util.concurrent.CompletionException(reply.getException());
                    }
                    return reply;
                });
        return read.handle((reply, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(reply);
            }
            boolean retry = RaftErrors.isTransient(failure) && n.leader() != null && !closed
                    && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) < deadlineNanos;
            if (!retry) {
                return CompletableFuture.<RaftClientReply>failedFuture(failure);
            }
            Executor later = CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(x -> readIndex(n, deadlineNanos, Math.min(backoffMs * 2, MAX_READ_RETRY_MS)));
        }).thenCompose(f -> f).orTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos
                - System.nanoTime())), TimeUnit.MILLISECONDS);
    }

    private <T> CompletableFuture<T> local(java.util.function.Supplier<CompletableFuture<T>> read) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        try {
            return read.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(DatastoreException.of(e));
        }
    }

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        ReplicaStore s = machine.currentStore();
        if (closed || s == null) {
            listener.onCancelled(0, StoreError.STOPPED.message());
            return new Watch() {
                @Override
                public void requestProgress() {
                }

                @Override
                public void close() {
                }
            };
        }
        return s.watch(request, listener);
    }

    // ---- leases: the leader's deadlines ----

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return askLeader(new Query(Query.Kind.KEEP_ALIVE, id), s -> s.leaseKeepAlive(id), ReplyCodec::number);
    }

    @Override
    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        CompletableFuture<Lease> remaining = askLeader(new Query(Query.Kind.TIME_TO_LIVE, id),
                s -> s.leaseTimeToLive(id, false), ReplyCodec::lease);
        return remaining.thenCompose(lease -> {
            if (lease.ttl() < 0 || !withKeys) {
                return CompletableFuture.completedFuture(lease.ttl() < 0 ? Lease.notFound(id) : lease);
            }
            return barrier().thenCompose(v -> store().leaseTimeToLive(id, true))
                    .thenApply(local -> new Lease(id, lease.ttl(), lease.grantedTtl(), local.keys()));
        });
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return barrier().thenCompose(v -> store().leases());
    }

    /** A lease call answered by the leader: here when this member leads, else a query to the leader. */
    private <T> CompletableFuture<T> askLeader(Query query, Function<ReplicaStore, CompletableFuture<T>> here,
            Function<byte[], T> decode) {
        return whenLeaderKnown(n -> askLeaderVia(n, query, here, decode));
    }

    private <T> CompletableFuture<T> askLeaderVia(RaftNode n, Query query,
            Function<ReplicaStore, CompletableFuture<T>> here, Function<byte[], T> decode) {
        RaftPeerId leader = n.leader();
        if (leader == null) {
            return CompletableFuture.failedFuture(StoreError.NO_LEADER.exception());
        }
        if (leader.equals(n.id())) {
            return local(() -> here.apply(store()));
        }
        return n.query(query.encode(), leader).handle((reply, failure) -> {
            if (failure != null) {
                throw RaftErrors.of(failure);
            }
            if (!reply.isSuccess()) {
                throw RaftErrors.of(reply.getException());
            }
            try {
                return decode.apply(reply.getMessage().getContent().toByteArray());
            } catch (DatastoreException e) {
                // the member asked stopped leading on the way
                throw e.error() == StoreError.NOT_LEADER ? StoreError.LEADER_CHANGED.exception() : e;
            }
        });
    }

    // ---- status and maintenance: this member ----

    @Override
    public long currentRevision() {
        ReplicaStore s = machine.currentStore();
        return s == null ? 1 : s.currentRevision();
    }

    @Override
    public StoreStatus status() {
        checkOpen();
        return store().status();
    }

    @Override
    public ClusterState cluster() {
        checkOpen();
        RaftServer.Division d = node.division();
        DivisionInfo info = d.getInfo();
        RaftConfiguration conf = d.getRaftConf();
        List<Member> members = memberView(conf, store().members());
        RaftPeerId leader = info.getLeaderId();
        long committed = Math.max(1, d.getRaftLog().getLastCommittedIndex());
        long applied = Math.min(committed, Math.max(0, info.getLastAppliedIndex()));
        boolean learner = !RaftMembership.isVoter(conf, node.id());
        return new ClusterState(clusterId, memberId, leader == null ? 0 : MemberIds.of(leader),
                info.getCurrentTerm(), committed, applied, learner, members);
    }

    /** The member list of a configuration and the stored records, and the two it was made of. */
    private record MemberView(RaftConfiguration conf, List<MemberRecord> recorded, List<Member> members) {
    }

    /**
     * The member list for the cluster state, made again only when the configuration or the stored records changed
     * (the store hands out the same list until its members table changes): every response header asks for it.
     */
    private List<Member> memberView(RaftConfiguration conf, List<MemberRecord> recorded) {
        MemberView last = lastMemberView;
        if (last != null && last.conf() == conf && last.recorded() == recorded) {
            return last.members();
        }
        List<Member> members = List.copyOf(RaftMembership.view(conf, recorded));
        lastMemberView = new MemberView(conf, recorded, members);
        return members;
    }

    /**
     * The Raft log's fsyncs (its flushes) and the entries this server proposed, the Raft figures (with the
     * followers' lag when this member leads), and the local store's commits, watches and leases.
     */
    @Override
    public StoreMetrics metrics() {
        checkOpen();
        StoreMetrics local = store().metrics();
        RaftServer.Division d = node.division();
        DivisionInfo info = d.getInfo();
        long committed = d.getRaftLog().getLastCommittedIndex();
        RaftMetrics raft = new RaftMetrics(info.getCurrentTerm(), Math.max(0, committed),
                Math.max(0, info.getLastAppliedIndex()), leaderChanges.get(), proposalsPending.get(),
                proposalsFailed.get(), info.isLeader() ? followerLag(d, info) : Map.of());
        FsyncLatency fsyncs = logFsyncs;
        return new StoreMetrics(fsyncs == null ? null : fsyncs.histogram(), local.backendCommit(),
                entrySizes.snapshot(), fsyncs == null ? null : fsyncs.check(), raft, local.watchers(),
                local.pendingEvents(), local.leases());
    }

    /**
     * Entries each follower and learner is behind this leader's last one, by member name. Ratis lists the followers
     * and their match indices in the same order (both come from its log appenders); a membership change between the
     * two reads makes them differ in length, and then nothing is reported this time.
     */
    private Map<String, Long> followerLag(RaftServer.Division d, DivisionInfo info) {
        long last = d.getRaftLog().getLastEntryTermIndex() == null ? 0
                : d.getRaftLog().getLastEntryTermIndex().getIndex();
        var followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
        long[] matched = info.getFollowerMatchIndices();
        if (followers.size() != matched.length) {
            return Map.of();
        }
        Map<Long, String> names = new HashMap<>();
        for (ReplicaStore.MemberRecord r : store().members()) {
            names.put(r.id(), r.name());
        }
        Map<String, Long> lag = new HashMap<>();
        for (int i = 0; i < matched.length; i++) {
            long id = MemberIds.of(RaftPeerId.valueOf(followers.get(i).getId().getId()));
            String name = names.getOrDefault(id, "");
            lag.put(name.isEmpty() ? Long.toHexString(id) : name, Math.max(0, last - matched[i]));
        }
        return lag;
    }

    @Override
    public List<Alarm> alarms() {
        checkOpen();
        return store().alarms(memberId);
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return local(() -> store().defragment());
    }

    @Override
    public CompletableFuture<HashResult> hashKV(long revision) {
        return local(() -> store().hashKV(revision));
    }

    @Override
    public CompletableFuture<Long> snapshot(OutputStream out) {
        return local(() -> store().snapshot(out));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long start = System.nanoTime();
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(StoreError.STOPPED.exception());
        }
        membershipThread.shutdownNow();
        RaftNode n = node;
        if (n != null) {
            n.close();
        }
        stopMeasuringLogFsyncs();
        synchronized (leaderSignal) {
            leaderSignal.notifyAll();
        }
        LOG.info("raft datastore closed name={} tookMs={}", settings.name(), (System.nanoTime() - start) / 1_000_000);
    }

    private ReplicaStore store() {
        return machine.store();
    }

    private void checkOpen() {
        if (closed) {
            throw StoreError.STOPPED.exception();
        }
    }

    /**
     * Publishes this member's name and client URLs (a replicated SetMember) once it is part of the configuration
     * and has applied the entries up to the one that made it so (its record, written when it was added, comes
     * before), if the stored record differs. Tried again on leader and configuration changes until it holds.
     */
    private void publishMember() {
        RaftNode n = node;
        ReplicaStore s = machine.currentStore();
        if (n == null || s == null || closed || removed || n.leader() == null
                || !publishing.compareAndSet(false, true)) {
            return;
        }
        RaftConfiguration conf = n.division().getRaftConf();
        if (RaftMembership.configured(conf, memberId) == null) {
            publishing.set(false);
            return;
        }
        machine.appliedIndex().await(Math.max(0, conf.getLogEntryIndex()))
                .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(v -> {
                    if (removed) {
                        // the record of this member's removal was applied: publishing would add it back
                        return CompletableFuture.completedFuture(false);
                    }
                    MemberRecord stored = s.members().stream().filter(r -> r.id() == memberId).findFirst()
                            .orElse(null);
                    MemberRecord mine = published(stored);
                    return mine.equals(stored) ? CompletableFuture.completedFuture(false)
                            : propose(new Command.PublishMember(mine), ReplyCodec::number).thenApply(recorded -> {
                                if (recorded == 0) {
                                    LOG.warn("member record not published name={} reason=\"this member was removed"
                                            + " from the cluster\"", settings.name());
                                }
                                return recorded == 1;
                            });
                })
                .whenComplete((done, failure) -> {
                    publishing.set(false);
                    if (failure != null) {
                        LOG.debug("member record not published yet name={} cause=\"{}\"", settings.name(),
                                failure.getMessage());
                        if (!closed) {
                            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(this::publishMember);
                        }
                    } else if (done) {
                        LOG.info("member published name={} memberId={} peerUrls={} clientUrls={}", settings.name(),
                                Long.toHexString(memberId), settings.peerUrls(), settings.clientUrls());
                    }
                });
    }

    /** This member's record: its name and client URLs; peer URLs as recorded (an update may have changed them). */
    private MemberRecord published(MemberRecord stored) {
        List<String> clientUrls = new ArrayList<>(settings.clientUrls());
        if (stored != null && RaftMembership.keepsLearner(stored)) {
            clientUrls.add(RaftMembership.KEEP_LEARNER);
        }
        List<String> peerUrls = stored == null || stored.peerUrls().isEmpty() ? settings.peerUrls()
                : stored.peerUrls();
        return new MemberRecord(memberId, settings.name(), peerUrls, clientUrls);
    }

    /** The state machine's and the store's callbacks. */
    private final class Hooks implements ReplicaStateMachine.Listener, ReplicaStore.Events {
        @Override
        public CompletableFuture<byte[]> forwarded(byte[] entry) {
            return carryForwarded(entry);
        }

        @Override
        public void storeOpened(ReplicaStore store) {
            signalLeader();
        }

        @Override
        public void leaderChanged(RaftPeerId leader) {
            LOG.info("raft leader changed member={} leader={}", settings.name(), leader);
            if (leader != null && !leader.equals(lastLeader)) {
                leaderChanges.incrementAndGet();
            }
            if (leader != null) {
                lastLeader = leader;
            }
            signalLeader();
            if (leader != null) {
                CompletableFuture.runAsync(RaftDatastore.this::publishMember);
            }
        }

        @Override
        public void leaderReady() {
            LOG.info("raft leader ready member={}", settings.name());
            signalLeader();
            CompletableFuture.runAsync(RaftDatastore.this::publishMember);
        }

        /** Whether the member votes or learns in the configuration's current part (during a change, the new one). */
        private static boolean inCurrentPart(RaftConfigurationProto conf, long memberId) {
            var id = MemberIds.peerId(memberId).toByteString();
            return conf.getPeersList().stream().anyMatch(p -> p.getId().equals(id))
                    || conf.getListenersList().stream().anyMatch(p -> p.getId().equals(id));
        }

        /** What the server stops with once it leaves after its removal. */
        private String removalMessage() {
            return "This node has been removed from the cluster - please restart cairn with --server"
                    + " <a server of the cluster> to rejoin the cluster (its store is then moved to "
                    + settings.dir().getParent().resolve("etcd-backup-<unix time>") + ")";
        }

        /** Set once this removed member starts to leave: it leaves once. */
        private final AtomicBoolean leaving = new AtomicBoolean();
        /** The configuration last reported: Ratis reports the same one again with every chunk of a snapshot. */
        private RaftConfigurationProto reported;
        private long reportedIndex = -1;

        @Override
        public void configurationChanged(RaftConfigurationProto conf, long index) {
            synchronized (this) {
                if (index == reportedIndex && conf.equals(reported)) {
                    return;
                }
                reported = conf;
                reportedIndex = index;
            }
            QuorumReport.log(settings.name(), index, conf.getPeersCount(), conf.getListenersCount());
            if (removed && !inCurrentPart(conf, memberId)) {
                leave("applied a configuration without it"); // committed: the cluster goes on without its vote
            }
            RaftNode n = node;
            if (n != null && !closed) {
                CompletableFuture.runAsync(n::refreshClient);
                CompletableFuture.runAsync(RaftDatastore.this::publishMember);
            }
        }

        @Override
        public void memberRemoved(long removedId, String removedName) {
            if (removedId != memberId || !removedName.equals(settings.name()) || closed) {
                return;
            }
            removed = true;
            Path tombstone = settings.dir().resolve(TOMBSTONE);
            try {
                Files.writeString(tombstone, settings.name() + "\n");
            } catch (IOException e) {
                LOG.error("cannot write the tombstone file {}: {}", tombstone, e.toString());
            }
            LOG.error("raft member removed member={} tombstone={} action=\"{}\"", settings.name(), tombstone,
                    removalMessage());
            RaftNode n = node;
            if (n == null || RaftMembership.configured(n.division().getRaftConf(), memberId) == null) {
                leave("not in the configuration");
            } else {
                // the leader changes the configuration right after this record. This member rarely applies the
                // result (the leader stops sending to it once the change is committed, as etcd's does), so it
                // mostly leaves after one request timeout, by which the change has had its vote
                CompletableFuture.delayedExecutor(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> leave("no configuration without it applied within the request timeout"));
            }
        }

        /**
         * Stops this server after its removal, once the cluster no longer needs it: its vote counts until the
         * configuration without it is committed, and in a cluster of two voters that configuration cannot commit
         * without it. Stopping at the removal's record left the other server without a leader for good.
         */
        private void leave(String why) {
            java.util.function.Consumer<String> handler = onRemoved;
            if (handler != null && leaving.compareAndSet(false, true)) {
                LOG.info("raft member leaves member={} reason=\"{}\"", settings.name(), why);
                CompletableFuture.runAsync(() -> handler.accept(removalMessage()));
            }
        }

        @Override
        public void failed(Throwable cause) {
            if (cause instanceof NewerFormatException) {
                // a restart of this release stops at the same entry or snapshot: only an upgrade helps
                LOG.error("raft member cannot read what a newer Cairn wrote member={} cause=\"{}\" action=\"stopping"
                        + " this Raft member; start it again once upgraded\"", settings.name(), cause.getMessage());
            } else {
                LOG.error("replica store failed member={} cause=\"{}\" action=\"stopping this Raft member; restart"
                        + " the server to recover the store from its log\"", settings.name(), cause.toString(), cause);
            }
            RaftNode n = node;
            if (n != null) {
                CompletableFuture.runAsync(() -> n.division().close());
            }
        }

        @Override
        public void leasesExpired(List<Long> ids) {
            ReplicaStore s = machine.currentStore();
            for (long id : ids) {
                propose(new Command.Revoke(id), ReplyCodec::number).whenComplete((rev, failure) -> {
                    if (failure == null) {
                        LOG.debug("lease expired id={} revision={}", id, rev);
                    } else if (DatastoreException.of(failure).error() != StoreError.LEASE_NOT_FOUND && s != null) {
                        s.expiryFailed(id);
                    }
                });
            }
        }

        @Override
        public void spaceExceeded(long dbSize) {
            if (!alarmProposed.compareAndSet(false, true)) {
                return;
            }
            LOG.warn("alarm raised alarm=NOSPACE member={} dbSize={} quotaBytes={} action=\"compact, defragment and"
                    + " disarm, or raise --quota-backend-bytes\"", settings.name(), dbSize, settings.quotaBytes());
            proposeMember(new Command.SetAlarm(Alarm.Type.NOSPACE, true))
                    .whenComplete((v, failure) -> alarmProposed.set(false));
        }

        private void signalLeader() {
            synchronized (leaderSignal) {
                leaderSignal.notifyAll();
            }
        }
    }
}
