package dev.cairn.datastore.tck;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest.SortOrder;
import dev.cairn.datastore.api.RangeRequest.SortTarget;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Reads: key ranges, binary keys, limits, counts, sorting, filters and reads of the past. */
public abstract class RangeContract extends DatastoreContract {

    private void putAll(String... keys) {
        for (String k : keys) {
            put(k, "v-" + k);
        }
    }

    private List<String> keysOf(KeyRange range) {
        List<String> keys = new ArrayList<>();
        for (KeyValue kv : range(range).kvs()) {
            keys.add(text(kv.key()));
        }
        return keys;
    }

    @Test
    public void aSingleKeyReadReturnsOnlyThatKey() {
        putAll("a", "ab", "b");
        RangeResult r = range(key("a"));
        assertEquals(1, r.kvs().size());
        assertKv("a", "v-a", 2, 2, 1, 0, r.kvs().get(0));
        assertEquals(1, r.count());
        assertFalse(r.more());
        assertEquals(4, r.revision());
    }

    @Test
    public void aMissingKeyReadsAsNothing() {
        putAll("a");
        RangeResult r = range(key("nope"));
        assertTrue(r.kvs().isEmpty());
        assertEquals(0, r.count());
        assertFalse(r.more());
        assertEquals(2, r.revision());
    }

    @Test
    public void aPrefixReadReturnsTheKeysUnderThePrefixInKeyOrder() {
        putAll("a/2", "b", "a", "a/1", "a0", "a/1/x");
        assertEquals(List.of("a/1", "a/1/x", "a/2"), keysOf(prefix("a/")));
    }

    @Test
    public void aHalfOpenIntervalExcludesItsEnd() {
        putAll("a", "b", "bb", "c", "d");
        assertEquals(List.of("b", "bb", "c"), keysOf(interval("b", "d")));
    }

    @Test
    public void aFromKeyReadReturnsEveryKeyFromThereOn() {
        putAll("a", "b", "c");
        put(new PutRequest(bytes(0x7a, 0xff), bytes("x"), 0, false, false, false));
        List<KeyValue> kvs = range(fromKey("b")).kvs();
        assertEquals(3, kvs.size());
        assertEquals("b", text(kvs.get(0).key()));
        assertEquals("c", text(kvs.get(1).key()));
        assertArrayEquals(bytes(0x7a, 0xff), kvs.get(2).key());
    }

    @Test
    public void theZeroByteRangeFromTheZeroByteReadsEveryKey() {
        put(new PutRequest(bytes(0), bytes("nul"), 0, false, false, false));
        putAll("a", "z");
        put(new PutRequest(bytes(0xff, 0xff), bytes("top"), 0, false, false, false));
        RangeResult r = range(new KeyRange(bytes(0), bytes(0)));
        assertEquals(4, r.count());
        assertArrayEquals(bytes(0), r.kvs().get(0).key());
        assertArrayEquals(bytes(0xff, 0xff), r.kvs().get(3).key());
    }

    @Test
    public void anIntervalWhoseEndIsNotAfterItsKeyIsEmpty() {
        putAll("a", "b", "c");
        for (KeyRange empty : List.of(interval("c", "a"), interval("b", "b"))) {
            RangeResult r = range(empty);
            assertTrue("no keys in " + empty, r.kvs().isEmpty());
            assertEquals(0, r.count());
            assertFalse(r.more());
        }
    }

    @Test
    public void binaryKeysSortAsUnsignedBytes() {
        List<byte[]> keys = List.of(bytes(0xff), bytes(0x80), bytes(0x00, 0x00), bytes(0x7f), bytes(0x00),
                bytes(0x61, 0x00, 0x62), bytes(0x61), bytes(0xff, 0x00), bytes(0x01), bytes(0x61, 0xff));
        for (byte[] k : keys) {
            put(new PutRequest(k, k, 0, false, false, false));
        }
        List<byte[]> expected = new ArrayList<>(keys);
        expected.sort(Bytes::compare);
        List<KeyValue> kvs = range(KeyRange.all()).kvs();
        assertEquals(expected.size(), kvs.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals("key #" + i, expected.get(i), kvs.get(i).key());
            assertArrayEquals("value of key #" + i, expected.get(i), kvs.get(i).value());
        }
        for (byte[] k : keys) {
            KeyValue kv = get(k, 0);
            assertArrayEquals("single read of " + Bytes.show(k), k, kv == null ? null : kv.key());
        }
        assertEquals(2, range(KeyRange.prefix(bytes(0x00))).count());
        assertEquals(2, range(new KeyRange(bytes(0x7f), bytes(0xff))).count());
    }

