package dev.cairn.datastore.postgres;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.tck.RecordingWatchListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Two servers on one store, as K3s servers share an external datastore: two stores opened on the same schema, each
 * with its own writer, watch poller and lease expiry.
 */
public class SharedStoreTest {
    private String schema;
    private Datastore first;
    private Datastore second;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @Before
    public void openTwoServers() {
        schema = TestDatabase.freshSchema("shared");
        first = open("first");
        second = open("second");
    }

    private Datastore open(String node) {
        Datastore s = PostgresDatastore.open(TestDatabase.settings(TestDatabase.endpoint(schema), node, 0));
        closing.add(s);
        return s;
    }

    @After
    public void closeAndDrop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        TestDatabase.dropSchema(schema);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw DatastoreException.of(e);
        }
    }

    private static KeyValue get(Datastore s, String key) {
        List<KeyValue> kvs = await(s.range(RangeRequest.of(KeyRange.single(bytes(key))))).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    @Test
    public void concurrentWritersOnBothServersGetDistinctGapFreeRevisionsAndEveryWatchSeesThemAll() {
        long start = first.currentRevision();
        RecordingWatchListener onFirst = new RecordingWatchListener();
        RecordingWatchListener onSecond = new RecordingWatchListener();
        closing.add(first.watch(WatchRequest.of(KeyRange.prefix(bytes("k/")), start + 1), onFirst));
        closing.add(second.watch(WatchRequest.of(KeyRange.prefix(bytes("k/")), start + 1), onSecond));
        List<CompletableFuture<PutResult>> writes = new ArrayList<>();
        int n = 200;
        for (int i = 0; i < n; i++) {
            Datastore via = i % 2 == 0 ? first : second;
            writes.add(via.put(PutRequest.of(bytes("k/" + (i % 13)), bytes("v" + i))));
        }
        TreeSet<Long> revisions = new TreeSet<>();
        for (CompletableFuture<PutResult> w : writes) {
            revisions.add(await(w).revision());
        }
        assertEquals("every put got its own revision", n, revisions.size());
        assertEquals(start + 1, (long) revisions.first());
        assertEquals(start + n, (long) revisions.last());
        for (RecordingWatchListener events : List.of(onFirst, onSecond)) {
            List<Long> seen = events.awaitRevision(start + n).stream().map(e -> e.kv().modRevision()).toList();
            assertEquals("each watch saw every revision once, in order", new ArrayList<>(revisions), seen);
        }
        assertEquals(await(first.hashKV(start + n)).hash(), await(second.hashKV(start + n)).hash());
    }

    @Test
    public void aWriteThroughOneServerIsReadAndWatchedThroughTheOther() {
        RecordingWatchListener events = new RecordingWatchListener();
        closing.add(second.watch(WatchRequest.of(KeyRange.single(bytes("shared")), 0), events));
        long revision = await(first.put(PutRequest.of(bytes("shared"), bytes("from-first")))).revision();
        Event e = events.awaitRevision(revision).get(0);
        assertEquals("from-first", new String(e.kv().value(), StandardCharsets.UTF_8));
        KeyValue kv = get(second, "shared");
        assertEquals(revision, kv.modRevision());
        assertTrue("the second server's revision follows the first's writes", second.currentRevision() >= revision);
    }

    @Test
    public void compareAndSwapRacingOnBothServersLetsExactlyOneWin() {
        long mod = await(first.put(PutRequest.of(bytes("lock"), bytes("free")))).revision();
        List<CompletableFuture<TxnResult>> racers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Datastore via = i % 2 == 0 ? first : second;
            racers.add(via.txn(new TxnRequest(
                    List.of(Compare.number(KeyRange.single(bytes("lock")), Compare.Target.MOD, Compare.Result.EQUAL,
                            mod)),
                    List.of(new Op.Put(PutRequest.of(bytes("lock"), bytes("held-by-" + i)))), List.of())));
        }
        int winners = 0;
        for (CompletableFuture<TxnResult> r : racers) {
            winners += await(r).succeeded() ? 1 : 0;
        }
        assertEquals(1, winners);
    }

    /** Both servers run the lease expiry: the keys are deleted once, in one revision. */
    @Test
    public void anExpiringLeaseIsRevokedOnceThoughBothServersExpireLeases() {
        long lease = await(first.leaseGrant(0, Lease.MIN_TTL)).id();
        await(first.put(PutRequest.of(bytes("l/a"), bytes("1"), lease)));
        await(second.put(PutRequest.of(bytes("l/b"), bytes("1"), lease)));
        long before = await(first.put(PutRequest.of(bytes("other"), bytes("1")))).revision();
        RecordingWatchListener events = new RecordingWatchListener();
        closing.add(second.watch(WatchRequest.of(KeyRange.all(), before + 1), events));
        List<Event> deletes = events.awaitEvents(2);
        assertEquals(before + 1, deletes.get(0).kv().modRevision());
        assertEquals(before + 1, deletes.get(1).kv().modRevision());
        // a later write comes right after the one revoke: no second revision of deletes in between
        long after = await(second.put(PutRequest.of(bytes("after"), bytes("1")))).revision();
        assertEquals(before + 2, after);
        assertEquals(3, events.awaitRevision(after).size());
        assertEquals(-1, await(first.leaseTimeToLive(lease, false)).ttl());
        assertNull(get(first, "l/a"));
    }

    @Test
    public void aCompactionOnOneServerIsSeenByTheOther() {
        for (int i = 0; i < 5; i++) {
            await(first.put(PutRequest.of(bytes("c"), bytes("v" + i))));
        }
        long at = first.currentRevision() - 1;
        await(first.compact(at, false));
        DatastoreException e = org.junit.Assert.assertThrows(DatastoreException.class,
                () -> await(second.range(RangeRequest.builder(KeyRange.single(bytes("c"))).revision(at - 1).build())));
        assertEquals(dev.cairn.datastore.api.StoreError.COMPACTED, e.error());
        RecordingWatchListener events = new RecordingWatchListener();
        closing.add(second.watch(WatchRequest.of(KeyRange.single(bytes("c")), at - 1), events));
        assertEquals(at, events.awaitCancelled().compactRevision());
    }
}
