package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Compare.Result;
import dev.cairn.datastore.api.Compare.Target;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;

/** Transactions: compares, branches, ordering inside a txn, nesting, and the checks made before anything runs. */
public abstract class TxnContract extends DatastoreContract {

    private boolean holds(Compare... compares) {
        return txn(new TxnRequest(List.of(compares), List.of(), List.of())).succeeded();
    }

    private void assertHolds(boolean expected, Compare c) {
        assertEquals(c.target() + " " + c.result() + " " + (c.value() == null ? c.number() : text(c.value()))
                + " on " + c.range(), expected, holds(c));
    }

    private void assertNumberCompares(String key, Target target, long actual) {
        assertHolds(true, compare(key, target, Result.EQUAL, actual));
        assertHolds(false, compare(key, target, Result.EQUAL, actual + 1));
        assertHolds(true, compare(key, target, Result.GREATER, actual - 1));
        assertHolds(false, compare(key, target, Result.GREATER, actual));
        assertHolds(true, compare(key, target, Result.LESS, actual + 1));
        assertHolds(false, compare(key, target, Result.LESS, actual));
        assertHolds(true, compare(key, target, Result.NOT_EQUAL, actual + 1));
        assertHolds(false, compare(key, target, Result.NOT_EQUAL, actual));
    }

    private static TxnRequest onlySuccess(Op... ops) {
        return new TxnRequest(List.of(), List.of(ops), List.of());
    }

    // ---- compares ----

    @Test
    public void versionComparesHonourEveryResult() {
        put("k", "1");
        put("other", "1");
        put("k", "2");
        assertNumberCompares("k", Target.VERSION, 2);
    }

    @Test
    public void createRevisionComparesHonourEveryResult() {
        put("other", "1");
        put("k", "1");
        put("k", "2");
        assertNumberCompares("k", Target.CREATE, 3);
    }

    @Test
    public void modRevisionComparesHonourEveryResult() {
        put("k", "1");
        put("k", "2");
        put("other", "1");
        assertNumberCompares("k", Target.MOD, 3);
    }

    @Test
    public void leaseComparesHonourEveryResult() {
        long lease = await(store.leaseGrant(1000, 60)).id();
        put("k", "1", lease);
        assertNumberCompares("k", Target.LEASE, lease);
    }

    @Test
    public void valueComparesHonourEveryResultAsUnsignedBytes() {
        put("k", "m");
        assertHolds(true, compareValue("k", Result.EQUAL, "m"));
        assertHolds(false, compareValue("k", Result.EQUAL, "n"));
        assertHolds(true, compareValue("k", Result.GREATER, "l"));
        assertHolds(true, compareValue("k", Result.GREATER, ""));
        assertHolds(false, compareValue("k", Result.GREATER, "m"));
        assertHolds(true, compareValue("k", Result.LESS, "n"));
        assertHolds(true, compareValue("k", Result.LESS, "mm"));
        assertHolds(false, compareValue("k", Result.LESS, "m"));
        assertHolds(true, compareValue("k", Result.NOT_EQUAL, "x"));
        assertHolds(false, compareValue("k", Result.NOT_EQUAL, "m"));
        put(PutRequest.of(bytes("high"), bytes(0x80)));
        assertHolds(true, Compare.value(key("high"), Result.GREATER, bytes(0x7f)));
        assertHolds(true, Compare.value(key("high"), Result.LESS, bytes(0xff)));
    }

    @Test
    public void aMissingKeyComparesAsVersionCreateModAndLeaseZero() {
        put("other", "1");
        for (Target t : List.of(Target.VERSION, Target.CREATE, Target.MOD, Target.LEASE)) {
            assertHolds(true, compare("missing", t, Result.EQUAL, 0));
            assertHolds(false, compare("missing", t, Result.GREATER, 0));
            assertHolds(true, compare("missing", t, Result.LESS, 1));
        }
    }

