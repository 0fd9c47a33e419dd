package dev.cairn.datastore.raft;

import dev.cairn.datastore.snapshot.SnapshotImage;
import dev.cairn.datastore.sqlite.StoreFileVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * K3s's {@code --cluster-reset --cluster-reset-restore-path <file>}: this server becomes the only member of a new
 * cluster holding exactly the snapshot's data, revisions included. The file is verified before anything is
 * touched (its checksum, and that its store's schema version is one this release reads); the embedded etcd directory in use is then moved aside to {@code server/db/etcd-old-<unix time>} (never
 * deleted), the snapshot's store becomes the new group's initial state (as a SQLite conversion does), and
 * {@code server/db/reset-flag} records the reset. A server that ran on SQLite keeps its {@code state.db}; the
 * restored embedded etcd wins on the next start.
 */
final class SnapshotRestore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRestore.class);
    /** Backend option: the snapshot file to restore (with {@code cluster.reset}). */
    static final String RESTORE_PATH = "cluster.reset.restore.path";
    /** The member's identity survives the restore: the same node is the member of the new cluster. */
    private static final String[] IDENTITY_FILES = {"name", "member-id"};

    private SnapshotRestore() {
    }

    /** The message for the user once the restore is done. */
    static String doneMessage(RaftSettings s, Path snapshot, long revision) {
        return "Snapshot " + snapshot + " restored at revision " + revision + ". "
                + String.format(ClusterReset.DONE_MESSAGE, s.dir().getParent());
    }

    /** Restores {@code snapshot} and returns this member running as the only voter of the new cluster. */
    static RaftDatastore run(RaftSettings s, Path snapshot) throws Exception {
        long start = System.nanoTime();
        Path dbDir = s.dir().getParent();
        Files.createDirectories(dbDir);
        Path image = dbDir.resolve("restore-image.tmp");
        try {
            SnapshotImage.extract(snapshot, image);
            // the image is a whole store: its schema version is the snapshot's format version
            int version = StoreFileVersion.check(image, "snapshot " + snapshot);
            LOG.info("snapshot restore: snapshot verified file={} bytes={} schemaVersion={}", snapshot,
                    Files.size(image), version);
            moveAside(s.dir(), dbDir.resolve("etcd-old-" + Instant.now().getEpochSecond()));
            RaftDatastore store = SqliteConversion.newGroup(s, image, "snapshot restore", false, "");
            Path flag = ClusterReset.flagFile(s);
            if (!Files.exists(flag)) {
                Files.createFile(flag);
            }
            LOG.info("snapshot restore done file={} revision={} flag={} tookMs={}", snapshot,
                    store.currentRevision(), flag, (System.nanoTime() - start) / 1_000_000);
            return store;
        } finally {
            Files.deleteIfExists(image);
        }
    }

    /** K3s's "Pre-restore etcd database moved to ...", keeping the member's identity files in place. */
    private static void moveAside(Path etcdDir, Path old) throws IOException {
        if (!Files.isDirectory(etcdDir)) {
            return;
        }
        Files.move(etcdDir, old, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Pre-restore etcd database moved to {}", old);
        Files.createDirectories(etcdDir);
        for (String name : IDENTITY_FILES) {
            if (Files.isRegularFile(old.resolve(name))) {
                Files.copy(old.resolve(name), etcdDir.resolve(name));
            }
        }
    }
}
