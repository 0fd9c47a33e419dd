package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.snapshot.SnapshotImage;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.StoreFileVersion;
import dev.cairn.datastore.tck.StoreContent;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.sqlite.SQLiteDataSource;

/**
 * A server reads the embedded etcd every earlier release wrote: for each directory of {@code release-fixtures/}
 * (written by {@link RaftFixtureWriter} with that release), this build starts the member on its storage directory
 * as it is, rebuilds its store from the release's state-machine snapshot and the log after it, replays the whole
 * log, and restores the release's etcd snapshot file; each time every key, value, revision, version and lease must
 * be what the release recorded. What a newer release wrote (a store, a snapshot, an etcd snapshot file, a log entry)
 * is refused with an error naming it and both versions, and nothing is changed or applied.
 */
@RunWith(Parameterized.class)
public class RaftReleaseFixtureTest {
    private static final Pattern COMPACTED = Pattern.compile("(?m)^compacted (\\d+):");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Path fixture;
    private final String content;
    private final long compacted;

    public RaftReleaseFixtureTest(String release, Path fixture) throws Exception {
        this.fixture = fixture;
        this.content = Files.readString(fixture.resolve("content.txt"));
        Matcher m = COMPACTED.matcher(content);
        assertTrue("the fixture records its compaction", m.find());
        this.compacted = Long.parseLong(m.group(1));
    }

    @Parameters(name = "{0}")
    public static List<Object[]> releases() throws Exception {
        Path root = Path.of(RaftReleaseFixtureTest.class.getResource("/release-fixtures").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.sorted().map(d -> new Object[] {d.getFileName().toString(), d}).toList();
        }
    }

