package dev.cairn.datastore.raft;

import dev.cairn.datastore.sqlite.NewerStoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's member of the Raft group: the Ratis server (peer port), and the client that sends writes to the
 * leader whoever it is. Every Ratis call runs with the bundle's context class loader ({@link Tccl}).
 */
final class RaftNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    /** One group per cluster; its id names the storage directory, so it never changes. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("cairn-etcd".getBytes(StandardCharsets.UTF_8)));

    private final RaftSettings settings;
    private final RaftPeer self;
    private final Parameters parameters;
    private final RaftProperties clientProperties;
    private final RaftServer server;
    private final ClientId localReads = ClientId.randomId();
    private final ClientId localWrites = ClientId.randomId();
    private final ClientId localAdmin = ClientId.randomId();
    /** Call ids of {@link #forwarding}'s requests: only this class sends through that client. */
    private final AtomicLong forwardCallIds = new AtomicLong();
    private final LeaderWrites leaderWrites;
    private final AtomicLong callIds = new AtomicLong();
    private volatile RaftClient client;
    /** Carries the writes this server forwards to the leader ({@link #writeAt}); refreshed with {@link #client}. */
    private volatile RaftClient forwarding;
    private volatile boolean closed;
    private PeerReconnect reconnect;
    private CandidacyTimer candidacy;
    private volatile List<RaftPeer> clientPeers = List.of();

    private RaftNode(RaftSettings settings, RaftPeer self, Parameters parameters, RaftProperties clientProperties,
            RaftServer server) {
        this.settings = settings;
        this.self = self;
        this.parameters = parameters;
        this.clientProperties = clientProperties;
        this.server = server;
        this.leaderWrites = new LeaderWrites(() -> closed ? null : this, settings.requestTimeout(),
                settings.electionMax());
    }

    /** In the group's storage directory while it holds no configuration yet, see {@link ClusterReset#newStorage}. */
    static Path foundingMarker(Path raftDir) {
        return raftDir.resolve(GROUP_ID.getUuid().toString()).resolve(FOUNDING);
    }

    static final String FOUNDING = "founding";

    /** This member led its new group: the configuration is in its log, the founding marker can go. */
    static void founded(RaftSettings s) {
        try {
            if (Files.deleteIfExists(foundingMarker(s.raftDir()))) {
                LOG.info("raft group founded member={} dir={}", s.name(), s.raftDir());
            }
        } catch (java.io.IOException e) {
            LOG.warn("cannot delete the founding marker {}: {}; the next start founds the group again, which is"
                    + " harmless once its configuration is in the log", foundingMarker(s.raftDir()), e.toString());
        }
    }

    /**
     * Starts the server. Without Raft storage it founds a one-member group (or, joining, waits for a
     * configuration from the leader); with storage, the persisted configuration counts. {@code alone}: the storage
     * was just made by a cluster reset and holds no configuration yet; this member is its only voter.
     */
    static RaftNode start(RaftSettings s, ReplicaStateMachine stateMachine, boolean alone) throws Exception {
        return Tccl.call(() -> {
            ExitGuard.install();
            RaftPeer self = RaftPeer.newBuilder().setId(MemberIds.peerId(s.memberId())).setAddress(s.address())
                    .build();
            Parameters parameters = new Parameters();
            if (s.tls() != null) {
                GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(s.tls().key().toFile(),
                        s.tls().cert().toFile(), s.tls().ca().toFile(), true));
            }
            boolean initialized = Files.isDirectory(s.raftDir().resolve(GROUP_ID.getUuid().toString()));
            // storage made by a conversion, reset or restore that has not elected its member yet holds no
            // configuration: a start after a crash there is still this member's alone
            boolean founding = alone || Files.exists(foundingMarker(s.raftDir()));
            RaftGroup group = founding || !initialized && !s.join() ? RaftGroup.valueOf(GROUP_ID, self)
                    : RaftGroup.valueOf(GROUP_ID);
            RaftProperties properties = serverProperties(s);
            RaftServer server = RaftServer.newBuilder().setServerId(self.getId()).setGroup(group)
                    .setProperties(properties).setParameters(parameters).setStateMachine(stateMachine)
                    .setOption(RaftStorage.StartupOption.RECOVER).build();
            try {
                server.start();
            } catch (Exception e) { // with system exit disabled, Ratis throws ExitUtils.ExitException
                closeQuietly(server);
                Throwable newer = newerRelease(e);
                if (newer != null) { // no port or permission advice: only an upgrade helps
                    throw new IllegalStateException("cannot start the Raft member " + s.name() + ": "
                            + newer.getMessage(), e);
                }
                throw new IllegalStateException("cannot start the Raft member " + s.name() + " on peer port "
                        + s.peerPort() + " (" + s.bindHost() + "): " + e.getMessage() + "; check that no other"
                        + " process uses the peer port and that the data dir " + s.dir() + " is writable", e);
            }
            RaftNode node = new RaftNode(s, self, parameters, clientProperties(s), server);
            node.refreshClient();
            node.reconnect = new PeerReconnect(server, node::division, () -> node.leader() == null,
                    Math.max(50, s.electionMin().toMillis() / 2));
            node.candidacy = new CandidacyTimer(s.name(), node::division, s.electionMin().toMillis(),
                    s.electionMax().toMillis(), RaftServerConfigKeys.sleepDeviationThreshold(properties).toLong(
                            TimeUnit.MILLISECONDS));
            LOG.info("raft member started name={} memberId={} address={} bind={} dir={} founded={} joining={}"
                    + " electionTimeoutMs={}-{} heartbeatMs={} tls={}", s.name(), Long.toHexString(s.memberId()),
                    s.address(), s.bindHost(), s.raftDir(), !initialized && !s.join(), !initialized && s.join(),
                    s.electionMin().toMillis(), s.electionMax().toMillis(), s.electionMin().toMillis() / 2,
                    s.tls() != null);
            if (s.heartbeat().toMillis() != s.electionMin().toMillis() / 2) {
                LOG.warn("raft heartbeat interval follows the election timeout requestedMs={} effectiveMs={}"
                        + " reason=\"Ratis heartbeats every half of the minimum election timeout\" action=\"set"
                        + " --etcd-election-timeout to twice the heartbeat interval you want\"",
                        s.heartbeat().toMillis(), s.electionMin().toMillis() / 2);
            }
            return node;
        });
    }

    /** The refusal of a store, snapshot or log entry a newer Cairn wrote, somewhere in Ratis's wrapping; or null. */
    private static Throwable newerRelease(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof NewerFormatException || t instanceof NewerStoreException) {
                return t;
            }
        }
        return null;
    }

    private static RaftProperties serverProperties(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftServerConfigKeys.setStorageDir(p, List.of(s.raftDir().toFile()));
        RaftServerConfigKeys.setRemovedGroupsDir(p, s.dir().resolve("removed-groups").toFile());
        GrpcConfigKeys.Server.setHost(p, s.bindHost().isEmpty() ? "0.0.0.0" : s.bindHost());
        GrpcConfigKeys.Server.setPort(p, s.peerPort());
        // reads: ReadIndex, answered from the leader lease while it holds
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(s.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        TimeDuration min = TimeDuration.valueOf(s.electionMin().toMillis(), TimeUnit.MILLISECONDS);
        TimeDuration max = TimeDuration.valueOf(s.electionMax().toMillis(), TimeUnit.MILLISECONDS);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, min);
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, max);
        // a new or restarted server should not sit out a whole election timeout before its first election
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(150, TimeUnit.MILLISECONDS));
        // durability: an entry counts as written only once fsynced (never Ratis's unsafe flush)
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        // no commit-index entry after each commit: it cost every member a log write and fsync per commit; the
        // leader tells its followers of a commit with a heartbeat instead (CommitBroadcast)
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.segmentBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(s.segmentBytes(),
                4L * 1024 * 1024)));
        // snapshots: automatic, bounded, and the log purged up to them even if a follower is down (it gets the
        // snapshot when it comes back)
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotEvery());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, s.snapshotEvery()));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, s.snapshotsKept());
        // no snapshot at every stop: the store keeps its applied position, so a restart replays only the log after
        // it, and a snapshot copies the whole store file
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, s.snapshotEvery()));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        // a snapshot travels in chunks small enough to arrive well within the per-chunk timeout on a slow disk and
        // network: with Ratis' 16 MB chunks and 3 s, a 43 MB snapshot was sent again and again
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf("1MB"));
        GrpcConfigKeys.Server.setInstallSnapshotRequestTimeout(p, TimeDuration.valueOf(
                s.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        // an appender sends a new entry at once instead of waiting out Ratis's 1 ms minimum between appends: with
        // one client every write waited for it
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
        // appends of at most 1 MB (Ratis: 4 MB): a learner promoted to voter is added back with a new appender that
        // starts from the first log entry and sends up to 8 appends before the first answer says where the learner
        // stands; each of those is sent and refused in vain (0.5 s less promotion after 100,000 puts)
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("1MB"));
        return p;
    }

    private static RaftProperties clientProperties(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(
                Math.max(1000, s.requestTimeout().toMillis() / 2), TimeUnit.MILLISECONDS));
        return p;
    }

    /**
     * Bounded retries of the client's calls (reads at the leader, membership changes; writes go by
     * {@link LeaderWrites}): a request fails (and the caller answers NO_LEADER or TIMEOUT) instead of hanging. The
     * sleep between attempts stays short, so that a request that found the old leader dead reaches the new one
     * soon after the election.
     */
    private RetryPolicy retryPolicy() {
        RetryPolicy backoff = ExponentialBackoffRetry.newBuilder()
                .setBaseSleepTime(TimeDuration.valueOf(25, TimeUnit.MILLISECONDS))
                .setMaxSleepTime(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)).setMaxAttempts(1000).build();
        TimeDuration deadline = TimeDuration.valueOf(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return RequestTypeDependentRetryPolicy.newBuilder().setRetryPolicy(TypeCase.WRITE, backoff)
                .setRetryPolicy(TypeCase.READ, backoff).setTimeout(TypeCase.WRITE, deadline)
                .setTimeout(TypeCase.READ, deadline).build();
    }

    RaftPeerId id() {
        return self.getId();
    }

    RaftPeer peer() {
        return self;
    }

    RaftServer.Division division() {
        try {
            return server.getDivision(GROUP_ID);
        } catch (IOException e) {
            throw new IllegalStateException("the Raft group is not running on this server: " + e.getMessage(), e);
        }
    }

    /** The leader this server knows of, or null. */
    RaftPeerId leader() {
        try {
            return division().getInfo().getLeaderId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    boolean isLeader() {
        try {
            return division().getInfo().isLeader();
        } catch (RuntimeException e) {
            return false;
        }
    }

    RaftClient client() {
        return client;
    }

    /**
     * Points the client at the current configuration's members. Called at start and after every configuration
     * change; the previous client is closed once its requests had time to finish.
     */
    synchronized void refreshClient() {
        List<RaftPeer> peers = List.copyOf(division().getGroup().getPeers());
        if (peers.isEmpty()) {
            peers = List.of(self);
        }
        if (client != null && peers.equals(clientPeers)) {
            return;
        }
        List<RaftClient> old = client == null ? List.of() : List.of(client, forwarding);
        List<RaftPeer> current = peers;
        client = newClient(current);
        forwarding = newClient(current);
        clientPeers = current;
        if (!old.isEmpty()) {
            CompletableFuture.delayedExecutor(settings.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
                    .execute(() -> old.forEach(c -> closeQuietly(c)));
        }
    }

    /**
     * Whether the clients can call {@code peer}, refreshing them first if they were made for an older
     * configuration. They are refreshed after each configuration change, but asynchronously; and a server that
     * just joined knows its leader from the leader's first append before it has applied a configuration naming
     * it (a learner's read failed so right after it caught up).
     */
    private boolean clientKnows(RaftPeerId peer) {
        if (clientPeers.stream().anyMatch(p -> p.getId().equals(peer))) {
            return true;
        }
        refreshClient();
        return clientPeers.stream().anyMatch(p -> p.getId().equals(peer));
    }

    private RaftClient newClient(List<RaftPeer> peers) {
        return Tccl.get(() -> RaftClient.newBuilder().setProperties(clientProperties).setParameters(parameters)
                .setRaftGroup(RaftGroup.valueOf(GROUP_ID, peers)).setLeaderId(leader())
                .setRetryPolicy(retryPolicy()).build());
    }

    /**
     * Appends a write (a log entry) through the leader, following it across elections ({@link LeaderWrites}). A
     * retried entry is applied once: the state machine deduplicates proposals by their request id.
     *
     * @param batchable see {@link #writeAt}
     */
    CompletableFuture<RaftClientReply> write(byte[] entry, boolean batchable) {
        return leaderWrites.write(entry, batchable);
    }

    /**
     * One request to change the configuration. The leader hands it to its own server: through the client it would
     * take a connection to itself (half a second to set up on a leader that never needed one) and the client's
     * retries, each logged by the server, while the leader stages a new member. Elsewhere the client finds the
     * leader. Ratis's refusals (a change in progress, not the leader) come back as thrown {@link IOException}s.
     */
    RaftClientReply setConfiguration(SetConfigurationRequest.Arguments args, long timeoutMs) throws IOException {
        if (!isLeader()) {
            return client.admin().setConfiguration(args);
        }
        SetConfigurationRequest request = new SetConfigurationRequest(localAdmin, self.getId(), GROUP_ID,
                callIds.incrementAndGet(), args);
        try {
            return server.setConfigurationAsync(request).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while changing the Raft configuration");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutIOException("the Raft configuration change was not committed within " + timeoutMs
                    + " ms", e);
        }
    }

    /**
     * One attempt to append {@code entry} at {@code leader}, no retry. On this very server the entry is handed to
     * the local server (no call to itself). Elsewhere it goes by an unordered client call, so that one slow entry
     * holds up no other: a {@code batchable} entry (client writes and leases only) for the leader to carry in its
     * own entries ({@link ForwardedEntry}), any other as a log entry of its own.
     */
    CompletableFuture<RaftClientReply> writeAt(byte[] entry, boolean batchable, RaftPeerId leader) {
        if (leader.equals(self.getId())) {
            RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(localWrites)
                    .setServerId(self.getId()).setGroupId(GROUP_ID).setCallId(callIds.incrementAndGet())
                    .setMessage(Message.valueOf(ByteString.copyFrom(entry)))
                    .setType(RaftClientRequest.writeRequestType()).build();
            return submitHere(request).orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        clientKnows(leader); // if not yet, the call fails and LeaderWrites tries again
        RaftClient via = forwarding;
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(via.getId()).setServerId(leader)
                .setGroupId(GROUP_ID).setCallId(forwardCallIds.incrementAndGet())
                .setMessage(batchable ? ForwardedEntry.request(entry) : Message.valueOf(ByteString.copyFrom(entry)))
                .setType(batchable ? RaftClientRequest.staleReadRequestType(0) : RaftClientRequest.writeRequestType())
                .build();
        CompletableFuture<RaftClientReply> sent = Tccl.get(() -> via.getClientRpc().sendRequestAsyncUnordered(request))
                .whenComplete((reply, failure) -> {
                    if (failure != null) {
                        // the call's stream to that server is broken for good: the next call opens a new one
                        via.getClientRpc().handleException(leader, unwrapped(failure), true);
                    }
                });
        if (!batchable) {
            return sent;
        }
        return sent.thenCompose(reply -> reply.getStateMachineException() != null
                // a leader of an earlier release, which does not know the FORWARD query, failed to read it (and did
                // nothing with it): the entry goes as a log entry of its own, as that release forwards
                ? writeAt(entry, false, leader)
                : CompletableFuture.completedFuture(ForwardedEntry.answer(reply)));
    }

    private static Throwable unwrapped(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /**
     * This server stopped leading (or is not ready to), or the call to it failed on a stream that is now closed: the
     * entry must go again, to whoever leads now.
     */
    static boolean leaderMoved(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NotLeaderException || c instanceof LeaderNotReadyException
                    || c instanceof AlreadyClosedException
                    || c instanceof LeaderSteppingDownException || c instanceof ServerNotReadyException) {
                return true;
            }
        }
        return false;
    }

    /** Sends a query to one server (the leader, for lease calls); no ordering with this client's writes. */
    CompletableFuture<RaftClientReply> query(byte[] query, RaftPeerId target) {
        return readOnlyAt(query, target);
    }

    /**
     * True when this server takes client requests itself. A learner does not: Ratis leaves a listener in its
     * "initializing" state, so its reads go to the leader ({@link #readAtLeader}).
     */
    boolean isServing() {
        try {
            return division().getInfo().getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.RUNNING;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A read-only query answered by the leader after its ReadIndex; see {@link #leaderCommitIndex}. */
    CompletableFuture<RaftClientReply> readAtLeader(byte[] query) {
        return readOnlyAt(query, leader());
    }

    /**
     * A read-only call to {@code target}; while the clients do not know it yet (see {@link #clientKnows}) it fails
     * as a transient "not ready", which callers retry, instead of with the client's "Server ... not found".
     */
    private CompletableFuture<RaftClientReply> readOnlyAt(byte[] query, RaftPeerId target) {
        if (target != null && !clientKnows(target)) {
            return CompletableFuture.failedFuture(new ServerNotReadyException(self.getId() + ": server "
                    + target + " is not in the configuration this member has applied yet"));
        }
        RaftClient via = client;
        return Tccl.get(() -> via.async().sendReadOnlyUnordered(Message.valueOf(ByteString.copyFrom(query)),
                target));
    }

    /** The commit index the replying leader reported with its reply (an upper bound of its read index). */
    static long leaderCommitIndex(RaftClientReply reply) {
        long index = reply.getLogIndex();
        for (var info : reply.getCommitInfos()) {
            if (info.getServer().getId().equals(reply.getServerId().toByteString())) {
                index = Math.max(index, info.getCommitIndex());
            }
        }
        return index;
    }

    /**
     * A linearizable read on this very server, in-process: the leader confirms the read index (from its lease
     * while it holds), this server waits until it has applied that index, then answers the query.
     */
    CompletableFuture<RaftClientReply> readHere(byte[] query) {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(localReads).setServerId(self.getId())
                .setGroupId(GROUP_ID).setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(query)))
                .setType(RaftClientRequest.readRequestType()).build();
        return submitHere(request);
    }

    /**
     * Hands a request to this server's Raft division itself. The server's entry point for client requests passes
     * each one to an executor and blocks the calling thread until the executor has submitted it: two thread
     * switches per write and per linearizable read, for nothing, since the caller waits anyway (about 75 µs each
     * on two loaded cores, measured).
     */
    private CompletableFuture<RaftClientReply> submitHere(RaftClientRequest request) {
        RaftServer.Division d;
        try {
            d = server.getDivision(GROUP_ID);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        Optional<RaftClientAsynchronousProtocol> direct = RatisInternals.clientProtocol(d);
        if (direct.isEmpty()) {
            return Tccl.get(() -> server.submitClientRequestAsync(request));
        }
        return Tccl.get(() -> {
            try {
                return direct.get().submitClientRequestAsync(request);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        if (reconnect != null) {
            reconnect.close();
        }
        if (candidacy != null) {
            candidacy.close();
        }
        long start = System.nanoTime();
        closeQuietly(client);
        closeQuietly(forwarding);
        long clientMs = (System.nanoTime() - start) / 1_000_000;
        try {
            Tccl.call(() -> {
                server.close();
                return null;
            });
        } catch (Exception e) {
            LOG.warn("raft server close failed name={} cause=\"{}\"", settings.name(), e.toString());
        }
        LOG.info("raft member closed name={} clientCloseMs={} tookMs={}", settings.name(), clientMs,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void closeQuietly(RaftServer s) {
        try {
            s.close();
        } catch (Exception e) {
            LOG.debug("raft server close after a failed start failed cause=\"{}\"", e.toString());
        }
    }

    private static void closeQuietly(RaftClient c) {
        if (c == null) {
            return;
        }
        try {
            Tccl.call(() -> {
                c.close();
                return null;
            });
        } catch (Exception e) {
            if (!(e instanceof CompletionException)) {
                LOG.debug("raft client close failed cause=\"{}\"", e.toString());
            }
        }
    }
}
