package dev.cairn.datastore.selector;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.snapshot.SnapshotImage;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Snapshots of a real SQLite store, taken while a writer writes, read back as a store. */
public class SnapshotComponentTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Datastore store;
    private SnapshotComponent snapshots;
    private Path dataDir;

    @Before
    public void setUp() throws Exception {
        dataDir = tmp.newFolder("data").toPath();
        store = SqliteDatastore.open(settings(dataDir));
        snapshots = new SnapshotComponent();
        snapshots.datastore = store;
        snapshots.activate(config(Map.of("data_dir", dataDir.toString(), "node_name", "s1")));
    }

    @After
    public void tearDown() {
        snapshots.deactivate();
        store.close();
    }

    private static BackendSettings settings(Path dir) {
        return new BackendSettings(dir, "", "s1", List.of("https://127.0.0.1:2379"), List.of(), 0, Duration.ZERO,
                Map.of());
    }

    /** The configuration as Config Admin hands it over: the given attributes, defaults for the rest. */
    static SelectorConfig config(Map<String, Object> values) {
        return (SelectorConfig) Proxy.newProxyInstance(SelectorConfig.class.getClassLoader(),
                new Class<?>[] {SelectorConfig.class}, (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName()) : method.getDefaultValue());
    }

    private void put(String key, String value) throws Exception {
        store.put(PutRequest.of(Bytes.utf8(key), Bytes.utf8(value))).get(10, TimeUnit.SECONDS);
    }

    private static List<KeyValue> all(Datastore d, long revision) throws Exception {
        return d.range(RangeRequest.builder(KeyRange.fromKey(new byte[] {0})).revision(revision).build())
                .get(10, TimeUnit.SECONDS).kvs();
    }

    @Test
    public void aSnapshotTakenDuringWritesIsTheWholeStoreAtOneRevision() throws Exception {
        for (int i = 0; i < 500; i++) {
            put("/registry/configmaps/default/cm" + i, "v" + i);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                try {
                    put("/registry/leases/kube-node-lease/s1", "renewed " + written.incrementAndGet());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        writer.start();
        SnapshotFile saved;
        try {
            saved = snapshots.save("", false);
        } finally {
            writing.set(false);
            writer.join();
        }
        assertTrue(saved.name(), saved.name().matches("on-demand-s1-\\d+"));
        assertEquals(dataDir.resolve("server/db/snapshots").resolve(saved.name()), saved.location());
        assertEquals(List.of(saved.name()), snapshots.list().stream().map(SnapshotFile::name).toList());

        Path restoredDir = tmp.newFolder("restored").toPath();
        Files.createDirectories(restoredDir.resolve("server/db"));
        SnapshotImage.extract(saved.location(), restoredDir.resolve("server/db/state.db"));
        try (Datastore restored = SqliteDatastore.open(settings(restoredDir))) {
            assertEquals(saved.revision(), restored.currentRevision());
            assertSameKeyValues(all(store, saved.revision()), all(restored, 0));
        }
    }

    private static void assertSameKeyValues(List<KeyValue> expected, List<KeyValue> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            KeyValue e = expected.get(i);
            KeyValue a = actual.get(i);
            assertArrayEquals(e.key(), a.key());
            assertArrayEquals(e.value(), a.value());
            assertEquals(e.createRevision(), a.createRevision());
            assertEquals(e.modRevision(), a.modRevision());
            assertEquals(e.version(), a.version());
        }
    }

    @Test
    public void aCompressedSnapshotIsOneZipEntryThatRestores() throws Exception {
        put("a", "1");
        SnapshotFile saved = snapshots.save("nightly", true);
        assertTrue(saved.name(), saved.name().matches("nightly-s1-\\d+\\.zip"));
        assertEquals(List.of(saved.name()), snapshots.list().stream().map(SnapshotFile::name).toList());
        Path image = tmp.getRoot().toPath().resolve("image.db");
        SnapshotImage.extract(saved.location(), image);
        assertTrue(Files.size(image) > 0);
    }

    @Test
    public void aDamagedSnapshotIsRefusedNamingTheFile() throws Exception {
        put("a", "1");
        Path file = snapshots.save("", false).location();
        Path image = tmp.getRoot().toPath().resolve("image.db");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {42}), 200);
        }
        SnapshotException corrupted = assertThrows(SnapshotException.class, () -> SnapshotImage.extract(file, image));
        assertTrue(corrupted.getMessage(), corrupted.getMessage().startsWith("snapshot " + file + " is corrupted"));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        SnapshotException truncated = assertThrows(SnapshotException.class, () -> SnapshotImage.extract(file, image));
        assertTrue(truncated.getMessage(), truncated.getMessage().contains("is truncated or not a snapshot"));
        SnapshotException missing = assertThrows(SnapshotException.class,
                () -> SnapshotImage.extract(file.resolveSibling("nope"), image));
        assertEquals("snapshot path does not exist: " + file.resolveSibling("nope"), missing.getMessage());
    }

    @Test
    public void deleteAndPruneWorkOnTheSavedFiles() throws Exception {
        put("a", "1");
        SnapshotFile first = snapshots.save("", false);
        SnapshotFile second = snapshots.save("", false);
        SnapshotFile third = snapshots.save("", false);
        assertEquals(List.of(first.name()), snapshots.prune("", 2));
        assertEquals(List.of(second.name()), snapshots.delete(List.of(second.name())));
        assertEquals(List.of(third.name()), snapshots.list().stream().map(SnapshotFile::name).toList());
    }

    @Test
    public void aMissingConfiguredDirectoryStopsStartupNamingIt() {
        SnapshotComponent other = new SnapshotComponent();
        other.datastore = store;
        Path missing = tmp.getRoot().toPath().resolve("no-such-dir");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.activate(config(Map.of(
                "data_dir", dataDir.toString(), "etcd_snapshot_dir", missing.toString()))));
        assertTrue(e.getMessage(), e.getMessage().contains("etcd-snapshot-dir: " + missing + " does not exist"));
    }
}
