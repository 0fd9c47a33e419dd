package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/** Compaction: what is dropped, what is kept, and which compactions are refused. */
public abstract class CompactionContract extends DatastoreContract {

    private RangeResult rangeAt(KeyRange range, long revision) {
        return range(RangeRequest.builder(range).revision(revision).build());
    }

    @Test
    public void readsBelowTheCompactRevisionFail() {
        put("a", "1");  // 2
        put("b", "1");  // 3
        put("a", "2");  // 4
        compact(4);
        for (long r = 1; r < 4; r++) {
            long at = r;
            assertFails(StoreError.COMPACTED, () -> store.range(RangeRequest.builder(KeyRange.all()).revision(at)
                    .build()));
        }
        assertEquals(2, rangeAt(KeyRange.all(), 4).count());
    }

    @Test
    public void theLatestVersionOfEveryKeySurvives() {
        put("old", "1");   // 2, never touched again
        put("a", "1");     // 3
        put("a", "2");     // 4
        put("a", "3");     // 5
        compact(5);
        assertKv("old", "1", 2, 2, 1, 0, get("old"));
        assertKv("a", "3", 3, 5, 3, 0, get("a"));
        assertKv("old", "1", 2, 2, 1, 0, get("old", 5));
        assertEquals(2, range(KeyRange.all()).count());
    }

