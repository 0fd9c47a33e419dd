package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The engine's main paths end to end: a smoke test; the TCK checks the full contract. */
public class BasicOperationsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private SqliteDatastore store;

    @Before
    public void open() throws Exception {
        store = SqliteDatastore.open(StoreFixture.settings(tmp.getRoot().toPath()));
    }

    @After
    public void close() {
        store.close();
    }

    @Test
    public void putRangeDeleteTxn() throws Exception {
        assertEquals(1, store.currentRevision());
        assertEquals(2, get(store.put(PutRequest.of(b("a"), b("1")))).revision());
        assertEquals(3, get(store.put(PutRequest.of(b("b"), b("2")))).revision());
        assertEquals(4, get(store.put(PutRequest.of(b("a"), b("3")))).revision());
        RangeResult all = get(store.range(RangeRequest.of(KeyRange.all())));
        assertEquals(2, all.count());
        KeyValue a = all.kvs().get(0);
        assertEquals(2, a.createRevision());
        assertEquals(4, a.modRevision());
        assertEquals(2, a.version());
        assertArrayEquals(b("3"), a.value());
        RangeResult old = get(store.range(RangeRequest.builder(KeyRange.all()).revision(2).build()));
        assertEquals(1, old.count());
        assertArrayEquals(b("1"), old.kvs().get(0).value());
        RangeResult limited = get(store.range(RangeRequest.builder(KeyRange.all()).limit(1).build()));
        assertTrue(limited.more());
        assertEquals(2, limited.count());

        TxnResult t = get(store.txn(new TxnRequest(
                List.of(Compare.number(KeyRange.single(b("a")), Compare.Target.MOD, Compare.Result.EQUAL, 4)),
                List.of(new Op.Put(PutRequest.of(b("c"), b("x"))), new Op.Put(PutRequest.of(b("d"), b("y"))),
                        new Op.Range(RangeRequest.of(KeyRange.prefix(b("c"))))),
                List.of())));
        assertTrue(t.succeeded());
        assertEquals(5, t.revision());
        assertEquals(1, ((RangeResult) t.results().get(2)).count());

        DeleteResult d = get(store.delete(new DeleteRequest(new KeyRange(b("a"), b("c")), true)));
        assertEquals(2, d.deleted());
        assertEquals(6, d.revision());
        assertEquals(2, d.prevKvs().size());
        DeleteResult none = get(store.delete(DeleteRequest.of(KeyRange.single(b("zz")))));
        assertEquals(0, none.deleted());
        assertEquals(6, store.currentRevision());
        assertEquals(2, get(store.range(RangeRequest.of(KeyRange.all()))).count());
        // history still readable
        assertEquals(2, get(store.range(RangeRequest.builder(KeyRange.all()).revision(4).build())).count());
    }

    @Test
    public void closingCancelsWatchesAndLaterWatchesAreCancelledAtOnce() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        WatchListener recorder = new WatchListener() {
            @Override
            public void onEvents(List<Event> events, long revision) {
            }

            @Override
            public void onProgress(long revision) {
            }

            @Override
            public void onCancelled(long compactRevision, String reason) {
                reasons.add(compactRevision + " " + reason);
            }
        };
        store.watch(WatchRequest.of(KeyRange.all(), 0), recorder);
        store.close();
        store.watch(WatchRequest.of(KeyRange.all(), 0), recorder);
        StoreFixture.await("two cancels", () -> reasons.size() == 2);
        assertEquals(List.of("0 " + StoreError.STOPPED.message(), "0 " + StoreError.STOPPED.message()), reasons);
        try {
            get(store.put(PutRequest.of(b("a"), b("1"))));
            fail("a closed store accepted a put");
        } catch (java.util.concurrent.ExecutionException e) {
            assertEquals(StoreError.STOPPED, DatastoreException.of(e).error());
        }
    }

    @Test
    public void keysOnlySortedByValueStillSortsByTheValues() throws Exception {
        get(store.put(PutRequest.of(b("a"), b("3"))));
        get(store.put(PutRequest.of(b("b"), b("1"))));
        get(store.put(PutRequest.of(b("c"), b("2"))));
        RangeResult r = get(store.range(RangeRequest.builder(KeyRange.all()).keysOnly(true).limit(2)
                .sort(RangeRequest.SortTarget.VALUE, RangeRequest.SortOrder.DESCEND).build()));
        assertEquals(3, r.count());
        assertTrue(r.more());
        assertArrayEquals(b("a"), r.kvs().get(0).key());
        assertArrayEquals(b("c"), r.kvs().get(1).key());
        assertNull(r.kvs().get(0).value());
    }

    @Test
    public void leasesAndWatch() throws Exception {
        List<Event> seen = new CopyOnWriteArrayList<>();
        store.watch(WatchRequest.of(KeyRange.prefix(b("k")), 0), new WatchListener() {
            @Override
            public void onEvents(List<Event> events, long revision) {
                seen.addAll(events);
            }

            @Override
            public void onProgress(long revision) {
            }

            @Override
            public void onCancelled(long compactRevision, String reason) {
            }
        });
        Lease l = get(store.leaseGrant(0, 1));
        assertEquals(Lease.MIN_TTL, l.ttl());
        get(store.put(PutRequest.of(b("k1"), b("v"), l.id())));
        try {
            get(store.put(PutRequest.of(b("k2"), b("v"), 12345)));
            fail();
        } catch (java.util.concurrent.ExecutionException e) {
            assertEquals(StoreError.LEASE_NOT_FOUND, DatastoreException.of(e).error());
        }
        assertEquals(1, get(store.leaseTimeToLive(l.id(), true)).keys().size());
        StoreFixture.await("lease expiry", () -> seen.size() == 2);
        assertEquals(Event.Type.DELETE, seen.get(1).type());
        assertEquals(-1, get(store.leaseTimeToLive(l.id(), false)).ttl());
        assertEquals(0, (long) get(store.leaseKeepAlive(l.id())));
        assertFalse(store.alarms().iterator().hasNext());
    }
}