    @Test
    public void aValueCompareOnAMissingKeyIsAlwaysFalse() {
        put("other", "1");
        for (Result r : Result.values()) {
            assertHolds(false, compareValue("missing", r, ""));
            assertHolds(false, compareValue("missing", r, "x"));
        }
        assertHolds(false, Compare.value(interval("x", "z"), Result.NOT_EQUAL, bytes("q")));
    }

    @Test
    public void aRangeCompareMustHoldForEveryExistingKeyInTheRange() {
        put("r1", "5");
        put("r3", "5");
        Compare allFive = Compare.value(interval("r1", "r9"), Result.EQUAL, bytes("5"));
        assertHolds(true, allFive);
        put("r2", "6");
        assertHolds(false, allFive);
        assertHolds(true, Compare.number(prefix("r"), Target.VERSION, Result.EQUAL, 1));
        put("r2", "5");
        assertHolds(true, allFive);
        assertHolds(false, Compare.number(prefix("r"), Target.VERSION, Result.EQUAL, 1));
        assertHolds(true, Compare.number(fromKey("r"), Target.CREATE, Result.GREATER, 1));
        assertHolds(true, Compare.number(interval("x1", "x9"), Target.VERSION, Result.EQUAL, 0));
    }

    @Test
    public void everyCompareMustHold() {
        put("a", "1");
        put("b", "2");
        assertTrue(holds(compareValue("a", Result.EQUAL, "1"), compareValue("b", Result.EQUAL, "2")));
        assertFalse(holds(compareValue("a", Result.EQUAL, "1"), compareValue("b", Result.EQUAL, "1")));
        assertFalse(holds(compareValue("a", Result.EQUAL, "2"), compareValue("b", Result.EQUAL, "2")));
    }

    // ---- branches ----