    @Test
    public void aPrefixEndingInFfBytesReachesTheNextPrefixOrTheEnd() {
        put(new PutRequest(bytes(0x61, 0xff), bytes("1"), 0, false, false, false));
        put(new PutRequest(bytes(0x61, 0xff, 0x01), bytes("2"), 0, false, false, false));
        put(new PutRequest(bytes(0x62), bytes("3"), 0, false, false, false));
        put(new PutRequest(bytes(0xff), bytes("4"), 0, false, false, false));
        put(new PutRequest(bytes(0xff, 0xff, 0x00), bytes("5"), 0, false, false, false));
        assertEquals(2, range(KeyRange.prefix(bytes(0x61, 0xff))).count());
        assertEquals(2, range(KeyRange.prefix(bytes(0xff))).count());
        assertEquals(1, range(KeyRange.prefix(bytes(0xff, 0xff))).count());
    }

    @Test
    public void aLimitReturnsTheFirstKeysAndSaysThereAreMore() {
        putAll("a", "b", "c", "d", "e");
        RangeResult limited = range(RangeRequest.builder(KeyRange.all()).limit(2).build());
        assertKeys(List.of("a", "b"), limited.kvs());
        assertTrue(limited.more());
        assertEquals(5, limited.count());

        RangeResult exact = range(RangeRequest.builder(KeyRange.all()).limit(5).build());
        assertEquals(5, exact.kvs().size());
        assertFalse("a limit equal to the number of keys leaves nothing more", exact.more());

        RangeResult loose = range(RangeRequest.builder(KeyRange.all()).limit(10).build());
        assertEquals(5, loose.kvs().size());
        assertFalse(loose.more());
    }

    @Test
    public void aLimitFromAContinueKeyPagesThroughARange() {
        putAll("p/1", "p/2", "p/3", "p/4", "p/5", "q");
        List<String> seen = new ArrayList<>();
        byte[] from = bytes("p/");
        byte[] end = Bytes.prefixEnd(bytes("p/"));
        long remaining = -1;
        for (int page = 0; page < 10; page++) {
            RangeResult r = range(RangeRequest.builder(new KeyRange(from, end)).limit(2).build());
            for (KeyValue kv : r.kvs()) {
                seen.add(text(kv.key()));
            }
            remaining = r.count() - r.kvs().size();
            if (!r.more()) {
                break;
            }
            byte[] last = r.kvs().get(r.kvs().size() - 1).key();
            from = java.util.Arrays.copyOf(last, last.length + 1);
        }
        assertEquals(List.of("p/1", "p/2", "p/3", "p/4", "p/5"), seen);
        assertEquals(0, remaining);
    }

    @Test
    public void theCountIgnoresTheLimitAndTheFilters() {
        putAll("a", "b", "c", "d");
        RangeRequest request = RangeRequest.builder(KeyRange.all()).limit(1).modRevisions(4, 0).build();
        RangeResult r = range(request);
        assertEquals(4, r.count());
        assertKeys(List.of("c"), r.kvs());
        assertTrue("two keys pass the filter, one was returned", r.more());
    }

    /** Keys whose versions, create and mod revisions and values are all distinct and ordered unlike the keys. */
    private void putSortFixture() {
        put("k3", "b");
        put("k1", "d");
        put("k4", "a");
        put("k2", "c");
        put("k1", "d");
        put("k3", "b");
        put("k3", "b");
        put("k4", "a");
        put("k4", "a");
        put("k4", "a");
    }

    private static final Map<SortTarget, Comparator<KeyValue>> ORDER = Map.of(
            SortTarget.KEY, (x, y) -> Bytes.compare(x.key(), y.key()),
            SortTarget.VERSION, Comparator.comparingLong(KeyValue::version),
            SortTarget.CREATE, Comparator.comparingLong(KeyValue::createRevision),
            SortTarget.MOD, Comparator.comparingLong(KeyValue::modRevision),
            SortTarget.VALUE, (x, y) -> Bytes.compare(x.value(), y.value()));

    private List<String> sortedKeys(SortTarget target, SortOrder order) {
        return keys(range(RangeRequest.builder(KeyRange.all()).sort(target, order).build()).kvs());
    }

    private static List<String> keys(List<KeyValue> kvs) {
        List<String> keys = new ArrayList<>();
        for (KeyValue kv : kvs) {
            keys.add(text(kv.key()));
        }
        return keys;
    }

