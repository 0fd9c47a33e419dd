package dev.cairn.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * K3s's tombstone: a server removed from the cluster (e.g. by {@code kubectl delete node}) writes
 * {@code server/db/etcd/tombstone} and stops. On the next start, with {@code --server} its old embedded-etcd
 * directory is moved aside ({@code server/db/etcd-backup-<unix time>}) and it joins again with a fresh store;
 * without {@code --server} it refuses to start and says what to do.
 */
final class Tombstone {
    private static final LauncherLog LOG = LauncherLog.of(Tombstone.class);

    private Tombstone() {
    }

    static Path file(ServerSettings settings) {
        return etcdDir(settings).resolve("tombstone");
    }

    /** Moves a removed member's store aside so that it can join again, or refuses to start without --server. */
    static void clearForRejoin(ServerSettings settings) throws StartupException {
        if (!Files.exists(file(settings))) {
            return;
        }
        Path db = settings.serverDir().resolve("db");
        if (settings.cluster().joinUrl().isEmpty()) {
            throw new StartupException("tombstone file has been detected but --server is empty: backup and delete "
                    + db + " to create a new cluster, or set --server to rejoin the cluster");
        }
        Path backup = db.resolve("etcd-backup-" + Instant.now().getEpochSecond());
        try {
            Files.move(etcdDir(settings), backup, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StartupException("tombstone file has been detected, but " + etcdDir(settings)
                    + " could not be moved to " + backup + " to rejoin the cluster: " + e.getMessage(), e);
        }
        LOG.info("tombstone file has been detected, the removed member's store was moved to " + backup
                + " to rejoin the cluster");
    }

    private static Path etcdDir(ServerSettings settings) {
        return settings.serverDir().resolve("db").resolve("etcd");
    }
}
