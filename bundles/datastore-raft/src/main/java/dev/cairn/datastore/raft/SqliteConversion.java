package dev.cairn.datastore.raft;

import dev.cairn.datastore.sqlite.ReplicaStore;
import dev.cairn.datastore.sqlite.StoreFileVersion;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * Turns a single-node SQLite store ({@code server/db/state.db}) into the initial state of a new one-member Raft
 * group, keeping every key, value, revision, version, lease and the history not yet compacted (K3s copies only the
 * latest values). Both backends use the same SQLite engine, so the store is copied whole and becomes the group's
 * first snapshot: the Raft log starts after it, and members that join later receive it as a snapshot.
 *
 * <p>Crash safety: the new Raft storage is built in {@code raft.converting/} and renamed to {@code raft/} in one
 * step, and the selector treats only a non-empty {@code raft/} as an initialized embedded etcd. Killed before the
 * rename, the next start converts again from the untouched SQLite file; after it, the next start is a Raft member.
 */
final class SqliteConversion {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteConversion.class);
    /** In {@code server/db/etcd}: the store was converted from the SQLite file it names. */
    static final String MARKER = "converted-from";
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);
    /** Where the copy sits in the log: the first term, index 1; the next election is in a later term. */
    private static final ReplicaStore.Position INITIAL = new ReplicaStore.Position(1, 1);

    private SqliteConversion() {
    }

    /** Converts {@code source} and returns this member running as the only voter of the new group. */
    static RaftDatastore run(RaftSettings s, Path source) throws Exception {
        return newGroup(s, source, "sqlite conversion", true, "");
    }

    /** The same, halting the process at {@code crashAt} ({@link ConversionCrash}, tests only). */
    static RaftDatastore run(RaftSettings s, Path source, String crashAt) throws Exception {
        return newGroup(s, source, "sqlite conversion", true, crashAt);
    }

    /**
     * A live conversion: {@code base} is a consistent copy of {@code source} taken while it still served; the writes
     * made since are copied into it (a full copy is made instead if a compaction ran meanwhile), and it becomes the
     * new group's initial state.
     */
    static RaftDatastore runLive(RaftSettings s, Path source, Path base) throws Exception {
        return newGroup(s, source, base, "live sqlite conversion", true, "");
    }

    /**
     * Ahead of a live conversion, while the SQLite store still serves: a second copy of {@code base}, which at the
     * switch becomes the new member's store file (brought up to date like the base), so that the switch does not
     * copy the whole store once more.
     */
    static void prepareReplica(Path base) throws IOException {
        Path replica = replicaOf(base);
        Files.deleteIfExists(replica);
        if (!Files.isRegularFile(base)) {
            return;
        }
        long start = System.nanoTime();
        Files.copy(base, replica);
        try (FileChannel ch = FileChannel.open(replica, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        LOG.info("live conversion: store file prepared file={} bytes={} tookMs={}", replica, Files.size(replica),
                millisSince(start));
    }

    private static Path replicaOf(Path base) {
        return base.resolveSibling(base.getFileName() + ".replica");
    }

    static RaftDatastore newGroup(RaftSettings s, Path image, String what, boolean converted, String crashAt)
            throws Exception {
        return newGroup(s, image, null, what, converted, crashAt);
    }

    /**
     * Makes {@code image} (a store file of the SQLite engine: a single-node store or a snapshot) the initial state
     * of a new one-member group in {@code s.dir()}, and returns this member running as its only voter.
     *
     * @param what      names the job in log lines
     * @param converted the source is the live SQLite store (copied, then renamed by the selector); otherwise
     *                  {@code image} is a private file of the caller's, which is moved and prepared in place
     * @param base      an earlier copy of {@code image} to bring up to date instead of copying it whole; or null
     * @param crashAt   the {@link ConversionCrash} step to halt at; "" for none
     */
    private static RaftDatastore newGroup(RaftSettings s, Path image, Path base, String what, boolean converted,
            String crashAt) throws Exception {
        if (!Files.isRegularFile(image)) {
            throw new IllegalStateException("cannot convert " + image + " to the embedded etcd: the file does not"
                    + " exist or is not a regular file");
        }
        long start = System.nanoTime();
        Files.createDirectories(s.dir());
        Path copy = s.dir().resolve("converted-snapshot.tmp");
        Files.deleteIfExists(copy);
        Counts counts = null;
        Path replica = null;
        if (base != null && Files.isRegularFile(base)) {
            Files.move(base, copy, StandardCopyOption.ATOMIC_MOVE);
            counts = catchUp(copy, image);
            if (counts == null) {
                LOG.info("{}: the store was compacted after the copy was taken; copying it whole", what);
                Files.delete(copy);
            }
            replica = replicaOf(base);
            if (!Files.isRegularFile(replica) || counts == null || catchUp(replica, image) == null) {
                Files.deleteIfExists(replica);
                replica = null; // the new member copies its store file from the snapshot instead
            }
        }
        if (counts == null) { // else brought up to date above, from a copy of a store this release opened
            if (converted) {
                vacuumInto(image, copy);
            } else {
                Files.move(image, copy, StandardCopyOption.ATOMIC_MOVE); // a private file: prepared in place
            }
            requireReadable(copy, converted ? "the SQLite datastore " + image : "the store of " + what);
            counts = prepare(copy);
        }
        LOG.info("{}: store copied source={} keys={} revisions={} leases={} revision={} bytes={}"
                + " tookMs={} rateMiBPerSec={}", what, image, counts.keys, counts.versions, counts.leases,
                counts.revision, Files.size(copy), millisSince(start), rate(Files.size(copy), start));
        ConversionCrash.at("copied", crashAt);
        Path staging = s.dir().resolve("raft.converting");
        deleteTree(staging);
        Path groupDir = staging.resolve(RaftNode.GROUP_ID.getUuid().toString());
        boolean md5Later = replica != null;
        Path snapshot = Tccl.call(() -> ClusterReset.newStorage(groupDir, INITIAL, copy, !md5Later));
        if (converted) {
            // the selector retires the SQLite file after a conversion; this marker tells it even after a crash
            Files.writeString(s.dir().resolve(MARKER), image + "\n");
        }
        ConversionCrash.at("staged", crashAt);
        Files.move(staging, s.raftDir(), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(s.dir());
        ConversionCrash.at("renamed", crashAt);
        if (replica != null) {
            // the store file at the snapshot's position: the member opens it instead of copying the snapshot
            for (String suffix : List.of("-wal", "-shm")) {
                Files.deleteIfExists(Path.of(s.storeFile() + suffix));
            }
            Files.move(replica, s.storeFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(s.dir());
        }
        RaftDatastore store = RaftDatastore.open(s, true);
        if (!store.awaitLeader(LEADER_WAIT)) {
            store.close();
            throw new IllegalStateException("the new member " + s.name() + " did not elect itself within "
                    + LEADER_WAIT.toSeconds() + " s; see the Raft log lines above");
        }
        if (md5Later) {
            writeMd5Later(s.raftDir().resolve(RaftNode.GROUP_ID.getUuid().toString()).resolve(snapshot));
        }
        LOG.info("{} done source={} keys={} revision={} tookMs={}", what, image, counts.keys,
                store.currentRevision(), millisSince(start));
        return store;
    }

    /** Off the switch: the snapshot's MD5 file, which later starts of the member check the snapshot against. */
    private static void writeMd5Later(Path snapshot) {
        Thread t = new Thread(() -> {
            try {
                MD5FileUtil.computeAndSaveMd5ForFile(snapshot.toFile());
            } catch (RuntimeException e) { // Ratis reports I/O errors unchecked
                LOG.warn("cannot write the MD5 file of the snapshot {}: {}; the snapshot is used without it", snapshot,
                        e.toString());
            }
        }, "cairn-snapshot-md5");
        t.setDaemon(true);
        t.start();
    }

    private record Counts(long keys, long versions, long leases, long revision) {
    }

    /** A consistent copy of the SQLite store, WAL included. */
    private static void vacuumInto(Path source, Path target) throws SQLException {
        try (Connection c = connect(source); Statement st = c.createStatement()) {
            st.execute("VACUUM INTO '" + target.toString().replace("'", "''") + "'");
        }
    }

    /**
     * Refuses a copy of a store a newer Cairn wrote before it is changed or becomes the group's first snapshot: the
     * source is then untouched and no Raft storage exists yet.
     */
    private static void requireReadable(Path copy, String name) throws IOException {
        try {
            StoreFileVersion.check(copy, name);
        } catch (IllegalStateException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
    }

    /**
     * Copies into {@code copy} what {@code source} wrote after the copy was taken: log rows after the copy's last
     * one, the latest rows of the keys they touched, the leases and the revision counters. Null when a compaction
     * ran in between (rows the copy holds are gone from the source), which needs a full copy.
     */
    private static Counts catchUp(Path copy, Path source) throws SQLException, IOException {
        try (Connection c = connect(copy); Statement st = c.createStatement()) {
            // attached only for this connection, which a failure closes with the transaction undone
            st.execute("ATTACH DATABASE '" + source.toString().replace("'", "''") + "' AS live");
            String compaction = "SELECT compact_revision || '/' || compact_cursor FROM ";
            if (!text(st, compaction + "meta").equals(text(st, compaction + "live.meta"))) {
                return null;
            }
            long lastId = count(st, "SELECT coalesce(max(id), 0) FROM log");
            st.execute("BEGIN IMMEDIATE");
            st.execute("CREATE TEMP TABLE changed AS SELECT DISTINCT key FROM live.log WHERE id > " + lastId);
            st.execute("INSERT INTO log SELECT * FROM live.log WHERE id > " + lastId);
            st.execute("DELETE FROM latest WHERE key IN (SELECT key FROM temp.changed)");
            st.execute("INSERT INTO latest SELECT * FROM live.latest WHERE key IN (SELECT key FROM temp.changed)");
            st.execute("DELETE FROM leases");
            st.execute("INSERT INTO leases SELECT * FROM live.leases");
            st.execute("UPDATE meta SET (revision, applied_index, alarms) = (SELECT revision, applied_index,"
                    + " alarms FROM live.meta)");
            st.execute("DELETE FROM sqlite_sequence");
            st.execute("INSERT INTO sqlite_sequence SELECT * FROM live.sqlite_sequence");
            st.execute("DROP TABLE temp.changed");
            st.execute("COMMIT");
            LOG.info("live conversion: writes since the copy applied fromLogId={} revision={}", lastId,
                    count(st, "SELECT revision FROM meta"));
            st.execute("DETACH DATABASE live");
        }
        return prepare(copy);
    }

    private static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /**
     * Clears the member rows and request records of the node or cluster the store came from, which mean nothing to
     * the new group, and puts it at {@link #INITIAL}; fsyncs it.
     */
    private static Counts prepare(Path target) throws SQLException, IOException {
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            st.execute("DELETE FROM members");
            st.execute("DELETE FROM requests");
            if (count(st, "SELECT count(*) FROM sqlite_master WHERE name = 'removed_members'") > 0) {
                st.execute("DELETE FROM removed_members"); // a Raft member's store: its cluster's history
            }
            st.execute("UPDATE meta SET raft_term = " + INITIAL.term() + ", raft_index = " + INITIAL.index());
            Counts counts = new Counts(count(st, "SELECT count(*) FROM latest"), count(st, "SELECT count(*) FROM log"),
                    count(st, "SELECT count(*) FROM leases"), count(st, "SELECT revision FROM meta"));
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            st.execute("PRAGMA journal_mode=DELETE");
            return counts;
        } finally {
            if (Files.exists(target)) {
                try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }

    /** Through sqlite-jdbc's data source: in OSGi, java.sql.DriverManager does not see the driver. */
    private static Connection connect(Path file) throws SQLException {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        return ds.getConnection();
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String rate(long bytes, long start) {
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        return String.format("%.1f", bytes / 1048576.0 / seconds);
    }
}
