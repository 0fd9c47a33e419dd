package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.PutRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A state.db that is not a sound Cairn store is refused with a message naming it, and left byte for byte. */
public class CorruptFileTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dataDir() throws Exception {
        Path dir = tmp.newFolder().toPath();
        Files.createDirectories(dir.resolve("server").resolve("db"));
        return dir;
    }

    private static Path stateDb(Path dataDir) {
        return dataDir.resolve("server").resolve("db").resolve("state.db");
    }

    @Test
    public void garbageIsRefusedAndLeftAlone() throws Exception {
        Path dir = dataDir();
        byte[] garbage = new byte[8192];
        Arrays.fill(garbage, (byte) 'x');
        Files.write(stateDb(dir), garbage);
        assertRefusedUntouched(dir, "not a SQLite database");
    }

    @Test
    public void aTruncatedStoreIsRefusedAndLeftAlone() throws Exception {
        Path dir = dataDir();
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dir))) {
            for (int i = 0; i < 200; i++) {
                get(store.put(PutRequest.of(b("k" + i), new byte[512])));
            }
        }
        byte[] whole = Files.readAllBytes(stateDb(dir));
        Files.write(stateDb(dir), Arrays.copyOf(whole, whole.length / 2 + 100));
        assertRefusedUntouched(dir, "truncated");
    }

    @Test
    public void aDirectoryInPlaceOfTheFileIsRefused() throws Exception {
        Path dir = dataDir();
        Files.createDirectory(stateDb(dir));
        try {
            SqliteDatastore.open(StoreFixture.settings(dir)).close();
            fail("opened a directory as a store");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(stateDb(dir).toString()));
            assertTrue(e.getMessage(), e.getMessage().contains("not modified"));
        }
        assertTrue(Files.isDirectory(stateDb(dir)));
    }

    @Test
    public void aForeignSqliteDatabaseIsRefusedAndLeftAlone() throws Exception {
        Path dir = dataDir();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + stateDb(dir));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kine (id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("INSERT INTO kine (name) VALUES ('x')");
        }
        assertRefusedUntouched(dir, "not a Cairn datastore");
    }

    @Test
    public void aNewerSchemaVersionIsRefusedAndLeftAlone() throws Exception {
        Path dir = dataDir();
        SqliteDatastore.open(StoreFixture.settings(dir)).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + stateDb(dir));
                Statement s = c.createStatement()) {
            s.execute("UPDATE meta SET schema_version = 99");
        }
        assertRefusedUntouched(dir, "schema version 99");
    }

    private static void assertRefusedUntouched(Path dir, String why) throws Exception {
        Path file = stateDb(dir);
        byte[] before = Files.readAllBytes(file);
        try {
            SqliteDatastore.open(StoreFixture.settings(dir)).close();
            fail("opened a broken store");
        } catch (IllegalStateException e) {
            String m = e.getMessage();
            assertTrue(m, m.contains(file.toString()));
            assertTrue(m, m.contains(why));
            assertTrue(m, m.contains("not modified"));
        }
        assertArrayEquals("the file was not modified", before, Files.readAllBytes(file));
        assertFalse("no WAL was created", Files.exists(file.resolveSibling("state.db-wal"))
                && Files.size(file.resolveSibling("state.db-wal")) > 0);
        assertEquals(before.length, Files.size(file));
    }
}