    @Test
    public void everySortTargetSortsInBothOrders() {
        putSortFixture();
        List<KeyValue> all = range(KeyRange.all()).kvs();
        for (SortTarget target : SortTarget.values()) {
            List<KeyValue> ascending = new ArrayList<>(all);
            ascending.sort(ORDER.get(target));
            List<KeyValue> descending = new ArrayList<>(all);
            descending.sort(ORDER.get(target).reversed());
            assertEquals("sort by " + target + " ascending", keys(ascending),
                    sortedKeys(target, SortOrder.ASCEND));
            assertEquals("sort by " + target + " descending", keys(descending),
                    sortedKeys(target, SortOrder.DESCEND));
        }
    }

    @Test
    public void sortingByATargetOtherThanTheKeyWithoutAnOrderSortsAscending() {
        putSortFixture();
        assertEquals(List.of("k4", "k3", "k2", "k1"), sortedKeys(SortTarget.VALUE, SortOrder.NONE));
        assertEquals(List.of("k3", "k1", "k4", "k2"), sortedKeys(SortTarget.CREATE, SortOrder.NONE));
        assertEquals(List.of("k1", "k2", "k3", "k4"), sortedKeys(SortTarget.KEY, SortOrder.NONE));
    }

    @Test
    public void theLimitAppliesAfterSorting() {
        putSortFixture();
        RangeResult lastCreated = range(RangeRequest.builder(KeyRange.all()).limit(1)
                .sort(SortTarget.CREATE, SortOrder.DESCEND).build());
        assertKeys(List.of("k2"), lastCreated.kvs());
        assertTrue(lastCreated.more());
        assertEquals(4, lastCreated.count());

        RangeResult lastKeys = range(RangeRequest.builder(KeyRange.all()).limit(2)
                .sort(SortTarget.KEY, SortOrder.DESCEND).build());
        assertKeys(List.of("k4", "k3"), lastKeys.kvs());

        RangeResult mostVersions = range(RangeRequest.builder(KeyRange.all()).limit(2)
                .sort(SortTarget.VERSION, SortOrder.DESCEND).build());
        assertKeys(List.of("k4", "k3"), mostVersions.kvs());
    }

    @Test
    public void aKeysOnlyReadOmitsValuesButKeepsEveryOtherField() {
        put("a", "1");
        put("a", "2");
        KeyValue kv = range(RangeRequest.builder(key("a")).keysOnly(true).build()).kvs().get(0);
        assertArrayEquals(bytes("a"), kv.key());
        assertTrue("keys-only read returned a value: " + kv, isEmptyValue(kv.value()));
        assertEquals(2, kv.version());
        assertEquals(2, kv.createRevision());
        assertEquals(3, kv.modRevision());
    }

    @Test
    public void aCountOnlyReadReturnsTheCountAndNoKeys() {
        putAll("a", "b", "c");
        RangeResult r = range(RangeRequest.builder(KeyRange.all()).countOnly(true).build());
        assertEquals(3, r.count());
        assertTrue(r.kvs().isEmpty());
        RangeResult limited = range(RangeRequest.builder(KeyRange.all()).countOnly(true).limit(1).build());
        assertEquals(3, limited.count());
        assertTrue(limited.kvs().isEmpty());
    }

    @Test
    public void modAndCreateRevisionFiltersAreInclusivePostFilters() {
        put("a", "1");  // 2
        put("b", "1");  // 3
        put("c", "1");  // 4
        put("a", "2");  // 5 (a: create 2, mod 5)
        put("d", "1");  // 6
        assertEquals(List.of("a", "c", "d"),
                keys(range(RangeRequest.builder(KeyRange.all()).modRevisions(4, 0).build()).kvs()));
        assertEquals(List.of("b", "c"),
                keys(range(RangeRequest.builder(KeyRange.all()).modRevisions(0, 4).build()).kvs()));
        assertEquals(List.of("b", "c", "d"),
                keys(range(RangeRequest.builder(KeyRange.all()).createRevisions(3, 0).build()).kvs()));
        assertEquals(List.of("a", "b"),
                keys(range(RangeRequest.builder(KeyRange.all()).createRevisions(0, 3).build()).kvs()));
        RangeResult both = range(RangeRequest.builder(KeyRange.all()).modRevisions(3, 5).createRevisions(2, 3)
                .build());
        assertEquals(List.of("a", "b"), keys(both.kvs()));
        assertEquals("filters never change the count", 4, both.count());
    }

