package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.sqlite.NewerStoreException;
import dev.cairn.datastore.sqlite.ReplicaStore;
import dev.cairn.datastore.sqlite.StoreFileVersion;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MVCC state machine: applies the log, in order, to this server's {@link ReplicaStore} (the SQLite engine),
 * which records the applied position in the same transaction as the data. Snapshots are consistent copies of the
 * store file, fsynced up to their index first; an installed snapshot replaces the store file.
 *
 * <p>The store file lives outside Ratis's {@code sm/} directory (which an install replaces wholesale); {@code sm/}
 * holds only the snapshot copies.
 *
 * <p>Versions: a snapshot is a whole store file, so its format version is the store's schema version inside it; a
 * snapshot a newer Cairn wrote is refused before it replaces anything ({@link StoreFileVersion}). A log entry this
 * release cannot read ({@link NewerFormatException}) halts applying: Ratis hands over the entries after it without
 * waiting, and applying those (or recording their position) would skip the unreadable one for good.
 */
final class ReplicaStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStateMachine.class);

    /** What the datastore hears from the state machine. */
    interface Listener {
        /** A store was opened (at start, or after a snapshot replaced the previous one, whose watches ended). */
        void storeOpened(ReplicaStore store);

        void leaderChanged(RaftPeerId leader);

        /** This server leads and has applied its own first entry: it owns the lease deadlines now. */
        void leaderReady();

        void configurationChanged(RaftConfigurationProto conf, long index);

        /** A member's record was removed (the first step of its removal from the configuration). */
        void memberRemoved(long memberId, String name);

        /** The store failed to apply an entry; the server must stop (it recovers from its log on restart). */
        void failed(Throwable cause);

        /**
         * A follower's entry for this leader to carry in its own entries; completes with the
         * {@link ForwardedEntry} answer.
         */
        CompletableFuture<byte[]> forwarded(byte[] entry);
    }

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Path storeFile;
    private final long quotaBytes;
    private final ReplicaStore.Events events;
    private final Listener listener;
    private final AppliedIndex applied = new AppliedIndex();
    private final ApplyPipeline pipeline = new ApplyPipeline();
    private final CommitBroadcast commitBroadcast = new CommitBroadcast(this::leadingDivision);
    private volatile ReplicaStore store;
    private volatile RaftPeerId self;
    private volatile StateMachine.DataApi logFlush = StateMachine.DataApi.DEFAULT;
    /** Copies the store for snapshots, off the apply thread (see {@link #takeSnapshot}). */
    private final ExecutorService snapshotCopier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-raft-snapshot-copy");
        t.setDaemon(true);
        return t;
    });
    /** The snapshot copy in progress or finished and not yet reported to Ratis; null when none. */
    private volatile CompletableFuture<Long> snapshotCopy;
    /** Why applying stopped at an entry; every later entry is refused, none recorded as applied. Null normally. */
    private volatile RuntimeException halted;

    ReplicaStateMachine(Path storeFile, long quotaBytes, ReplicaStore.Events events, Listener listener) {
        this.storeFile = storeFile;
        this.quotaBytes = quotaBytes;
        this.events = events;
        this.listener = listener;
    }

    ReplicaStore store() {
        ReplicaStore s = store;
        if (s == null) {
            throw StoreError.STOPPED.exception();
        }
        return s;
    }

    /** The store, or null while none is open (closed, or being replaced by a snapshot). */
    ReplicaStore currentStore() {
        return store;
    }

    AppliedIndex appliedIndex() {
        return applied;
    }

    /** Why applying stopped at an entry (this member then serves nothing new), or null while it applies. */
    RuntimeException halted() {
        return halted;
    }

    /** The fsyncDelay failpoint on the Raft log ({@link LogFlushDelay}); set before the server starts. */
    void delayLogFsyncs(java.time.Duration delay) {
        logFlush = LogFlushDelay.of(delay);
    }

    /** Only {@code flush} matters: this state machine keeps no data outside the log entries. */
    @Override
    public StateMachine.DataApi data() {
        return logFlush;
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            self = server.getId();
            storage.init(raftStorage);
            openStore(storage.loadLatestSnapshot());
        });
    }

    /**
     * Opens the store file; when it is missing or older than the latest snapshot (lost, or never written after an
     * install), the snapshot's copy replaces it first.
     */
    private void openStore(SingleFileSnapshotInfo snapshot) throws IOException {
        ReplicaStore opened = null;
        if (Files.exists(storeFile)) {
            opened = ReplicaStore.open(storeFile, quotaBytes, events);
            if (snapshot != null && opened.applied().index() < snapshot.getIndex()) {
                LOG.warn("replica store behind its snapshot file={} applied={} snapshot={} action=\"restoring the"
                        + " snapshot\"", storeFile, opened.applied().index(), snapshot.getIndex());
                opened.close();
                opened = null;
            }
        }
        if (opened == null) {
            if (snapshot != null) {
                checkReadable(snapshot);
                restore(snapshot.getFile().getPath());
            }
            opened = ReplicaStore.open(storeFile, quotaBytes, events);
        }
        ReplicaStore.Position p = opened.applied();
        TermIndex at = TermIndex.valueOf(p.term(), p.index());
        setLastAppliedTermIndex(p.index() > 0 ? at : null);
        applied.reset(p.index());
        store = opened;
        LOG.info("replica store opened file={} appliedTerm={} appliedIndex={} revision={}", storeFile, p.term(),
                p.index(), opened.currentRevision());
        listener.storeOpened(opened);
    }

    /** Refuses a snapshot a newer Cairn wrote, before it replaces the store (which is then left as it was). */
    private static void checkReadable(SingleFileSnapshotInfo snapshot) throws IOException {
        Path file = snapshot.getFile().getPath();
        try {
            StoreFileVersion.check(file, "Raft snapshot " + file + " (term " + snapshot.getTerm() + ", index "
                    + snapshot.getIndex() + ")");
        } catch (NewerStoreException e) {
            throw new NewerFormatException(e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Replaces the store file with a snapshot copy (the old file and its WAL go). */
    private void restore(Path snapshotFile) throws IOException {
        long start = System.nanoTime();
        for (String suffix : List.of("-wal", "-shm", "")) {
            Files.deleteIfExists(storeFile.resolveSibling(storeFile.getFileName() + suffix));
        }
        Path tmp = storeFile.resolveSibling(storeFile.getFileName() + ".restore.tmp");
        Files.copy(snapshotFile, tmp, StandardCopyOption.REPLACE_EXISTING);
        fsync(tmp);
        Files.move(tmp, storeFile, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("replica store restored from snapshot file={} snapshot={} bytes={} tookMs={}", storeFile,
                snapshotFile.getFileName(), Files.size(storeFile), (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long term = entry.getTerm();
        long index = entry.getIndex();
        RuntimeException stopped = halted;
        if (stopped != null) {
            return CompletableFuture.failedFuture(stopped);
        }
        broadcastCommit();
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        List<Proposal> proposals;
        try {
            proposals = CommandCodec.decodeEntry(data);
        } catch (RuntimeException e) {
            RuntimeException refused = e instanceof NewerFormatException
                    ? new NewerFormatException("cannot apply Raft log entry " + index + " (term " + term + "): "
                            + e.getMessage() + ". A newer Cairn wrote it; this member stops rather than apply it"
                            + " wrongly or skip it: upgrade this server to the release the other members run", e)
                    : new IllegalStateException("cannot apply Raft log entry " + index + " (term " + term + "): "
                            + e.getMessage(), e);
            halted = refused;
            listener.failed(refused);
            return CompletableFuture.failedFuture(refused);
        }
        applied.submitted(index);
        // the name a removed member had: a server that rejoins under the same address (same id, new name)
        // replays the record of its earlier removal, which is not about it
        Map<Long, String> removedNames = removedNames(proposals);
        CompletableFuture<byte[]> reply = proposals.size() == 1 && data[0] != CommandCodec.BATCH
                ? pipeline.apply(store(), term, index, proposals.get(0))
                : pipeline.applyAll(store(), term, index, proposals).thenApply(ReplyCodec::batch);
        return reply.handle((bytes, failure) -> {
            if (failure != null) {
                if (halted == null) {
                    halted = new IllegalStateException("Raft log entry " + index + " was not applied", failure);
                }
                listener.failed(failure);
                throw new IllegalStateException("entry " + index + " not applied", failure);
            }
            updateLastAppliedTermIndex(term, index);
            applied.applied(index);
            removedNames.forEach(listener::memberRemoved);
            return Message.valueOf(ByteString.copyFrom(bytes));
        });
    }

    /** The members the proposals remove, with the names they have before the removal; empty almost always. */
    private Map<Long, String> removedNames(List<Proposal> proposals) {
        Map<Long, String> names = Map.of();
        for (Proposal p : proposals) {
            if (p.command() instanceof Command.RemoveMember removal) {
                if (names.isEmpty()) {
                    names = new HashMap<>();
                }
                names.put(removal.id(), nameOf(removal.id()));
            }
        }
        return names;
    }

    /** Configuration and leader entries: recorded in the store in log order, after the entries before them. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (halted != null) {
            return; // recording a position past the entry that halted applying would skip that entry
        }
        ReplicaStore s = store;
        if (s == null) {
            updateLastAppliedTermIndex(term, index);
            return;
        }
        broadcastCommit();
        applied.submitted(index);
        pipeline.markApplied(s, term, index, false).whenComplete((p, failure) -> {
            if (failure != null) {
                listener.failed(failure);
                return;
            }
            updateLastAppliedTermIndex(term, index);
            applied.applied(index);
        });
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        Query q;
        try {
            q = Query.decode(request.getContent().toByteArray());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (q.kind() == Query.Kind.FORWARD) {
            CompletableFuture<byte[]> answer = isLeader() ? listener.forwarded(q.payload())
                    : CompletableFuture.completedFuture(ForwardedEntry.notLeader(self + " does not lead"));
            return answer.thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
        }
        // every entry up to the read index has been handed to the store; wait until it has applied them
        return applied.awaitSubmitted().thenCompose(done -> answer(q))
                .thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
    }

    private CompletableFuture<byte[]> answer(Query q) {
        if (q.kind() == Query.Kind.BARRIER) {
            return CompletableFuture.completedFuture(ReplyCodec.ok(null));
        }
        if (!isLeader()) {
            return CompletableFuture.completedFuture(ReplyCodec.error(StoreError.NOT_LEADER.exception()));
        }
        if (q.kind() == Query.Kind.LEARNER_CAUGHT_UP) {
            try {
                boolean caughtUp = LearnerProgress.caughtUp(division(), MemberIds.peerId(q.subject()));
                return CompletableFuture.completedFuture(ReplyCodec.ok(caughtUp ? 1L : 0L));
            } catch (IOException e) {
                return CompletableFuture.completedFuture(ReplyCodec.error(DatastoreException.of(e)));
            }
        }
        CompletableFuture<?> result = q.kind() == Query.Kind.KEEP_ALIVE ? store().leaseKeepAlive(q.subject())
                : store().leaseTimeToLive(q.subject(), false);
        return result.handle((value, failure) -> failure == null ? ReplyCodec.ok(value)
                : ReplyCodec.error(DatastoreException.of(failure)));
    }

    /** On the leader: followers that do not know the commit index yet get a heartbeat that tells them. */
    private void broadcastCommit() {
        if (isLeader()) {
            commitBroadcast.committed();
        }
    }

    private Optional<RaftServer.Division> leadingDivision() {
        try {
            RaftServer.Division d = division();
            return d.getInfo().isLeader() ? Optional.of(d) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not running (yet or any more)
        }
    }

    private boolean isLeader() {
        try {
            return division().getInfo().isLeader();
        } catch (Exception e) {
            return false;
        }
    }

    private RaftServer.Division division() throws IOException {
        try {
            return getServer().get().getDivision(getGroupId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /**
     * A snapshot at the last applied entry: the store is fsynced up to it (the log before it may be purged), then
     * copied consistently beside the other snapshots, with its MD5.
     */
    @Override
    public long takeSnapshot() throws IOException {
        CompletableFuture<Long> running = snapshotCopy;
        if (running != null) {
            if (!running.isDone()) {
                return RaftLog.INVALID_LOG_INDEX; // Ratis asks again after its next applied entries
            }
            snapshotCopy = null;
            try {
                return running.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io : new IOException("snapshot copy failed: "
                        + cause.getMessage(), cause);
            }
        }
        ReplicaStore s = store();
        if (getLastAppliedTermIndex() == null) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        snapshotCopy = CompletableFuture.supplyAsync(() -> {
            try {
                return copySnapshot(s);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, snapshotCopier);
        return RaftLog.INVALID_LOG_INDEX;
    }

    /**
     * Ratis takes snapshots on the thread that applies entries; copying a large store there would stall every write
     * for as long as the copy takes (0.3-0.4 s for 100,000 keys, seconds on an SD card). So the copy runs here, beside
     * the apply loop: a consistent copy at whatever index is applied when it starts (the store keeps its applied
     * position in the same transaction as the data), saved as the snapshot at that position. Only then is the store
     * made durable up to at least that position, so that a log purged up to it never holds entries the store lost.
     */
    private long copySnapshot(ReplicaStore s) throws IOException {
        long start = System.nanoTime();
        Path dir = storage.getSnapshotFile(0, 0).toPath().getParent(); // the state machine's snapshot directory
        Files.createDirectories(dir);
        Path tmp = dir.resolve("copy-" + System.nanoTime() + ".tmp");
        ReplicaStore.Position p;
        try {
            p = s.copyTo(tmp);
            fsync(tmp);
            pipeline.markApplied(s, 0, 0, true).join();
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(tmp);
            throw e instanceof IOException io ? io : new IOException("snapshot copy failed: " + e.getMessage(), e);
        }
        File target = storage.getSnapshotFile(p.term(), p.index());
        // the digest before the move: Ratis lists the directory while it waits for this copy, and warned about a
        // snapshot without its MD5 file for as long as the digest of the moved file took (6 times per snapshot)
        var md5 = MD5FileUtil.computeMd5ForFile(tmp.toFile());
        Files.move(tmp, target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5FileUtil.saveMD5File(target, md5);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5),
                TermIndex.valueOf(p.term(), p.index())));
        LOG.info("snapshot taken term={} index={} revision={} bytes={} tookMs={}", p.term(), p.index(),
                s.currentRevision(), target.length(), (System.nanoTime() - start) / 1_000_000);
        return p.index();
    }

    /** Lets a snapshot copy in progress finish before the store it reads is closed or replaced. */
    private void awaitSnapshotCopy() {
        CompletableFuture<Long> running = snapshotCopy;
        if (running != null) {
            try {
                running.join();
            } catch (CompletionException e) {
                LOG.warn("snapshot copy failed while the store closes: {}", e.getCause().toString());
            }
        }
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After a snapshot was installed from the leader: its copy replaces the store, which opens again. */
    @Override
    public void reinitialize() throws IOException {
        awaitSnapshotCopy();
        snapshotCopy = null;
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot != null) {
            try {
                checkReadable(snapshot); // the store in use stays as it is
            } catch (IOException | NewerFormatException e) {
                listener.failed(e);
                throw e;
            }
        }
        ReplicaStore old = store;
        store = null;
        if (old != null) {
            old.close();
        }
        if (snapshot != null) {
            restore(snapshot.getFile().getPath());
        }
        openStore(null);
        if (snapshot != null) {
            setLastAppliedTermIndex(snapshot.getTermIndex());
            applied.reset(snapshot.getIndex());
            LOG.info("snapshot installed term={} index={} revision={}", snapshot.getTerm(), snapshot.getIndex(),
                    store().currentRevision());
        }
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId leader) {
        ReplicaStore s = store;
        if (s != null && !member.getPeerId().equals(leader)) {
            s.ownLeases(false);
        }
        listener.leaderChanged(leader);
    }

    @Override
    public void notifyLeaderReady() {
        ReplicaStore s = store;
        if (s != null) {
            s.ownLeases(true);
        }
        listener.leaderReady();
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto conf) {
        listener.configurationChanged(conf, index);
    }

    @Override
    public void close() throws IOException {
        awaitSnapshotCopy();
        snapshotCopier.shutdown();
        commitBroadcast.close();
        ReplicaStore s = store;
        store = null;
        applied.fail(StoreError.STOPPED.exception());
        if (s != null) {
            s.close();
        }
        super.close();
    }

    private String nameOf(long memberId) {
        ReplicaStore s = store;
        if (s == null) {
            return "";
        }
        for (ReplicaStore.MemberRecord m : s.members()) {
            if (m.id() == memberId) {
                return m.name();
            }
        }
        return "";
    }

    RaftPeerId self() {
        return self;
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
