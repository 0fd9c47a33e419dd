package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import java.util.List;
import org.junit.Test;

/** Deletes: ranges, previous values, one revision per delete, recreating deleted keys. */
public abstract class DeleteContract extends DatastoreContract {

    @Test
    public void aRangeDeleteRemovesEveryKeyInTheRangeAndCountsThem() {
        put("a/1", "1");
        put("a/2", "2");
        put("a/3", "3");
        put("b", "1");
        DeleteResult r = delete(prefix("a/"));
        assertEquals(3, r.deleted());
        assertEquals(6, r.revision());
        assertEquals(0, range(prefix("a/")).count());
        assertNotNull("keys outside the range stay", get("b"));
    }

    @Test
    public void prevKvReturnsTheDeletedKeysAsTheyWereInKeyOrder() {
        put("a/2", "x");
        put("a/1", "y");
        put("a/2", "z");
        DeleteResult r = await(store.delete(new DeleteRequest(prefix("a/"), true)));
        assertEquals(2, r.prevKvs().size());
        assertKv("a/1", "y", 3, 3, 1, 0, r.prevKvs().get(0));
        assertKv("a/2", "z", 2, 4, 2, 0, r.prevKvs().get(1));
    }

    @Test
    public void withoutPrevKvNoKeysAreReturned() {
        put("a", "1");
        DeleteResult r = delete("a");
        assertEquals(1, r.deleted());
        assertTrue(r.prevKvs().isEmpty());
    }

    @Test
    public void deletingManyKeysTakesOneRevisionAndOneEventPerKey() {
        for (int i = 0; i < 5; i++) {
            put("k" + i, "v");
        }
        RecordingWatchListener events = watch(KeyRange.all());
        DeleteResult r = delete(KeyRange.all());
        assertEquals(5, r.deleted());
        assertEquals(7, r.revision());
        assertEquals(7, rev());
        List<Event> got = events.awaitEvents(5);
        assertEquals(5, got.size());
        assertEquals("one call for the whole delete", 1, events.batches().size());
        for (int i = 0; i < 5; i++) {
            Event e = got.get(i);
            assertEquals(Event.Type.DELETE, e.type());
            assertEquals("k" + i, text(e.kv().key()));
            assertEquals(7, e.kv().modRevision());
        }
    }

    @Test
    public void deletingAMissingKeyChangesNothing() {
        put("a", "1");
        DeleteResult r = await(store.delete(new DeleteRequest(key("b"), true)));
        assertEquals(0, r.deleted());
        assertTrue(r.prevKvs().isEmpty());
        assertEquals(2, r.revision());
        assertEquals(0, delete(interval("x", "z")).deleted());
        assertEquals(0, delete(interval("b", "a")).deleted());
        assertEquals(2, rev());
    }

    @Test
    public void deletingAnAlreadyDeletedKeyChangesNothing() {
        put("a", "1");
        assertEquals(1, delete("a").deleted());
        DeleteResult again = delete("a");
        assertEquals(0, again.deleted());
        assertEquals(3, again.revision());
    }

    @Test
    public void aRecreatedKeyStartsOverWithANewCreateRevisionAndVersionOne() {
        put("a", "1");
        put("a", "2");
        delete("a");
        assertNull(get("a"));
        put("a", "3");
        assertKv("a", "3", 5, 5, 1, 0, get("a"));
    }

    @Test
    public void deletingEveryKeyLeavesAnEmptyStore() {
        put("a", "1");
        put("b", "1");
        assertEquals(2, delete(KeyRange.all()).deleted());
        assertEquals(0, range(KeyRange.all()).count());
    }

    @Test
    public void deletingALeasedKeyDetachesItFromTheLease() {
        long lease = grant(60);
        put("a", "1", lease);
        put("b", "1", lease);
        delete("a");
        List<byte[]> keys = timeToLive(lease).keys();
        assertEquals(1, keys.size());
        assertEquals("b", text(keys.get(0)));
        put("a", "2");
        await(store.leaseRevoke(lease));
        assertNotNull("a key recreated without the lease survives its revoke", get("a"));
    }

    @Test
    public void anEmptyKeyIsRefused() {
        assertFails(StoreError.EMPTY_KEY, () -> store.delete(DeleteRequest.of(KeyRange.single(new byte[0]))));
    }

    @Test
    public void aLargeRangeDeleteIsOneRevisionWithOneEventPerKeyInOneCall() {
        for (int t = 0; t < 10; t++) {
            txn(new TxnRequest(List.of(), puts("big/" + t + "/", 100), List.of()));
        }
        RecordingWatchListener events = watch(prefix("big/"));
        DeleteResult r = delete(prefix("big/"));
        assertEquals(1000, r.deleted());
        assertEquals(12, r.revision());
        List<Event> got = events.awaitEvents(1000);
        assertEquals(1000, got.size());
        assertEquals(1, events.batches().size());
        assertEquals(0, range(prefix("big/")).count());
    }
}