    /** A data dir whose {@code server/db/etcd} is a copy of the fixture's member. */
    private Path dataDirWithMember() throws Exception {
        Path dataDir = tmp.newFolder().toPath();
        Path etcd = dataDir.resolve("server/db/etcd");
        try (Stream<Path> paths = Files.walk(fixture.resolve("member"))) {
            for (Path p : paths.toList()) {
                Path dest = etcd.resolve(fixture.resolve("member").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return dataDir;
    }

    private static RaftSettings settings(Path dataDir) {
        return RaftSettings.from(new BackendSettings(dataDir, "", "fixture", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:" + TestCluster.freeLoopbackPort()), 0, null, RaftFixtureWriter.OPTIONS));
    }

    private static Path etcdDir(Path dataDir) {
        return dataDir.resolve("server/db/etcd");
    }

    /** The member's state-machine snapshot file. */
    private static Path snapshotFile(Path dataDir) throws Exception {
        try (Stream<Path> files = Files.walk(etcdDir(dataDir).resolve("raft"))) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).findFirst()
                    .orElseThrow(() -> new AssertionError("the fixture has no state-machine snapshot"));
        }
    }

    /** Opens the member, checks it holds the release's content and takes a write after it. */
    private void assertServesTheReleasesContent(Path dataDir) throws Exception {
        RaftSettings s = settings(dataDir);
        try (RaftDatastore raft = RaftDatastore.open(s)) {
            assertTrue(raft.awaitLeader(TestCluster.WAIT));
            assertEquals(content, StoreContent.of(raft, compacted));
            long revision = raft.currentRevision();
            assertEquals(revision + 1, get(raft.put(PutRequest.of(Bytes.utf8("/after-the-upgrade"),
                    Bytes.utf8("1")))).revision());
            assertEquals(List.of(s.name()), raft.cluster().members().stream().map(m -> m.name()).toList());
        }
    }

    @Test
    public void theMemberStartsOnTheStorageTheReleaseLeft() throws Exception {
        assertServesTheReleasesContent(dataDirWithMember());
    }

    @Test
    public void theStoreIsRebuiltFromTheReleasesSnapshotAndTheLogAfterIt() throws Exception {
        Path dataDir = dataDirWithMember();
        Files.delete(etcdDir(dataDir).resolve("state.db"));
        assertServesTheReleasesContent(dataDir);
    }

    @Test
    public void theStoreIsRebuiltByReplayingEveryEntryOfTheReleasesLog() throws Exception {
        Path dataDir = dataDirWithMember();
        Path log = etcdDir(dataDir).resolve("raft");
        try (Stream<Path> files = Files.walk(log)) {
            assertTrue("the fixture's log starts at its first entry", files.anyMatch(p -> p.getFileName().toString()
                    .matches("log_(inprogress_)?0(-\\d+)?")));
        }
        Files.delete(etcdDir(dataDir).resolve("state.db"));
        Path snapshot = snapshotFile(dataDir);
        Files.delete(snapshot);
        Files.delete(snapshot.resolveSibling(snapshot.getFileName() + ".md5"));
        assertServesTheReleasesContent(dataDir);
    }

    @Test
    public void theReleasesEtcdSnapshotFileRestores() throws Exception {
        Path dataDir = tmp.newFolder().toPath();
        Path snapshot = tmp.newFolder().toPath().resolve("etcd-snapshot");
        Files.copy(fixture.resolve("etcd-snapshot"), snapshot);
        RaftSettings s = settings(dataDir);
        try (RaftDatastore restored = SnapshotRestore.run(s, snapshot)) {
            assertEquals(content, StoreContent.of(restored, compacted));
        }
    }

    @Test
    public void aStoreANewerReleaseWroteIsRefusedAndLeftAsItWas() throws Exception {
        Path dataDir = dataDirWithMember();
        Path db = etcdDir(dataDir).resolve("state.db");
        int newer = makeNewer(db);
        Map<String, byte[]> before = files(etcdDir(dataDir));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RaftDatastore.open(settings(dataDir)).close());
        assertNamesBothVersions(e.getMessage(), db, newer);
        assertUnchanged(before, files(etcdDir(dataDir)));
    }

    @Test
    public void aSnapshotANewerReleaseWroteDoesNotReplaceTheStore() throws Exception {
        Path dataDir = dataDirWithMember();
        Files.delete(etcdDir(dataDir).resolve("state.db"));
        Path snapshot = snapshotFile(dataDir);
        int newer = makeNewer(snapshot);
        MD5FileUtil.computeAndSaveMd5ForFile(snapshot.toFile());
        Map<String, byte[]> before = files(etcdDir(dataDir));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RaftDatastore.open(settings(dataDir)).close());
        assertNamesBothVersions(e.getMessage(), snapshot, newer);
        assertTrue(e.getMessage(), e.getMessage().contains("Raft snapshot"));
        assertUnchanged(before, files(etcdDir(dataDir)));
        assertFalse("no store was made from it", Files.exists(etcdDir(dataDir).resolve("state.db")));
    }

    @Test
    public void anEtcdSnapshotANewerReleaseWroteIsRefusedBeforeAnythingIsMoved() throws Exception {
        Path work = tmp.newFolder().toPath();
        Path image = work.resolve("image");
        SnapshotImage.extract(fixture.resolve("etcd-snapshot"), image);
        int newer = makeNewer(image);
        Path snapshot = work.resolve("etcd-snapshot-of-a-newer-release");
        try (OutputStream out = Files.newOutputStream(snapshot);
                SnapshotImage.Sealer sealer = SnapshotImage.sealing(out)) {
            Files.copy(image, sealer);
            sealer.seal();
        }
        Path dataDir = dataDirWithMember();
        Map<String, byte[]> before = files(dataDir.resolve("server/db"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SnapshotRestore.run(settings(dataDir), snapshot).close());
        assertNamesBothVersions(e.getMessage(), snapshot, newer);
        assertUnchanged(before, files(dataDir.resolve("server/db")));
    }

    @Test
    public void aLogEntryANewerReleaseWroteStopsTheMemberBeforeItAndEverythingAfterIt() throws Exception {
        Path dataDir = dataDirWithMember();
        long revision;
        try (RaftDatastore raft = RaftDatastore.open(settings(dataDir))) {
            assertTrue(raft.awaitLeader(TestCluster.WAIT));
            revision = raft.currentRevision();
            // format 3: what a later release might write; then an ordinary put behind it in the log
            raft.node().write(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 1}, false);
            CompletableFuture<?> behind = raft.put(PutRequest.of(Bytes.utf8("/behind"), Bytes.utf8("never")));
            TestCluster.await("the member to stop applying", () -> raft.applyHalted() != null);
            assertNewerEntryRefused(raft.applyHalted().getMessage());
            assertThrows(Exception.class, () -> behind.get(30, TimeUnit.SECONDS));
        }
        assertStoreStopsAt(dataDir, revision);
        // a restart of this release replays the log and stops at the same entry again
        try (RaftDatastore again = RaftDatastore.open(settings(dataDir))) {
            TestCluster.await("the member to stop applying again", () -> again.applyHalted() != null);
            assertNewerEntryRefused(again.applyHalted().getMessage());
        }
        assertStoreStopsAt(dataDir, revision);
    }

    /** The member's store file holds {@code revision} and not the put proposed after the refused entry. */
    private static void assertStoreStopsAt(Path dataDir, long revision) throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + etcdDir(dataDir).resolve("state.db"));
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
                ResultSet meta = s.executeQuery("SELECT revision FROM meta")) {
            assertTrue(meta.next());
            assertEquals("nothing after the refused entry was applied", revision, meta.getLong(1));
        }
    }

    private static void assertNewerEntryRefused(String m) {
        assertTrue(m, m.matches("cannot apply Raft log entry \\d+ \\(term \\d+\\): .*"));
        assertTrue(m, m.contains("its format is 3 and this Cairn reads format " + CommandCodec.VERSION));
        assertTrue(m, m.contains("A newer Cairn wrote it"));
        assertTrue(m, m.contains("upgrade this server"));
    }

    /** Sets the store file's schema version one above this release's, as a newer release would write it. */
    private static int makeNewer(Path storeFile) throws Exception {
        int newer = StoreFileVersion.NEWEST + 1;
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + storeFile);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE meta SET schema_version = " + newer);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Files.deleteIfExists(storeFile.resolveSibling(storeFile.getFileName() + "-wal"));
        Files.deleteIfExists(storeFile.resolveSibling(storeFile.getFileName() + "-shm"));
        return newer;
    }

    private static void assertNamesBothVersions(String message, Path file, int newer) {
        assertTrue(message, message.contains(file.toString()));
        assertTrue(message, message.contains("newer Cairn"));
        assertTrue(message, message.contains("schema version is " + newer)
                || message.contains("schema version " + newer));
        assertTrue(message, message.contains("reads versions 1 to " + StoreFileVersion.NEWEST));
    }

    /** Every file under {@code dir} (Ratis's lock file aside: it is not data) with its bytes. */
    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals("in_use.lock")) {
                    files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals("the same files", before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(name + " unchanged", bytes, after.get(name)));
    }
}
