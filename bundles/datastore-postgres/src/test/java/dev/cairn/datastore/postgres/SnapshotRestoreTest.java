package dev.cairn.datastore.postgres;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A snapshot is a psql script: loaded into another store's schema, it gives back the same keys, history and leases. */
public class SnapshotRestoreTest {
    @Rule
    public final TemporaryFolder dir = new TemporaryFolder();
    private final String source = TestDatabase.freshSchema("snap");
    private final String target = TestDatabase.freshSchema("restored");

    @After
    public void drop() throws Exception {
        TestDatabase.dropSchema(source);
        TestDatabase.dropSchema(target);
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw DatastoreException.of(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void aSnapshotLoadedWithPsqlRestoresTheStore() throws Exception {
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        long revision;
        long hash;
        List<KeyValue> kvs;
        long lease;
        try (Datastore store = PostgresDatastore.open(TestDatabase.settings(TestDatabase.endpoint(source)))) {
            lease = await(store.leaseGrant(0, 600)).id();
            for (int i = 0; i < 20; i++) {
                await(store.put(PutRequest.of(bytes("k" + (i % 6)), new byte[] {(byte) i, 0, (byte) 0xff, '\\'},
                        i % 2 == 0 ? lease : 0)));
            }
            await(store.compact(10, true));
            revision = await(store.snapshot(snapshot));
            hash = await(store.hashKV(0)).hash();
            kvs = await(store.range(RangeRequest.of(KeyRange.all()))).kvs();
        }
        assertEquals(21, revision);
        String text = snapshot.toString(StandardCharsets.UTF_8);
        assertTrue(text, text.startsWith("-- Cairn PostgreSQL datastore snapshot\n"));
        assertTrue(text, text.contains("revision 21, compact revision 10"));

        PostgresDatastore.open(TestDatabase.settings(TestDatabase.endpoint(target))).close();
        Path file = dir.newFile("snapshot.sql").toPath();
        Files.write(file, snapshot.toByteArray());
        Process psql = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                "-c", "SET search_path TO " + target, "-f", file.toString(), TestDatabase.URL)
                .redirectErrorStream(true).start();
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("psql: " + output, 0, psql.waitFor());

        try (Datastore restored = PostgresDatastore.open(TestDatabase.settings(TestDatabase.endpoint(target)))) {
            assertEquals(revision, restored.currentRevision());
            assertEquals(10, restored.status().compactRevision());
            assertEquals(kvs, await(restored.range(RangeRequest.of(KeyRange.all()))).kvs());
            assertEquals(hash, await(restored.hashKV(0)).hash());
            assertEquals(3, await(restored.leaseTimeToLive(lease, true)).keys().size());
        }
    }
}
