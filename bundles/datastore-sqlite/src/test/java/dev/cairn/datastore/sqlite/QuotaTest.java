package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.TxnRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Over the quota the NOSPACE alarm goes up (and stays across a reopen); puts fail, reads and deletes work. */
public class QuotaTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void overTheQuotaPutsAreRefusedUntilDisarmed() throws Exception {
        long quota = 256 * 1024;
        var settings = StoreFixture.settings(tmp.getRoot().toPath(), Duration.ZERO, quota);
        try (SqliteDatastore store = SqliteDatastore.open(settings)) {
            int i = 0;
            while (store.alarms().isEmpty()) {
                get(store.put(PutRequest.of(b("k" + (i++ % 20)), new byte[8192])));
                assertTrue("no alarm after " + i + " puts", i < 1000);
            }
            assertEquals(List.of(new Alarm(store.cluster().memberId(), Alarm.Type.NOSPACE)), store.alarms());
            long revision = store.currentRevision();
            assertNoSpace(store.put(PutRequest.of(b("x"), b("1"))));
            assertNoSpace(store.leaseGrant(0, 10));
            assertNoSpace(store.txn(new TxnRequest(List.of(), List.of(), List.of(
                    new Op.Put(PutRequest.of(b("x"), b("1")))))));
            assertEquals(revision, store.currentRevision());
            assertEquals(20, get(store.range(RangeRequest.of(KeyRange.prefix(b("k"))))).count());
            assertEquals(revision + 1, get(store.delete(DeleteRequest.of(KeyRange.single(b("k0"))))).revision());
        }
        try (SqliteDatastore store = SqliteDatastore.open(settings)) {
            assertEquals(1, store.alarms().size());
            get(store.delete(DeleteRequest.of(KeyRange.prefix(b("k")))));
            get(store.compact(store.currentRevision(), true));
            get(store.defragment());
            assertTrue(store.status().dbSize() < quota);
            store.disarm(Alarm.Type.NOSPACE);
            assertEquals(List.of(), store.alarms());
            get(store.put(PutRequest.of(b("x"), b("1"))));
            assertEquals(List.of(), store.alarms());
        }
    }

    private static void assertNoSpace(CompletableFuture<?> f) throws Exception {
        try {
            get(f);
            fail("a write succeeded over the quota");
        } catch (ExecutionException e) {
            assertEquals(dev.cairn.datastore.api.StoreError.NO_SPACE, DatastoreException.of(e).error());
        }
    }
}