    @Test
    public void aReadAtAPastRevisionSeesTheKeysAsTheyWereThen() {
        put("a", "1");   // 2
        put("a", "2");   // 3
        put("b", "1");   // 4
        delete("a");     // 5
        put("a", "3");   // 6
        assertKv("a", "1", 2, 2, 1, 0, get("a", 2));
        assertKv("a", "2", 2, 3, 2, 0, get("a", 3));
        assertNull("a was deleted at 5", get("a", 5));
        assertKv("a", "3", 6, 6, 1, 0, get("a", 6));
        assertKeys(List.of("a", "b"), range(RangeRequest.builder(KeyRange.all()).revision(4).build()).kvs());
        RangeResult atFive = range(RangeRequest.builder(KeyRange.all()).revision(5).build());
        assertKeys(List.of("b"), atFive.kvs());
        assertEquals(1, atFive.count());
        assertEquals(0, range(RangeRequest.builder(KeyRange.all()).revision(1).build()).count());
    }

    @Test
    public void aHistoricalReadReportsTheCurrentRevision() {
        put("a", "1");
        put("a", "2");
        put("a", "3");
        RangeResult r = range(RangeRequest.builder(key("a")).revision(2).build());
        assertEquals("1", text(r.kvs().get(0).value()));
        assertEquals(4, r.revision());
    }

    @Test
    public void aRevisionOfZeroOrLessReadsTheLatest() {
        put("a", "1");
        put("a", "2");
        assertEquals("2", text(range(RangeRequest.builder(key("a")).revision(0).build()).kvs().get(0).value()));
        assertEquals("2", text(range(RangeRequest.builder(key("a")).revision(-1).build()).kvs().get(0).value()));
    }

    @Test
    public void readingAFutureRevisionFails() {
        put("a", "1");
        assertFails(StoreError.FUTURE_REVISION,
                () -> store.range(RangeRequest.builder(key("a")).revision(3).build()));
        assertFails(StoreError.FUTURE_REVISION,
                () -> store.range(RangeRequest.builder(KeyRange.all()).revision(100).countOnly(true).build()));
    }

    @Test
    public void readingBelowTheCompactRevisionFailsButAtItSucceeds() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("a", "3");  // 4
        compact(3);
        assertFails(StoreError.COMPACTED, () -> store.range(RangeRequest.builder(key("a")).revision(2).build()));
        assertFails(StoreError.COMPACTED, () -> store.range(RangeRequest.builder(KeyRange.all()).revision(1)
                .countOnly(true).build()));
        assertKv("a", "2", 2, 3, 2, 0, get("a", 3));
        assertKv("a", "3", 2, 4, 3, 0, get("a", 4));
    }

    @Test
    public void anEmptyKeyIsRefused() {
        assertFails(StoreError.EMPTY_KEY, () -> store.range(RangeRequest.of(KeyRange.single(new byte[0]))));
    }

    @Test
    public void aSerializableReadSeesWhatThisStoreAcknowledged() {
        put("a", "1");
        RangeResult r = range(RangeRequest.builder(key("a")).serializable(true).build());
        assertEquals("1", text(r.kvs().get(0).value()));
    }

    @Test
    public void sortLimitAndCountApplyToReadsOfThePast() {
        put("c", "1");  // 2
        put("a", "1");  // 3
        put("b", "1");  // 4
        delete("c");    // 5
        put("d", "1");  // 6
        RangeResult r = range(RangeRequest.builder(KeyRange.all()).revision(4).limit(2)
                .sort(SortTarget.CREATE, SortOrder.DESCEND).build());
        assertKeys(List.of("b", "a"), r.kvs());
        assertEquals(3, r.count());
        assertTrue(r.more());
        assertEquals(6, r.revision());
        RangeResult keysOnly = range(RangeRequest.builder(KeyRange.all()).revision(5).keysOnly(true).build());
        assertKeys(List.of("a", "b"), keysOnly.kvs());
        assertEquals(2, range(RangeRequest.builder(KeyRange.all()).revision(5).countOnly(true).build()).count());
    }

    @Test
    public void aLimitCountsLiveKeysNotDeletedKeysOrOldVersions() {
        for (String k : List.of("a", "b", "c", "d", "e", "f")) {
            put(k, "1");
        }
        for (int i = 0; i < 5; i++) {
            put("a", "again" + i);
        }
        delete(interval("b", "e"));
        long at = rev();
        RangeResult r = range(RangeRequest.builder(KeyRange.all()).limit(2).build());
        assertKeys(List.of("a", "e"), r.kvs());
        assertTrue(r.more());
        assertEquals(3, r.count());
        put("g", "1");
        RangeResult past = range(RangeRequest.builder(KeyRange.all()).revision(at).limit(2).build());
        assertKeys(List.of("a", "e"), past.kvs());
        assertTrue(past.more());
        assertEquals(3, past.count());
        RangeResult before = range(RangeRequest.builder(KeyRange.all()).revision(8).limit(3).build());
        assertKeys(List.of("a", "b", "c"), before.kvs());
        assertEquals(6, before.count());
    }
}
