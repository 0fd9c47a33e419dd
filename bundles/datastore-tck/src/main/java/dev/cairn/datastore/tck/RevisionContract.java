package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/** How the store revision moves: +1 per change, never for a request that changes nothing. */
public abstract class RevisionContract extends DatastoreContract {

    @Test
    public void anEmptyStoreIsAtRevisionOne() {
        assertEquals(1, rev());
        assertEquals(1, store.status().revision());
        RangeResult all = range(KeyRange.all());
        assertEquals(1, all.revision());
        assertEquals(0, all.count());
    }

    @Test
    public void everyPutAddsOneRevisionEvenWithAnUnchangedValue() {
        assertEquals(2, put("a", "1").revision());
        assertEquals(3, put("a", "1").revision());
        assertEquals(4, put("b", "1").revision());
        assertEquals(4, rev());
    }

    @Test
    public void aDeleteThatRemovesKeysAddsOneRevision() {
        put("a", "1");
        put("b", "1");
        assertEquals(4, delete(KeyRange.all()).revision());
        assertEquals(4, rev());
    }

    @Test
    public void deletingAMissingKeyKeepsTheRevision() {
        put("a", "1");
        assertEquals(2, delete("missing").revision());
        assertEquals(2, delete(interval("x", "z")).revision());
        assertEquals(2, rev());
    }

    @Test
    public void aTxnAddsOneRevisionForAllItsWrites() {
        put("gone", "x");
        TxnResult r = txn(new TxnRequest(List.of(), List.of(putOp("a", "1"), putOp("b", "2"),
                deleteOp(key("gone")), putOp("c", "3")), List.of()));
        assertEquals(3, r.revision());
        assertEquals(3, rev());
        for (String k : List.of("a", "b", "c")) {
            assertEquals("mod revision of " + k, 3, get(k).modRevision());
        }
    }

    @Test
    public void aReadOnlyTxnKeepsTheRevision() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(compare("a", Compare.Target.VERSION, Compare.Result.EQUAL, 1)),
                List.of(rangeOp(key("a")), rangeOp(KeyRange.all())), List.of()));
        assertTrue(r.succeeded());
        assertEquals(2, r.revision());
        assertEquals(2, rev());
    }

    @Test
    public void aFailedCompareWithAReadOnlyFailureBranchKeepsTheRevision() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(compareValue("a", Compare.Result.EQUAL, "other")),
                List.of(putOp("a", "2")), List.of(rangeOp(key("a")))));
        assertFalse(r.succeeded());
        assertEquals(2, r.revision());
        assertEquals(2, rev());
        assertEquals("1", text(get("a").value()));
    }

    @Test
    public void aTxnWhoseOnlyWriteDeletesNothingKeepsTheRevision() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(), List.of(deleteOp(key("missing"))), List.of()));
        assertEquals(2, r.revision());
        assertEquals(2, rev());
    }

    @Test
    public void aRefusedRequestKeepsTheRevision() {
        put("a", "1");
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.put(PutRequest.of(bytes("b"), bytes("1"), 424242)));
        assertFails(StoreError.DUPLICATE_KEY,
                () -> store.txn(new TxnRequest(List.of(), List.of(putOp("c", "1"), putOp("c", "2")), List.of())));
        assertEquals(2, rev());
    }

    @Test
    public void grantingALeaseAndCompactingKeepTheRevision() {
        put("a", "1");
        put("a", "2");
        grant(60);
        assertEquals(3, rev());
        assertEquals(3, (long) await(store.compact(2, false)));
        assertEquals(3, rev());
    }

    @Test
    public void revokingALeaseWithoutKeysKeepsTheRevision() {
        put("a", "1");
        long lease = grant(60);
        assertEquals(2, (long) await(store.leaseRevoke(lease)));
        assertEquals(2, rev());
    }

    @Test
    public void revokingALeaseWithKeysAddsOneRevision() {
        long lease = grant(60);
        put("a", "1", lease);
        put("b", "1", lease);
        assertEquals(4, (long) await(store.leaseRevoke(lease)));
        assertEquals(4, rev());
    }

    @Test
    public void aRecreatedKeyGetsNewRevisionsNeverReusedOnes() {
        assertEquals(2, put("a", "1").revision());
        assertEquals(3, delete("a").revision());
        assertEquals(4, put("a", "2").revision());
        assertEquals(4, get("a").createRevision());
    }

    @Test
    public void concurrentWritesEachGetTheirOwnRevision() {
        int n = 40;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(store.put(PutRequest.of(bytes("k" + (i % 7)), bytes("v" + i))));
        }
        TreeSet<Long> revisions = new TreeSet<>();
        for (CompletableFuture<PutResult> f : futures) {
            revisions.add(await(f).revision());
        }
        assertEquals("every put got a distinct revision", n, revisions.size());
        assertEquals(2L, (long) revisions.first());
        assertEquals(1L + n, (long) revisions.last());
        assertEquals(1L + n, rev());
    }

    @Test
    public void theWritesOfOneTxnAreOrderedAsItsOpsInWatchEvents() {
        put("c", "old");
        RecordingWatchListener events = watch(KeyRange.all());
        TxnResult r = txn(new TxnRequest(List.of(),
                List.of(putOp("b", "1"), putOp("a", "1"), deleteOp(key("c")), putOp("d", "1")), List.of()));
        List<Event> got = events.awaitEvents(4);
        assertEquals(4, got.size());
        assertEquals(List.of("b", "a", "c", "d"),
                got.stream().map(e -> text(e.kv().key())).toList());
        assertEquals(List.of(Event.Type.PUT, Event.Type.PUT, Event.Type.DELETE, Event.Type.PUT),
                got.stream().map(Event::type).toList());
        for (Event e : got) {
            assertEquals("every event of the txn has its revision", r.revision(), e.kv().modRevision());
        }
        KeyValue a = got.get(1).kv();
        assertEquals(r.revision(), a.createRevision());
    }
}
