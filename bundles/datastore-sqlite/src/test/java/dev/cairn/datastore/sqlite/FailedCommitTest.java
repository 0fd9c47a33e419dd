package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A batch whose transaction fails (here: the database may not grow, as on a full disk) fails every request in it
 * with an error naming the file, changes nothing in memory, and loses nothing stored before.
 */
public class FailedCommitTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private SqliteDatastore store;

    @Before
    public void open() {
        store = SqliteDatastore.open(StoreFixture.settings(tmp.getRoot().toPath()));
    }

    @After
    public void close() {
        store.close();
    }

    @Test
    public void aFullDiskFailsTheBatchAndKeepsTheStoreConsistent() throws Exception {
        for (int i = 0; i < 10; i++) {
            get(store.put(PutRequest.of(b("k" + i), b("v" + i))));
        }
        long lease = get(store.leaseGrant(0, 60)).id();
        long revision = store.currentRevision();
        long applied = store.cluster().appliedIndex();

        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> limit = store.onWriter(scope -> {
            Statements db = store.writerStatements();
            db.execOnce("PRAGMA max_page_count = " + db.queryLong("PRAGMA page_count"));
            running.countDown();
            GroupCommitTest.awaitQuietly(release);
            return null;
        });
        // the writer is busy with the task above, so the three requests below queue up and run as one batch
        running.await();
        CompletableFuture<Lease> grant = store.leaseGrant(0, 60);
        CompletableFuture<?> small = store.put(PutRequest.of(b("k0"), b("changed")));
        CompletableFuture<?> big = store.put(PutRequest.of(b("big"), new byte[1 << 20]));
        release.countDown();
        get(limit);
        for (CompletableFuture<?> f : List.of(grant, small, big)) {
            try {
                get(f);
                fail("a write in the failed batch succeeded");
            } catch (ExecutionException e) {
                DatastoreException d = DatastoreException.of(e);
                assertEquals(StoreError.INTERNAL, d.error());
                assertTrue(d.getMessage(), d.getMessage().contains(store.file().toString()));
                assertTrue(d.getMessage(), d.getMessage().contains("full"));
            }
        }
        assertEquals(revision, store.currentRevision());
        assertEquals(applied, store.cluster().appliedIndex());
        assertEquals(List.of(lease), get(store.leases()));
        assertArrayEquals(b("v0"), get(store.range(RangeRequest.of(KeyRange.single(b("k0"))))).kvs().get(0).value());
        assertEquals(10, get(store.range(RangeRequest.builder(KeyRange.prefix(b("k"))).countOnly(true).build()))
                .count());

        get(store.onWriter(scope -> {
            store.writerStatements().execOnce("PRAGMA max_page_count = 1073741823");
            return null;
        }));
        assertEquals(revision + 1, get(store.put(PutRequest.of(b("big"), new byte[1 << 20]))).revision());
        assertEquals(revision + 2, get(store.put(PutRequest.of(b("k0"), b("changed")))).revision());
    }
}
