package dev.cairn.datastore.tck;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.WatchRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.Test;

/**
 * What survives closing a store and opening its data again. Needs {@link #reopen}; skipped for backends that keep
 * nothing across a close.
 */
public abstract class DurabilityContract extends DatastoreContract {

    @Test
    public void keysValuesAndVersionsSurviveAReopen() throws Exception {
        put("a", "1");
        put("a", "2");
        put(new PutRequest(bytes(0, 0xff), bytes(0xfe, 0), 0, false, false, false));
        txn(new TxnRequest(List.of(), List.of(putOp("b", "1"), putOp("c", "1")), List.of()));
        restart();
        assertKv("a", "2", 2, 3, 2, 0, get("a"));
        assertKv("b", "1", 5, 5, 1, 0, get("b"));
        assertKv("c", "1", 5, 5, 1, 0, get("c"));
        assertEquals(4, range(KeyRange.all()).count());
        assertArrayEquals(bytes(0xfe, 0), get(bytes(0, 0xff), 0).value());
    }

    @Test
    public void theRevisionSurvivesAndTheNextWriteContinuesFromIt() throws Exception {
        put("a", "1");
        put("a", "2");
        delete("a");
        restart();
        assertEquals(4, rev());
        assertEquals(4, store.status().revision());
        assertEquals(5, put("b", "1").revision());
    }

    @Test
    public void deletedKeysStayDeletedAndHistoryStaysReadable() throws Exception {
        put("a", "1");  // 2
        put("a", "2");  // 3
        delete("a");    // 4
        put("b", "1");  // 5
        restart();
        assertNull(get("a"));
        assertKv("a", "1", 2, 2, 1, 0, get("a", 2));
        assertKv("a", "2", 2, 3, 2, 0, get("a", 3));
        assertNull(get("a", 4));
        put("a", "3");
        assertKv("a", "3", 6, 6, 1, 0, get("a"));
    }

    @Test
    public void leasesAndTheirKeysSurviveAReopen() throws Exception {
        long lease = await(store.leaseGrant(321, 600)).id();
        long empty = grant(600);
        put("a", "1", lease);
        put("b", "1", lease);
        restart();
        Lease l = timeToLive(lease);
        assertEquals(600, l.grantedTtl());
        assertTrue("remaining TTL " + l.ttl(), l.ttl() > 0 && l.ttl() <= 600);
        assertEquals(2, l.keys().size());
        List<Long> ids = await(store.leases());
        assertTrue(ids.contains(lease) && ids.contains(empty));
        assertEquals(lease, get("a").lease());
        long revoked = await(store.leaseRevoke(lease));
        assertEquals(4, revoked);
        assertNull(get("a"));
        assertNull(get("b"));
        assertFails(StoreError.LEASE_EXISTS, () -> store.leaseGrant(empty, 60));
    }

    @Test
    public void theCompactRevisionSurvivesAReopen() throws Exception {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("a", "3");  // 4
        compact(3);
        restart();
        assertEquals(3, store.status().compactRevision());
        assertFails(StoreError.COMPACTED, () -> store.range(RangeRequest.builder(key("a")).revision(2).build()));
        assertKv("a", "2", 2, 3, 2, 0, get("a", 3));
        assertFails(StoreError.COMPACTED, () -> store.compact(3, false));
        RecordingWatchListener events = watch(WatchRequest.of(key("a"), 2));
        assertEquals(3, events.awaitCancelled().compactRevision());
    }

    @Test
    public void hashKvIsTheSameAfterAReopen() throws Exception {
        put("a", "1");
        put("b", "1");
        put("a", "2");
        delete("b");
        HashResult before = await(store.hashKV(0));
        restart();
        assertEquals(before.hash(), await(store.hashKV(0)).hash());
    }

    @Test
    public void aWatchAfterAReopenReplaysTheHistoryBeforeIt() throws Exception {
        put("a", "1");  // 2
        put("a", "2");  // 3
        delete("a");    // 4
        restart();
        RecordingWatchListener events = watch(WatchRequest.of(key("a"), 2));
        put("a", "3");  // 5
        List<Event> got = events.awaitRevision(5);
        assertEquals(List.of(2L, 3L, 4L, 5L), got.stream().map(e -> e.kv().modRevision()).toList());
        assertEquals(Event.Type.DELETE, got.get(2).type());
    }

    @Test
    public void aStoreSurvivesSeveralReopens() throws Exception {
        for (int i = 0; i < 3; i++) {
            put("k", "v" + i);
            restart();
        }
        assertKv("k", "v2", 2, 4, 3, 0, get("k"));
    }

    @Test
    public void theOrderOfATxnsWritesSurvivesAReopen() throws Exception {
        put("c", "1");  // 2
        txn(new TxnRequest(List.of(), List.of(putOp("b", "1"), deleteOp(key("c")), putOp("a", "1")),
                List.of()));  // 3
        restart();
        RecordingWatchListener events = watch(WatchRequest.of(KeyRange.all(), 3));
        List<Event> got = events.awaitRevision(3);
        assertEquals(List.of("b", "c", "a"), got.stream().map(e -> text(e.kv().key())).toList());
    }

    /** Waits for a real expiry after the reopen: about {@link Lease#MIN_TTL} seconds. */
    @Test
    public void leasesKeepExpiringAfterAReopen() throws Exception {
        long lease = await(store.leaseGrant(0, Lease.MIN_TTL)).id();
        put("a", "1", lease);   // 2
        put("kept", "1");       // 3
        restart();
        RecordingWatchListener events = watch(WatchRequest.of(key("a"), 4));
        Event e = events.awaitEvents(1).get(0);
        assertEquals(Event.Type.DELETE, e.type());
        assertNull(get("a"));
        assertEquals(-1, timeToLive(lease).ttl());
        assertEquals(1, range(KeyRange.all()).count());
    }

    @Test
    public void writesInFlightAtCloseAreEitherDurableOrRefusedAsStopped() throws Exception {
        List<CompletableFuture<PutResult>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(store.put(PutRequest.of(bytes("k" + i), bytes("v"))));
        }
        Datastore closing = store;
        closeStore(closing);
        Set<String> acknowledged = new HashSet<>();
        for (int i = 0; i < writes.size(); i++) {
            try {
                writes.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                acknowledged.add("k" + i);
            } catch (ExecutionException e) {
                assertEquals("a write refused by close", StoreError.STOPPED, DatastoreException.of(e).error());
            } catch (TimeoutException e) {
                throw new AssertionError("write k" + i + " neither finished nor was refused by close()");
            }
        }
        store = openAgain(closing);
        Set<String> present = new HashSet<>();
        for (KeyValue kv : range(KeyRange.all()).kvs()) {
            present.add(text(kv.key()));
        }
        assertTrue("every acknowledged write survives: missing " + minus(acknowledged, present),
                present.containsAll(acknowledged));
        assertEquals(1 + present.size(), rev());
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }
}
