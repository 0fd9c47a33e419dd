package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.tck.StoreContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.sqlite.SQLiteDataSource;

/**
 * A server reads the {@code state.db} every earlier release wrote: each directory of
 * {@code release-fixtures/} (written by {@link SqliteFixtureWriter} with that release) is opened by this build,
 * which must see exactly the content the release recorded, and keep writing after it. A store of a newer release
 * than this one is refused and left as it was.
 */
@RunWith(Parameterized.class)
public class ReleaseFixtureTest {
    private static final Pattern COMPACTED = Pattern.compile("(?m)^compacted (\\d+):");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Path fixture;

    public ReleaseFixtureTest(String release, Path fixture) {
        this.fixture = fixture;
    }

    @Parameters(name = "{0}")
    public static List<Object[]> releases() throws Exception {
        Path root = Path.of(ReleaseFixtureTest.class.getResource("/release-fixtures").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.sorted().map(d -> new Object[] {d.getFileName().toString(), d}).toList();
        }
    }

    /** A data dir whose {@code server/db/state.db} is a copy of the fixture's. */
    private Path dataDirWithFixture() throws Exception {
        Path dataDir = tmp.newFolder().toPath();
        Path db = Files.createDirectories(dataDir.resolve("server/db")).resolve("state.db");
        Files.copy(fixture.resolve("state.db"), db);
        return dataDir;
    }

    @Test
    public void everyKeyRevisionVersionAndLeaseReadsAsTheReleaseWroteIt() throws Exception {
        String expected = Files.readString(fixture.resolve("content.txt"));
        Matcher compacted = COMPACTED.matcher(expected);
        assertTrue("the fixture records its compaction", compacted.find());
        Path dataDir = dataDirWithFixture();
        long revision;
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dataDir))) {
            assertEquals(expected, StoreContent.of(store, Long.parseLong(compacted.group(1))));
            revision = store.currentRevision();
            assertEquals(revision + 1, get(store.put(PutRequest.of(b("/after-the-upgrade"), b("1")))).revision());
        }
        try (SqliteDatastore reopened = SqliteDatastore.open(StoreFixture.settings(dataDir))) {
            assertEquals(revision + 1, reopened.currentRevision());
        }
    }

    @Test
    public void theStoreFileVersionIsReadWithoutWritingBesideTheFile() throws Exception {
        Path db = dataDirWithFixture().resolve("server/db/state.db");
        byte[] before = Files.readAllBytes(db);
        assertTrue(StoreFileVersion.check(db, "the fixture") <= StoreFileVersion.NEWEST);
        assertArrayEquals(before, Files.readAllBytes(db));
        try (Stream<Path> files = Files.list(db.getParent())) {
            assertEquals(List.of(db), files.toList());
        }
    }

    @Test
    public void aStoreOfANewerReleaseIsRefusedAndLeftAsItWas() throws Exception {
        Path dataDir = dataDirWithFixture();
        Path db = dataDir.resolve("server/db/state.db");
        int newer = StoreFileVersion.NEWEST + 1;
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + db);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE meta SET schema_version = " + newer);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Files.deleteIfExists(db.resolveSibling("state.db-wal"));
        Files.deleteIfExists(db.resolveSibling("state.db-shm"));
        byte[] before = Files.readAllBytes(db);
        NewerStoreException e = assertThrows(NewerStoreException.class,
                () -> SqliteDatastore.open(StoreFixture.settings(dataDir)).close());
        String m = e.getMessage();
        assertTrue(m, m.contains(db.toString()));
        assertTrue(m, m.contains("written by a newer Cairn"));
        assertTrue(m, m.contains("schema version " + newer));
        assertTrue(m, m.contains("reads versions 1 to " + StoreFileVersion.NEWEST));
        assertTrue(m, m.contains("not modified"));
        assertArrayEquals("the file was not modified", before, Files.readAllBytes(db));
        assertThrows(NewerStoreException.class, () -> StoreFileVersion.check(db, "state.db"));
    }
}
