package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotImage;
import dev.cairn.datastore.spi.BackendSettings;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code --cluster-reset-restore-path}: a snapshot of a Raft member's store becomes a new one-member group holding
 * exactly its keys, revisions, versions, leases and history; the embedded etcd in use is moved aside, never lost,
 * and a damaged snapshot changes nothing.
 */
public class SnapshotRestoreTest {
    @Rule
    public TemporaryFolder dirs = new TemporaryFolder();

    private static BackendSettings settings(Path dataDir, int port) {
        return new BackendSettings(dataDir, "", "n1", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:" + port), 0, null, Map.of(RaftSettings.ELECTION_TIMEOUT, "500"));
    }

    @Test
    public void aRestoredMemberHoldsExactlyTheSnapshotAndTheOldStoreIsMovedAside() throws Exception {
        Path dataDir = dirs.newFolder().toPath();
        Path snapshot = dataDir.resolve("snapshot");
        RaftSettings s = RaftSettings.from(settings(dataDir, TestCluster.freeLoopbackPort()));
        long revision;
        long hash;
        long lease;
        List<KeyValue> latest;
        List<KeyValue> atRevision12;
        try (RaftDatastore raft = RaftDatastore.open(s)) {
            assertTrue(raft.awaitLeader(TestCluster.WAIT));
            for (int i = 0; i < 30; i++) {
                get(raft.put(PutRequest.of(Bytes.utf8("k" + i % 7), Bytes.utf8("v" + i))));
            }
            get(raft.delete(DeleteRequest.of(KeyRange.single(Bytes.utf8("k2")))));
            lease = get(raft.leaseGrant(0, 600)).id();
            get(raft.put(PutRequest.of(Bytes.utf8("leased"), Bytes.utf8("x"), lease)));
            try (OutputStream out = Files.newOutputStream(snapshot);
                    SnapshotImage.Sealer sealer = SnapshotImage.sealing(out)) {
                revision = get(raft.snapshot(sealer));
                sealer.seal();
            }
            hash = get(raft.hashKV(revision)).hash();
            latest = get(raft.range(RangeRequest.of(KeyRange.all()))).kvs();
            atRevision12 = get(raft.range(RangeRequest.builder(KeyRange.all()).revision(12).build())).kvs();
            get(raft.put(PutRequest.of(Bytes.utf8("after-the-snapshot"), Bytes.utf8("not restored"))));
        }
        try (RaftDatastore restored = SnapshotRestore.run(s, snapshot)) {
            assertEquals(revision, restored.currentRevision());
            assertEquals(hash, get(restored.hashKV(revision)).hash());
            assertSame(latest, get(restored.range(RangeRequest.of(KeyRange.all()))).kvs());
            assertSame(atRevision12, get(restored.range(RangeRequest.builder(KeyRange.all()).revision(12).build()))
                    .kvs());
            assertTrue(get(restored.leases()).contains(lease));
            // the member publishes its own record once it leads: the restored cluster has it as its only member
            TestCluster.await("the restored member's record", () -> restored.cluster().members().stream()
                    .map(m -> m.name()).toList().equals(List.of(s.name())));
            assertEquals(revision + 1, get(restored.put(PutRequest.of(Bytes.utf8("new"), Bytes.utf8("1"))))
                    .revision());
        }
        Path db = dataDir.resolve("server/db");
        List<Path> old = oldStores(db);
        assertEquals(1, old.size());
        assertTrue("the previous Raft storage is kept", Files.isDirectory(old.get(0).resolve("raft")));
        assertTrue("the reset flag is written", Files.exists(db.resolve("reset-flag")));
        try (RaftDatastore reopened = RaftDatastore.open(RaftSettings.from(settings(dataDir, s.peerPort())))) {
            assertTrue(reopened.awaitLeader(TestCluster.WAIT));
            assertEquals(revision + 1, reopened.currentRevision());
            assertEquals(s.memberId(), reopened.memberId());
        }
    }

    @Test
    public void aDamagedSnapshotIsRefusedBeforeAnythingIsTouched() throws Exception {
        Path dataDir = dirs.newFolder().toPath();
        Path etcd = Files.createDirectories(dataDir.resolve("server/db/etcd/raft/group"));
        Path snapshot = dataDir.resolve("not-a-snapshot");
        Files.write(snapshot, new byte[4096 + 32]);
        RaftSettings s = RaftSettings.from(settings(dataDir, TestCluster.freeLoopbackPort()));
        SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotRestore.run(s, snapshot));
        assertTrue(e.getMessage(), e.getMessage().contains("does not hold a Cairn store"));
        assertTrue(Files.isDirectory(etcd));
        assertEquals(List.of(), oldStores(dataDir.resolve("server/db")));
    }

    private static List<Path> oldStores(Path db) throws Exception {
        try (Stream<Path> entries = Files.list(db)) {
            return entries.filter(p -> p.getFileName().toString().matches("etcd-old-\\d+")).toList();
        }
    }

    private static void assertSame(List<KeyValue> expected, List<KeyValue> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).key(), actual.get(i).key());
            assertArrayEquals(expected.get(i).value(), actual.get(i).value());
            assertEquals(expected.get(i).createRevision(), actual.get(i).createRevision());
            assertEquals(expected.get(i).modRevision(), actual.get(i).modRevision());
            assertEquals(expected.get(i).version(), actual.get(i).version());
            assertEquals(expected.get(i).lease(), actual.get(i).lease());
        }
    }
}
