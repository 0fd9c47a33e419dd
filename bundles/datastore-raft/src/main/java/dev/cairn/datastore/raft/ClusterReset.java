package dev.cairn.datastore.raft;

import dev.cairn.datastore.sqlite.ReplicaStore;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageMetadata;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * K3s's {@code --cluster-reset} (quorum recovery): this member becomes the only voter of a new Raft configuration
 * with everything it has applied (keys and revisions unchanged). Raft has no "force new cluster", so a new Raft
 * storage is made that starts from a snapshot of this member's store: the log continues after the store's applied
 * index, in a later term, with this member alone in the configuration. The old Raft storage is moved aside
 * ({@code raft-old-<unix>}), never deleted, and {@code <data-dir>/server/db/reset-flag} records the reset.
 */
final class ClusterReset {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReset.class);
    /** How long the old member may take to apply the entries its log holds as committed. */
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    static final String DONE_MESSAGE = "Managed etcd cluster membership has been reset, restart without"
            + " --cluster-reset flag now. Backup and delete %s on each peer etcd server and rejoin the nodes";

    private ClusterReset() {
    }

    static Path flagFile(RaftSettings s) {
        return s.dir().getParent().resolve("reset-flag");
    }

    /** The message for the user once the reset is done (K3s's). */
    static String doneMessage(RaftSettings s) {
        return String.format(DONE_MESSAGE, s.dir().getParent());
    }

    /**
     * Resets the membership and returns the member running as the only voter of the new configuration (the
     * caller closes it; a normal start afterwards is a one-member cluster).
     */
    static RaftDatastore run(RaftSettings s) throws Exception {
        Path flag = flagFile(s);
        if (Files.exists(flag)) {
            throw new IllegalStateException("Managed etcd cluster membership was previously reset, please remove the"
                    + " cluster-reset flag and start cairn normally. If you need to perform another cluster reset,"
                    + " you must first manually delete the file at " + flag);
        }
        Path groupDir = s.raftDir().resolve(RaftNode.GROUP_ID.getUuid().toString());
        if (!Files.isDirectory(groupDir)) {
            throw new IllegalStateException("cannot reset the cluster membership: " + s.raftDir() + " holds no Raft"
                    + " storage (this server was never a member of an embedded etcd cluster); start it without"
                    + " --cluster-reset");
        }
        long start = System.nanoTime();
        RaftSettings normal = s.withoutReset();
        Path copy = s.dir().resolve("reset-snapshot.tmp");
        ReplicaStore.Position at = copyStore(normal, copy);
        Path old = s.dir().resolve("raft-old-" + Instant.now().getEpochSecond());
        Files.move(s.raftDir(), old, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("cluster reset: previous Raft storage moved aside dir={}", old);
        Tccl.call(() -> {
            newStorage(groupDir, at, copy);
            return null;
        });
        Files.createFile(flag);
        RaftDatastore alone = RaftDatastore.open(normal, true);
        try {
            if (!alone.awaitLeader(CATCH_UP)) {
                throw new IllegalStateException("the reset member " + s.name() + " did not elect itself within "
                        + CATCH_UP.toSeconds() + " s; see the Raft log lines above");
            }
            forgetOtherMembers(alone);
        } catch (Exception | Error e) {
            alone.close();
            throw e;
        }
        LOG.info("cluster reset done name={} memberId={} appliedIndex={} revision={} flag={} tookMs={}", s.name(),
                Long.toHexString(s.memberId()), at.index(), alone.currentRevision(), flag,
                (System.nanoTime() - start) / 1_000_000);
        return alone;
    }

    /**
     * Starts the member on its old storage (no quorum needed: it applies what its log holds as committed), then
     * copies its store consistently; returns the position the copy holds.
     */
    private static ReplicaStore.Position copyStore(RaftSettings s, Path copy) throws Exception {
        try (RaftDatastore old = RaftDatastore.open(s, false)) {
            RaftServer.Division d = old.node().division();
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            while (d.getInfo().getLastAppliedIndex() < d.getRaftLog().getLastCommittedIndex()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ReplicaStore store = old.replicaStore();
            store.markApplied(0, 0, true).get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
            Files.deleteIfExists(copy);
            ReplicaStore.Position p = store.copyTo(copy);
            LOG.info("cluster reset: store copied appliedTerm={} appliedIndex={} committedIndex={} revision={}",
                    p.term(), p.index(), d.getRaftLog().getLastCommittedIndex(), store.currentRevision());
            return p;
        }
    }

    /**
     * A formatted Raft storage whose state-machine directory holds the store copy as the snapshot at {@code at},
     * and whose metadata is at its term: the log continues after it, and the next election is in a later term. A
     * {@code founding} marker says the storage has no configuration yet; the member's first lead removes it.
     */
    static void newStorage(Path groupDir, ReplicaStore.Position at, Path copy) throws IOException {
        newStorage(groupDir, at, copy, true);
    }

    /**
     * The same; without {@code withMd5} the snapshot's MD5 file is left for the caller to write later (Ratis reads a
     * snapshot without one; a live conversion writes it once the new member serves).
     */
    static Path newStorage(Path groupDir, ReplicaStore.Position at, Path copy, boolean withMd5) throws IOException {
        RaftStorage storage = RaftStorage.newBuilder().setDirectory(groupDir.toFile())
                .setOption(RaftStorage.StartupOption.FORMAT)
                .setLogCorruptionPolicy(org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION)
                .setStorageFreeSpaceMin(org.apache.ratis.util.SizeInBytes.valueOf(0)).build();
        try {
            storage.initialize();
            storage.getMetadataFile().persist(RaftStorageMetadata.valueOf(Math.max(0, at.term()),
                    RaftPeerId.valueOf("")));
            File sm = storage.getStorageDir().getStateMachineDir();
            Files.createDirectories(sm.toPath());
            File snapshot = new File(sm, SimpleStateMachineStorage.getSnapshotFileName(at.term(), at.index()));
            Files.move(copy, snapshot.toPath(), StandardCopyOption.ATOMIC_MOVE);
            if (withMd5) {
                MD5FileUtil.computeAndSaveMd5ForFile(snapshot);
            }
            // until this member has led the group once, its log holds no configuration (see RaftNode.start)
            Files.createFile(groupDir.resolve(RaftNode.FOUNDING));
            return groupDir.relativize(snapshot.toPath());
        } finally {
            storage.close();
        }
    }

    /** The other members' records go: the reconciler must not add them back to the new configuration. */
    private static void forgetOtherMembers(RaftDatastore alone) throws Exception {
        for (MemberRecord r : alone.replicaStore().members()) {
            if (r.id() != alone.memberId()) {
                alone.raftMembership().removeMember(r.id()).get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
