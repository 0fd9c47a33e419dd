package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.NewerStoreException;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.sqlite.StoreFileVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.sqlite.SQLiteDataSource;

/**
 * A SQLite store converted to a one-member Raft group keeps every key, value, revision, version, lease and the
 * uncompacted history, and the group takes writes after it with the next revision.
 */
public class SqliteConversionTest {
    @Rule
    public TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void everyKeyRevisionVersionLeaseAndTheHistoryAreKept() throws Exception {
        Path dataDir = dirs.newFolder().toPath();
        long revision;
        long hash;
        long lease;
        List<KeyValue> atRevision20;
        List<KeyValue> latest;
        try (SqliteDatastore sqlite = SqliteDatastore.open(new BackendSettings(dataDir, "", "n1", List.of(),
                List.of(), 0, null, Map.of()))) {
            for (int i = 0; i < 40; i++) {
                get(sqlite.put(PutRequest.of(Bytes.utf8("k" + i % 10), Bytes.utf8("v" + i))));
            }
            get(sqlite.delete(DeleteRequest.of(KeyRange.single(Bytes.utf8("k3")))));
            lease = get(sqlite.leaseGrant(0, 600)).id();
            get(sqlite.put(PutRequest.of(Bytes.utf8("leased"), Bytes.utf8("x"), lease)));
            get(sqlite.compact(10, true));
            revision = sqlite.currentRevision();
            hash = get(sqlite.hashKV(revision)).hash();
            atRevision20 = get(sqlite.range(RangeRequest.builder(KeyRange.all()).revision(20).build())).kvs();
            latest = get(sqlite.range(RangeRequest.of(KeyRange.all()))).kvs();
        }
        Path source = dataDir.resolve("server/db/state.db");
        int port = TestCluster.freeLoopbackPort();
        BackendSettings settings = new BackendSettings(dataDir, "", "n1", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:" + port), 0, null, Map.of(RaftSettings.ELECTION_TIMEOUT, "500",
                        RaftDatastoreProvider.CONVERT_FROM, source.toString()));
        try (RaftDatastore raft = SqliteConversion.run(RaftSettings.from(settings), source)) {
            assertEquals(revision, raft.currentRevision());
            assertEquals(hash, get(raft.hashKV(revision)).hash());
            assertEquals(render(latest), render(get(raft.range(RangeRequest.of(KeyRange.all()))).kvs()));
            assertEquals(render(atRevision20), render(get(raft.range(RangeRequest.builder(KeyRange.all())
                    .revision(20).build())).kvs()));
            assertTrue(get(raft.leases()).contains(lease));
            assertEquals(1, raft.cluster().members().size());
            assertEquals(revision + 1, get(raft.put(PutRequest.of(Bytes.utf8("after"), Bytes.utf8("1"))))
                    .revision());
        }
        assertTrue("the SQLite file is left for the selector to rename", Files.exists(source));
        assertFalse(Files.exists(dataDir.resolve("server/db/etcd/raft.converting")));
        try (Datastore reopened = RaftDatastore.open(RaftSettings.from(settings))) {
            assertTrue(((RaftDatastore) reopened).awaitLeader(TestCluster.WAIT));
            assertEquals(revision + 1, reopened.currentRevision());
        }
    }

    @Test
    public void aStoreANewerReleaseWroteIsNotConvertedAndNothingChanges() throws Exception {
        Path dataDir = dirs.newFolder().toPath();
        try (SqliteDatastore sqlite = SqliteDatastore.open(new BackendSettings(dataDir, "", "n1", List.of(),
                List.of(), 0, null, Map.of()))) {
            get(sqlite.put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("v"))));
        }
        Path source = dataDir.resolve("server/db/state.db");
        SQLiteDataSource db = new SQLiteDataSource();
        db.setUrl("jdbc:sqlite:" + source);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE meta SET schema_version = " + (StoreFileVersion.NEWEST + 1));
        }
        byte[] before = Files.readAllBytes(source);
        BackendSettings settings = new BackendSettings(dataDir, "", "n1", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:" + TestCluster.freeLoopbackPort()), 0, null,
                Map.of(RaftSettings.ELECTION_TIMEOUT, "500"));
        RaftSettings raft = RaftSettings.from(settings);
        NewerStoreException e = assertThrows(NewerStoreException.class, () -> SqliteConversion.run(raft, source));
        assertTrue(e.getMessage(), e.getMessage().contains("the SQLite datastore " + source));
        assertTrue(e.getMessage(), e.getMessage().contains("written by a newer Cairn"));
        assertArrayEquals(before, Files.readAllBytes(source));
        try (Stream<Path> left = Files.list(raft.dir())) {
            assertEquals("no Raft storage, no copy", List.of("member-id", "name"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /**
     * A live conversion: the copy is taken while the store serves; the writes after it (puts, deletes, a lease
     * revoked with its keys, a new lease) are copied in at the switch, so the group holds exactly the final store.
     */
    @Test
    public void aLiveConversionAddsTheWritesMadeAfterItsCopy() throws Exception {
        liveConversion(false);
    }

    /** A compaction between the copy and the switch removed rows the copy holds: the whole store is copied again. */
    @Test
    public void aLiveConversionAfterACompactionCopiesTheStoreAgain() throws Exception {
        liveConversion(true);
    }

    private void liveConversion(boolean compactMeanwhile) throws Exception {
        Path dataDir = dirs.newFolder().toPath();
        Path base = dataDir.resolve("server/db/etcd/converting-base.db");
        Files.createDirectories(base.getParent());
        long revision;
        long hash;
        long kept;
        List<KeyValue> history;
        List<KeyValue> latest;
        try (SqliteDatastore sqlite = SqliteDatastore.open(new BackendSettings(dataDir, "", "n1", List.of(),
                List.of(), 0, null, Map.of()))) {
            long revoked = get(sqlite.leaseGrant(0, 600)).id();
            for (int i = 0; i < 30; i++) {
                get(sqlite.put(PutRequest.of(Bytes.utf8("k" + i % 10), Bytes.utf8("v" + i), i % 10 == 7 ? revoked
                        : 0)));
            }
            try (var out = Files.newOutputStream(base)) {
                get(sqlite.snapshot(out));
            }
            SqliteConversion.prepareReplica(base); // as the provider's prepare does, ahead of the switch
            for (int i = 30; i < 45; i++) {
                get(sqlite.put(PutRequest.of(Bytes.utf8("k" + i % 12), Bytes.utf8("v" + i))));
            }
            get(sqlite.delete(DeleteRequest.of(KeyRange.single(Bytes.utf8("k2")))));
            get(sqlite.leaseRevoke(revoked));
            kept = get(sqlite.leaseGrant(0, 900)).id();
            get(sqlite.put(PutRequest.of(Bytes.utf8("leased"), Bytes.utf8("x"), kept)));
            if (compactMeanwhile) {
                get(sqlite.compact(25, true));
            }
            revision = sqlite.currentRevision();
            hash = get(sqlite.hashKV(revision)).hash();
            history = get(sqlite.range(RangeRequest.builder(KeyRange.all()).revision(revision - 5).build())).kvs();
            latest = get(sqlite.range(RangeRequest.of(KeyRange.all()))).kvs();
        }
        Path source = dataDir.resolve("server/db/state.db");
        BackendSettings settings = new BackendSettings(dataDir, "", "n1", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:" + TestCluster.freeLoopbackPort()), 0, null,
                Map.of(RaftSettings.ELECTION_TIMEOUT, "500"));
        try (RaftDatastore raft = SqliteConversion.runLive(RaftSettings.from(settings), source, base)) {
            assertEquals(revision, raft.currentRevision());
            assertEquals(hash, get(raft.hashKV(revision)).hash());
            assertEquals(render(latest), render(get(raft.range(RangeRequest.of(KeyRange.all()))).kvs()));
            assertEquals(render(history), render(get(raft.range(RangeRequest.builder(KeyRange.all())
                    .revision(revision - 5).build())).kvs()));
            assertEquals(List.of(kept), get(raft.leases()));
            assertEquals(revision + 1, get(raft.put(PutRequest.of(Bytes.utf8("after"), Bytes.utf8("1"))))
                    .revision());
        }
        assertFalse("the copy became the group's first snapshot", Files.exists(base));
        assertFalse("the second copy became the member's store file",
                Files.exists(base.resolveSibling(base.getFileName() + ".replica")));
    }

    private static String render(List<KeyValue> kvs) {
        StringBuilder out = new StringBuilder();
        for (KeyValue kv : kvs) {
            out.append(new String(kv.key(), java.nio.charset.StandardCharsets.UTF_8)).append('=')
                    .append(new String(kv.value(), java.nio.charset.StandardCharsets.UTF_8)).append(" c")
                    .append(kv.createRevision()).append(" m").append(kv.modRevision()).append(" v")
                    .append(kv.version()).append(" l").append(kv.lease()).append('\n');
        }
        return out.toString();
    }
}
