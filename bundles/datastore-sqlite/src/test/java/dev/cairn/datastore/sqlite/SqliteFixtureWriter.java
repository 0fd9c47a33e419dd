package dev.cairn.datastore.sqlite;

import static org.junit.Assert.assertFalse;

import dev.cairn.datastore.tck.SampleHistory;
import dev.cairn.datastore.tck.StoreContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Writes this build's SQLite release fixture ({@link ReleaseFixtureTest}): a {@code state.db} holding
 * {@link SampleHistory}, and {@code content.txt}, the {@link StoreContent} this build sees in it, into
 * {@code src/test/resources/release-fixtures/<release>/}. Not a test (surefire's pattern does not match it): run it
 * by hand when a release is made, from the repository root, after a build of the release:
 *
 * <pre>
 * mvn -pl bundles/datastore-sqlite surefire:test -Dtest=SqliteFixtureWriter -Dcairn.fixture.release=0.2.0
 * </pre>
 *
 * and commit the new directory; the fixtures of older releases stay, so every later build still reads them.
 */
public class SqliteFixtureWriter {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void write() throws Exception {
        String release = System.getProperty("cairn.fixture.release");
        Assume.assumeTrue("set -Dcairn.fixture.release=<version> to write a fixture", release != null);
        Path target = Path.of("src/test/resources/release-fixtures", release).toAbsolutePath();
        Files.createDirectories(target);
        Path dataDir = tmp.newFolder().toPath();
        String content;
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dataDir))) {
            long compacted = SampleHistory.write(store, () -> { });
            content = StoreContent.of(store, compacted);
        }
        Path db = dataDir.resolve("server/db/state.db");
        Path wal = db.resolveSibling("state.db-wal");
        assertFalse("the store's WAL was folded into state.db on close", Files.exists(wal) && Files.size(wal) > 0);
        Files.copy(db, target.resolve("state.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(target.resolve("content.txt"), content);
        System.out.println("wrote the SQLite release fixture of " + release + " to " + target);
    }
}