    @Test
    public void aReadAtTheCompactRevisionSeesTheNewestVersionUpToIt() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("a", "3");  // 4
        put("b", "1");  // 5
        compact(3);
        assertKv("a", "2", 2, 3, 2, 0, get("a", 3));
        assertKv("a", "3", 2, 4, 3, 0, get("a", 4));
        assertNull(get("b", 4));
        assertEquals(1, rangeAt(KeyRange.all(), 3).count());
    }

    @Test
    public void deletedKeysStayDeletedAfterCompaction() {
        put("a", "1");     // 2
        put("a", "2");     // 3
        delete("a");       // 4
        put("b", "1");     // 5
        compact(5);
        assertNull("a compaction must not bring a deleted key back", get("a"));
        assertNull(get("a", 5));
        assertEquals(1, range(KeyRange.all()).count());
        assertEquals(1, rangeAt(KeyRange.all(), 5).count());
        put("a", "3");
        assertKv("a", "3", 6, 6, 1, 0, get("a"));
    }

    @Test
    public void aKeyDeletedAtTheCompactRevisionStaysDeleted() {
        put("a", "1");  // 2
        put("b", "1");  // 3
        delete("a");    // 4
        compact(4);
        assertNull(get("a", 4));
        assertNull(get("a"));
        assertEquals(1, range(KeyRange.all()).count());
    }

    @Test
    public void historyAfterTheCompactRevisionSurvives() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("a", "3");  // 4
        delete("a");    // 5
        put("a", "4");  // 6
        compact(3);
        assertKv("a", "3", 2, 4, 3, 0, get("a", 4));
        assertNull(get("a", 5));
        assertKv("a", "4", 6, 6, 1, 0, get("a", 6));
    }

    @Test
    public void compactingAtOrBelowTheCompactRevisionIsCompacted() {
        put("a", "1");
        put("a", "2");
        put("a", "3");
        compact(3);
        assertFails(StoreError.COMPACTED, () -> store.compact(3, false));
        assertFails(StoreError.COMPACTED, () -> store.compact(2, true));
        assertEquals(3, store.status().compactRevision());
    }

    @Test
    public void compactingAFutureRevisionIsFutureRevision() {
        put("a", "1");
        assertFails(StoreError.FUTURE_REVISION, () -> store.compact(3, false));
        assertEquals(0, store.status().compactRevision());
    }

    @Test
    public void compactingTheCurrentRevisionKeepsTheRevisionAndReturnsIt() {
        put("a", "1");
        put("a", "2");
        assertEquals(3, (long) await(store.compact(3, false)));
        assertEquals(3, rev());
        assertEquals(3, store.status().compactRevision());
        assertKv("a", "2", 2, 3, 2, 0, get("a", 3));
        assertEquals(4, put("b", "1").revision());
    }

    @Test
    public void aPhysicalCompactionCompletesWithTheDataIntact() {
        for (int i = 0; i < 20; i++) {
            put("k" + (i % 4), "v" + i);
        }
        await(store.delete(new DeleteRequest(key("k3"), false)));
        long at = rev();
        assertEquals(at, (long) await(store.compact(at - 1, true)));
        assertEquals(at - 1, store.status().compactRevision());
        assertKv("k0", "v16", 2, 18, 5, 0, get("k0"));
        assertNull(get("k3"));
        assertEquals(3, range(KeyRange.all()).count());
        assertFails(StoreError.COMPACTED, () -> store.range(RangeRequest.builder(key("k0")).revision(at - 2).build()));
    }

    @Test
    public void writesAndCompactionsKeepWorkingAfterACompaction() {
        put("a", "1");
        put("a", "2");
        compact(3);
        put("a", "3");
        put("b", "1");
        assertKv("a", "3", 2, 4, 3, 0, get("a"));
        compact(5);
        assertKv("a", "3", 2, 4, 3, 0, get("a", 5));
        assertEquals(5, store.status().compactRevision());
    }

    @Test
    public void aCompactionThatRemovesNoVersionKeepsHashKv() {
        put("a", "1");  // 2
        put("b", "1");  // 3
        put("c", "1");  // 4
        HashResult before = await(store.hashKV(4));
        compact(3);
        HashResult after = await(store.hashKV(4));
        assertEquals(before.hash(), after.hash());
        assertEquals(3, after.compactRevision());
        assertEquals(4, after.hashRevision());
    }

    @Test
    public void hashKvAboveTheCompactionIsTheSameWhetherTheCompactionWasPhysicalOrNot() throws Exception {
        Datastore other = openAnotherStore();
        for (Datastore s : List.of(store, other)) {
            for (int i = 0; i < 12; i++) {
                await(s.put(PutRequest.of(bytes("k" + (i % 3)), bytes("v" + i))));
            }
            await(s.delete(DeleteRequest.of(key("k1"))));
            await(s.put(PutRequest.of(bytes("late"), bytes("x"))));
        }
        await(store.compact(10, false));
        await(other.compact(10, true));
        HashResult logical = await(store.hashKV(0));
        HashResult physical = await(other.hashKV(0));
        assertEquals(15, logical.hashRevision());
        assertEquals(logical.hash(), physical.hash());
        assertEquals(logical.hash(), await(store.hashKV(15)).hash());
        await(store.defragment());
        assertEquals("defragmenting changes no version", logical.hash(), await(store.hashKV(15)).hash());
        assertEquals(await(store.hashKV(12)).hash(), await(other.hashKV(12)).hash());
    }

    @Test
    public void hashKvBelowTheCompactRevisionOrInTheFutureFails() {
        put("a", "1");
        put("a", "2");
        put("a", "3");
        compact(3);
        assertFails(StoreError.COMPACTED, () -> store.hashKV(2));
        assertFails(StoreError.FUTURE_REVISION, () -> store.hashKV(5));
    }

    @Test
    public void writesAndReadsDuringACompactionSucceed() {
        for (int i = 0; i < 300; i++) {
            put(PutRequest.of(bytes("k" + (i % 10)), bytes("v" + i)));
        }
        long at = rev();
        CompletableFuture<Long> compaction = store.compact(at, true);
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            work.add(store.put(PutRequest.of(bytes("during" + i), bytes("v"))));
            work.add(store.range(RangeRequest.of(key("k3"))));
        }
        await(compaction);
        for (CompletableFuture<?> f : work) {
            await(f);
        }
        assertEquals(60, range(KeyRange.all()).count());
        assertEquals("v293", text(get("k3").value()));
        assertEquals(at + 50, rev());
    }
}