    @Test
    public void theSuccessBranchRunsWhenEveryCompareHolds() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(compareValue("a", Result.EQUAL, "1")),
                List.of(putOp("b", "then")), List.of(putOp("b", "else"))));
        assertTrue(r.succeeded());
        assertEquals(3, r.revision());
        assertEquals("then", text(get("b").value()));
    }

    @Test
    public void theFailureBranchRunsWhenACompareFails() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(compareValue("a", Result.EQUAL, "2")),
                List.of(putOp("b", "then")), List.of(putOp("b", "else"))));
        assertFalse(r.succeeded());
        assertEquals(3, r.revision());
        assertEquals("else", text(get("b").value()));
    }

    @Test
    public void aTxnWithoutComparesRunsItsSuccessBranch() {
        TxnResult r = txn(new TxnRequest(List.of(), List.of(putOp("a", "1")), List.of(putOp("a", "2"))));
        assertTrue(r.succeeded());
        assertEquals("1", text(get("a").value()));
    }

    @Test
    public void anEmptyTxnSucceedsAndChangesNothing() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(), List.of(), List.of()));
        assertTrue(r.succeeded());
        assertTrue(r.results().isEmpty());
        assertEquals(2, r.revision());
    }

    @Test
    public void theResultsFollowTheOpsOfTheBranchThatRan() {
        put("gone", "x");
        TxnResult then = txn(new TxnRequest(List.of(),
                List.of(rangeOp(key("gone")), putOp("a", "1"), deleteOp(key("gone")),
                        txnOp(List.of(), List.of(rangeOp(key("a"))), List.of())),
                List.of(putOp("b", "1"))));
        assertEquals(4, then.results().size());
        assertTrue(then.results().get(0) instanceof RangeResult);
        assertTrue(then.results().get(1) instanceof PutResult);
        assertTrue(then.results().get(2) instanceof DeleteResult);
        assertTrue(then.results().get(3) instanceof TxnResult);
        assertEquals(1, ((RangeResult) then.results().get(0)).count());
        assertEquals(1, ((DeleteResult) then.results().get(2)).deleted());
        TxnResult nested = (TxnResult) then.results().get(3);
        assertTrue(nested.succeeded());
        assertEquals(1, nested.results().size());

        TxnResult otherwise = txn(new TxnRequest(List.of(compare("a", Target.VERSION, Result.EQUAL, 7)),
                List.of(rangeOp(key("a")), putOp("c", "1")), List.of(putOp("b", "1"))));
        assertFalse(otherwise.succeeded());
        assertEquals(1, otherwise.results().size());
        assertTrue(otherwise.results().get(0) instanceof PutResult);
    }

    @Test
    public void opsInATxnReturnTheirPreviousValuesWhenAsked() {
        put("a", "1");
        put("b", "1");
        TxnResult r = txn(onlySuccess(putOp(new PutRequest(bytes("a"), bytes("2"), 0, true, false, false)),
                new Op.Delete(new DeleteRequest(key("b"), true))));
        PutResult p = (PutResult) r.results().get(0);
        assertKv("a", "1", 2, 2, 1, 0, p.prevKv());
        DeleteResult d = (DeleteResult) r.results().get(1);
        assertEquals(1, d.deleted());
        assertKv("b", "1", 3, 3, 1, 0, d.prevKvs().get(0));
    }

    @Test
    public void laterOpsSeeTheWritesOfEarlierOps() {
        put("a", "old");
        put("gone", "x");
        TxnResult r = txn(onlySuccess(putOp("a", "new"), rangeOp(key("a")), putOp("b", "1"),
                rangeOp(KeyRange.all()), deleteOp(key("gone")), rangeOp(key("gone"))));
        assertEquals(4, r.revision());
        KeyValue a = ((RangeResult) r.results().get(1)).kvs().get(0);
        assertKv("a", "new", 2, 4, 2, 0, a);
        RangeResult all = (RangeResult) r.results().get(3);
        assertKeys(List.of("a", "b", "gone"), all.kvs());
        assertEquals(3, all.count());
        assertEquals(0, ((RangeResult) r.results().get(5)).count());
    }

    /**
     * etcd picks the path through nested txns before running any op: a nested compare sees the store as it was before
     * the txn, not the writes of earlier ops (checked against etcd 3.4), while ranges do see them.
     */
    @Test
    public void aNestedTxnComparesAgainstTheStoreAsItWasBeforeTheTxn() {
        TxnResult r = txn(onlySuccess(putOp("a", "1"),
                txnOp(List.of(compareValue("a", Result.EQUAL, "1")), List.of(putOp("b", "then")),
                        List.of(putOp("b", "else"))),
                rangeOp(key("a"))));
        assertEquals(2, r.revision());
        TxnResult nested = (TxnResult) r.results().get(1);
        assertFalse(nested.succeeded());
        assertKv("b", "else", 2, 2, 1, 0, get("b"));
        assertEquals(1, ((RangeResult) r.results().get(2)).count());
    }

    @Test
    public void aNestedTxnRunsItsFailureBranchWhenItsCompareFails() {
        put("a", "1");
        TxnResult r = txn(onlySuccess(
                txnOp(List.of(compareValue("a", Result.EQUAL, "2")), List.of(putOp("b", "then")),
                        List.of(putOp("b", "else"), rangeOp(key("a")))),
                rangeOp(key("b"))));
        TxnResult nested = (TxnResult) r.results().get(0);
        assertFalse(nested.succeeded());
        assertEquals(2, nested.results().size());
        assertEquals("else", text(((RangeResult) r.results().get(1)).kvs().get(0).value()));
        assertEquals(3, r.revision());
    }

    @Test
    public void aRangeInATxnCanReadThePast() {
        put("a", "1");
        put("a", "2");
        TxnResult r = txn(onlySuccess(rangeOp(RangeRequest.builder(key("a")).revision(2).build())));
        assertEquals("1", text(((RangeResult) r.results().get(0)).kvs().get(0).value()));
    }

    // ---- checks before anything runs ----

    @Test
    public void upTo128OpsPerBranchAreAllowed() {
        TxnResult r = txn(onlySuccess(puts("k", 128).toArray(new Op[0])));
        assertEquals(2, r.revision());
        assertEquals(128, range(prefix("k")).count());
    }

    @Test
    public void moreThan128ComparesOrOpsAreTooManyOps() {
        List<Compare> compares = Collections.nCopies(129, compare("a", Target.VERSION, Result.EQUAL, 0));
        assertFails(StoreError.TOO_MANY_OPS, () -> store.txn(new TxnRequest(compares, List.of(), List.of())));
        assertFails(StoreError.TOO_MANY_OPS, () -> store.txn(new TxnRequest(List.of(), puts("k", 129), List.of())));
        assertFails(StoreError.TOO_MANY_OPS, () -> store.txn(new TxnRequest(List.of(), List.of(), puts("k", 129))));
        assertEquals(1, rev());
    }

    @Test
    public void nestedOpsCountAgainstTheBudgetLeftByTheirParent() {
        List<Op> fits = new ArrayList<>(puts("o", 64));
        fits.add(txnOp(List.of(), puts("n", 63), List.of()));
        txn(new TxnRequest(List.of(), fits, List.of()));
        assertEquals(127, range(KeyRange.all()).count());

        List<Op> tooMany = new ArrayList<>(puts("p", 64));
        tooMany.add(txnOp(List.of(), puts("q", 64), List.of()));
        assertFails(StoreError.TOO_MANY_OPS, () -> store.txn(new TxnRequest(List.of(), tooMany, List.of())));
        assertEquals(0, range(prefix("p")).count());
    }

    /** etcd leaves nested txns {@code 128 - max(compares, success, failure)} ops (checked against etcd 3.4). */
    @Test
    public void nestedOpsCountAgainstTheLargestOfTheParentsComparesAndBranches() {
        put("a", "1");
        List<Compare> compares = Collections.nCopies(100, compare("a", Target.VERSION, Result.GREATER, 0));
        List<Op> nested = List.of(txnOp(List.of(), puts("n", 50), List.of()));
        assertFails(StoreError.TOO_MANY_OPS, () -> store.txn(new TxnRequest(compares, nested, List.of())));
        List<Op> failure = puts("f", 100);
        assertFails(StoreError.TOO_MANY_OPS, () -> store.txn(new TxnRequest(List.of(), nested, failure)));
        assertEquals(2, rev());
    }

    @Test
    public void puttingOneKeyTwiceInABranchIsDuplicateKey() {
        assertFails(StoreError.DUPLICATE_KEY, () -> store.txn(onlySuccess(putOp("a", "1"), putOp("a", "2"))));
        assertFails(StoreError.DUPLICATE_KEY, () -> store.txn(new TxnRequest(List.of(), List.of(),
                List.of(putOp("a", "1"), putOp("a", "2")))));
        assertEquals(1, rev());
    }

    @Test
    public void puttingAKeyInsideADeletedRangeIsDuplicateKey() {
        put("ab", "1");
        assertFails(StoreError.DUPLICATE_KEY, () -> store.txn(onlySuccess(deleteOp(prefix("a")), putOp("ab", "2"))));
        assertFails(StoreError.DUPLICATE_KEY, () -> store.txn(onlySuccess(putOp("ab", "2"), deleteOp(prefix("a")))));
        assertFails(StoreError.DUPLICATE_KEY, () -> store.txn(onlySuccess(deleteOp(key("ab")), putOp("ab", "2"))));
        assertEquals("1", text(get("ab").value()));
    }

    @Test
    public void aNestedPutOfAKeyItsParentWritesIsDuplicateKey() {
        assertFails(StoreError.DUPLICATE_KEY,
                () -> store.txn(onlySuccess(putOp("k", "1"), txnOp(List.of(), List.of(putOp("k", "2")), List.of()))));
        assertFails(StoreError.DUPLICATE_KEY,
                () -> store.txn(onlySuccess(putOp("k", "1"), txnOp(List.of(), List.of(), List.of(putOp("k", "2"))))));
        assertFails(StoreError.DUPLICATE_KEY,
                () -> store.txn(onlySuccess(deleteOp(prefix("k")), txnOp(List.of(), List.of(putOp("k", "2")),
                        List.of()))));
        assertFails(StoreError.DUPLICATE_KEY,
                () -> store.txn(onlySuccess(txnOp(List.of(), List.of(deleteOp(key("k"))), List.of()),
                        putOp("k", "2"))));
        assertFails(StoreError.DUPLICATE_KEY,
                () -> store.txn(onlySuccess(txnOp(List.of(), List.of(putOp("k", "1")), List.of()),
                        txnOp(List.of(), List.of(putOp("k", "2")), List.of()))));
        assertEquals(1, rev());
    }

    @Test
    public void theThenAndElseBranchesOfANestedTxnMayPutTheSameKey() {
        TxnResult r = txn(onlySuccess(txnOp(List.of(compare("k", Target.VERSION, Result.EQUAL, 0)),
                List.of(putOp("k", "then")), List.of(putOp("k", "else")))));
        assertTrue(((TxnResult) r.results().get(0)).succeeded());
        assertEquals("then", text(get("k").value()));
    }

    @Test
    public void theTopLevelBranchesMayPutTheSameKey() {
        txn(new TxnRequest(List.of(), List.of(putOp("k", "then")), List.of(putOp("k", "else"))));
        assertEquals("then", text(get("k").value()));
    }

    @Test
    public void overlappingDeletesAndReadsOfADeletedKeyAreAllowed() {
        put("a", "1");
        put("b", "1");
        put("c", "1");
        TxnResult r = txn(onlySuccess(deleteOp(interval("a", "c")), deleteOp(interval("b", "d")),
                rangeOp(key("b"))));
        assertEquals(2, ((DeleteResult) r.results().get(0)).deleted());
        assertEquals(1, ((DeleteResult) r.results().get(1)).deleted());
        assertEquals(0, ((RangeResult) r.results().get(2)).count());
        assertEquals(5, r.revision());
    }

    @Test
    public void anEmptyKeyAnywhereInATxnIsRefused() {
        Op emptyPut = putOp(PutRequest.of(new byte[0], bytes("1")));
        assertFails(StoreError.EMPTY_KEY, () -> store.txn(onlySuccess(putOp("a", "1"), emptyPut)));
        assertFails(StoreError.EMPTY_KEY, () -> store.txn(new TxnRequest(List.of(), List.of(), List.of(emptyPut))));
        assertFails(StoreError.EMPTY_KEY, () -> store.txn(onlySuccess(rangeOp(KeyRange.single(new byte[0])))));
        assertFails(StoreError.EMPTY_KEY, () -> store.txn(onlySuccess(deleteOp(KeyRange.single(new byte[0])))));
        assertFails(StoreError.EMPTY_KEY, () -> store.txn(new TxnRequest(
                List.of(Compare.number(KeyRange.single(new byte[0]), Target.VERSION, Result.EQUAL, 0)),
                List.of(), List.of())));
        assertFails(StoreError.EMPTY_KEY, () -> store.txn(onlySuccess(txnOp(List.of(), List.of(emptyPut),
                List.of()))));
        assertNull(get("a"));
        assertEquals(1, rev());
    }

    @Test
    public void aBranchThatFailsPartwayWritesNothing() {
        put("x", "1");
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.txn(onlySuccess(putOp("a", "1"),
                putOp(PutRequest.of(bytes("b"), bytes("1"), 424242)))));
        assertFails(StoreError.KEY_NOT_FOUND, () -> store.txn(onlySuccess(putOp("a", "1"),
                putOp(new PutRequest(bytes("missing"), null, 0, false, true, false)))));
        assertFails(StoreError.FUTURE_REVISION, () -> store.txn(onlySuccess(putOp("a", "1"),
                rangeOp(RangeRequest.builder(key("x")).revision(99).build()))));
        assertNull(get("a"));
        assertEquals(2, rev());
    }

    @Test
    public void aRangeBelowTheCompactRevisionFailsTheTxn() {
        put("x", "1");
        put("x", "2");
        put("x", "3");
        compact(3);
        assertFails(StoreError.COMPACTED, () -> store.txn(onlySuccess(putOp("a", "1"),
                rangeOp(RangeRequest.builder(key("x")).revision(2).build()))));
        assertNull(get("a"));
        assertEquals(4, rev());
    }

    @Test
    public void checksOfTheBranchThatDoesNotRunDoNotFailTheTxn() {
        put("a", "1");
        TxnResult r = txn(new TxnRequest(List.of(compareValue("a", Result.EQUAL, "2")),
                List.of(putOp(PutRequest.of(bytes("b"), bytes("1"), 424242))), List.of(rangeOp(key("a")))));
        assertFalse(r.succeeded());
        assertNotNull(((RangeResult) r.results().get(0)).kvs().get(0));
        assertEquals(2, rev());
    }

    @Test
    public void aPutInATxnCanAttachALease() {
        long lease = grant(60);
        txn(onlySuccess(putOp(PutRequest.of(bytes("a"), bytes("1"), lease)), putOp("b", "1")));
        assertEquals(lease, get("a").lease());
        assertEquals(1, timeToLive(lease).keys().size());
        await(store.leaseRevoke(lease));
        assertNull(get("a"));
        assertNotNull(get("b"));
    }

    @Test
    public void ignoreValueInATxnKeepsTheValue() {
        long lease = grant(60);
        put("a", "kept");
        txn(onlySuccess(putOp(new PutRequest(bytes("a"), null, lease, false, true, false))));
        assertKv("a", "kept", 2, 3, 2, lease, get("a"));
    }

    @Test
    public void concurrentCompareAndSwapLetsExactlyOneWriterWin() {
        put("k", "start");
        for (int round = 0; round < 5; round++) {
            long mod = get("k").modRevision();
            List<CompletableFuture<TxnResult>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(store.txn(new TxnRequest(List.of(compare("k", Target.MOD, Result.EQUAL, mod)),
                        List.of(putOp("k", "r" + round + "w" + i)), List.of(rangeOp(key("k"))))));
            }
            int winners = 0;
            String winner = null;
            for (int i = 0; i < racers.size(); i++) {
                if (await(racers.get(i)).succeeded()) {
                    winners++;
                    winner = "r" + round + "w" + i;
                }
            }
            assertEquals("exactly one compare-and-swap wins round " + round, 1, winners);
            assertEquals(winner, text(get("k").value()));
            assertEquals(mod + 1, rev());
        }
    }

    @Test
    public void readsNeverSeeHalfATxn() throws Exception {
        txn(onlySuccess(putOp("a", "0"), putOp("b", "0")));
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= 60; i++) {
                    await(store.txn(onlySuccess(putOp("a", "" + i), putOp("b", "" + i))));
                }
            } finally {
                done.set(true);
            }
        });
        int reads = 0;
        while (!done.get() || reads == 0) {
            RangeResult r = range(KeyRange.all());
            assertEquals("both keys of every txn, read at revision " + r.revision(), 2, r.kvs().size());
            KeyValue a = r.kvs().get(0);
            KeyValue b = r.kvs().get(1);
            assertEquals("a and b come from the same txn", text(a.value()), text(b.value()));
            assertEquals(a.modRevision(), b.modRevision());
            assertTrue("a read reports a revision no older than what it shows", r.revision() >= a.modRevision());
            reads++;
        }
        await(writer);
        assertEquals("60", text(get("a").value()));
    }

    @Test
    public void deletedKeysTakeNoPartInCompares() {
        put("r1", "5");
        put("r2", "6");
        delete("r2");
        assertHolds(true, Compare.value(prefix("r"), Result.EQUAL, bytes("5")));
        assertHolds(true, compare("r2", Target.VERSION, Result.EQUAL, 0));
        assertHolds(true, compare("r2", Target.MOD, Result.EQUAL, 0));
        assertHolds(false, compareValue("r2", Result.EQUAL, "6"));
        assertHolds(true, Compare.number(prefix("r"), Target.VERSION, Result.EQUAL, 1));
    }
}
