package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What a store holds survives a reopen, and acknowledged writes survive a crash (no close). */
public class RecoveryTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void everythingSurvivesAReopen() throws Exception {
        Path dir = tmp.newFolder("data").toPath();
        long clusterId;
        long memberId;
        long leaseId;
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dir))) {
            for (int i = 0; i < 20; i++) {
                get(store.put(PutRequest.of(b("k" + (i % 4)), b("v" + i))));
            }
            leaseId = get(store.leaseGrant(0, 100)).id();
            get(store.put(PutRequest.of(b("leased"), b("x"), leaseId)));
            get(store.delete(DeleteRequest.of(KeyRange.single(b("k3")))));
            get(store.compact(10, true));
            clusterId = store.cluster().clusterId();
            memberId = store.cluster().memberId();
            assertEquals(23, store.currentRevision());
        }
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dir))) {
            assertEquals(23, store.currentRevision());
            assertEquals(10, store.status().compactRevision());
            assertEquals(clusterId, store.cluster().clusterId());
            assertEquals(memberId, store.cluster().memberId());
            RangeResult all = get(store.range(RangeRequest.of(KeyRange.all())));
            assertEquals(4, all.count());
            KeyValue k0 = all.kvs().get(0);
            assertArrayEquals(b("k0"), k0.key());
            assertEquals(5, k0.version());
            assertArrayEquals(b("v16"), k0.value());
            assertEquals(4, get(store.range(RangeRequest.builder(KeyRange.prefix(b("k"))).revision(12).build()))
                    .count());
            assertEquals(List.of(leaseId), get(store.leases()));
            Lease lease = get(store.leaseTimeToLive(leaseId, true));
            assertEquals(100, lease.grantedTtl());
            assertTrue("a reopened lease gets a fresh deadline", lease.ttl() > 90);
            assertEquals(1, lease.keys().size());
            assertEquals(24, get(store.put(PutRequest.of(b("new"), b("1")))).revision());
        }
    }

    @Test
    public void acknowledgedWritesSurviveACrash() throws Exception {
        Path dir = tmp.newFolder("data").toPath();
        Path crashed = tmp.newFolder("crashed").toPath();
        SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dir));
        try {
            for (int i = 0; i < 50; i++) {
                get(store.put(PutRequest.of(b("k" + i), b("v" + i))));
            }
            // the files as a power cut would leave them: database and WAL, never closed or checkpointed
            Path db = store.file();
            Path target = crashed.resolve("server").resolve("db");
            Files.createDirectories(target);
            for (String suffix : new String[] {"", "-wal"}) {
                Path f = db.resolveSibling(db.getFileName() + suffix);
                if (Files.exists(f)) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            store.close();
        }
        try (SqliteDatastore copy = SqliteDatastore.open(StoreFixture.settings(crashed))) {
            assertEquals(51, copy.currentRevision());
            assertEquals(50, get(copy.range(RangeRequest.builder(KeyRange.all()).countOnly(true).build())).count());
        }
    }
}
