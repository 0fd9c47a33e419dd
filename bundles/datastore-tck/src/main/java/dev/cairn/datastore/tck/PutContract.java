package dev.cairn.datastore.tck;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.StoreError;
import java.util.List;
import java.util.Random;
import org.junit.Test;

/** Puts: versions, previous values, ignore_value/ignore_lease, leases and refused puts. */
public abstract class PutContract extends DatastoreContract {

    private static PutRequest putWithPrevKv(String key, String value) {
        return new PutRequest(bytes(key), bytes(value), 0, true, false, false);
    }

    @Test
    public void aNewKeyStartsAtVersionOne() {
        PutResult r = put("a", "1");
        assertEquals(2, r.revision());
        assertNull(r.prevKv());
        assertKv("a", "1", 2, 2, 1, 0, get("a"));
    }

    @Test
    public void anUpdateKeepsTheCreateRevisionAndBumpsTheVersion() {
        put("a", "1");
        put("b", "1");
        put("a", "2");
        assertKv("a", "2", 2, 4, 2, 0, get("a"));
        put("a", "2");
        assertKv("a", "2", 2, 5, 3, 0, get("a"));
    }

    @Test
    public void prevKvReturnsTheKeyAsItWasBeforeThePut() {
        PutResult created = put(putWithPrevKv("a", "1"));
        assertNull("no previous key on a create", created.prevKv());
        PutResult updated = put(putWithPrevKv("a", "2"));
        assertKv("a", "1", 2, 2, 1, 0, updated.prevKv());
        assertEquals(3, updated.revision());
    }

    @Test
    public void withoutPrevKvNoPreviousKeyIsReturned() {
        put("a", "1");
        assertNull(put("a", "2").prevKv());
    }

    @Test
    public void ignoreValueKeepsTheValueAndTakesTheNewLease() {
        long first = grant(60);
        long second = grant(60);
        put("a", "kept", first);
        PutResult r = put(new PutRequest(bytes("a"), null, second, true, true, false));
        assertKv("a", "kept", 2, 2, 1, first, r.prevKv());
        assertKv("a", "kept", 2, 3, 2, second, get("a"));
    }

    @Test
    public void ignoreLeaseKeepsTheLeaseAndTakesTheNewValue() {
        long lease = grant(60);
        put("a", "1", lease);
        put(new PutRequest(bytes("a"), bytes("2"), 0, false, false, true));
        assertKv("a", "2", 2, 3, 2, lease, get("a"));
        List<byte[]> keys = timeToLive(lease).keys();
        assertEquals(1, keys.size());
        assertArrayEquals(bytes("a"), keys.get(0));
    }

    @Test
    public void ignoreValueOrIgnoreLeaseOnAMissingKeyIsKeyNotFound() {
        put("other", "1");
        assertFails(StoreError.KEY_NOT_FOUND,
                () -> store.put(new PutRequest(bytes("a"), null, 0, false, true, false)));
        assertFails(StoreError.KEY_NOT_FOUND,
                () -> store.put(new PutRequest(bytes("a"), bytes("1"), 0, false, false, true)));
        assertNull(get("a"));
        assertEquals(2, rev());
    }

    @Test
    public void ignoreValueOnADeletedKeyIsKeyNotFound() {
        put("a", "1");
        delete("a");
        assertFails(StoreError.KEY_NOT_FOUND,
                () -> store.put(new PutRequest(bytes("a"), null, 0, false, true, false)));
        assertEquals(3, rev());
    }

    @Test
    public void ignoreValueWithAValueIsValueProvided() {
        put("a", "1");
        assertFails(StoreError.VALUE_PROVIDED,
                () -> store.put(new PutRequest(bytes("a"), bytes("2"), 0, false, true, false)));
        assertEquals("1", text(get("a").value()));
    }

    @Test
    public void ignoreLeaseWithALeaseIsLeaseProvided() {
        long lease = grant(60);
        put("a", "1");
        assertFails(StoreError.LEASE_PROVIDED,
                () -> store.put(new PutRequest(bytes("a"), bytes("2"), lease, false, false, true)));
        assertEquals("1", text(get("a").value()));
    }

    @Test
    public void anUnknownLeaseIsLeaseNotFoundAndWritesNothing() {
        put("a", "1");
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.put(PutRequest.of(bytes("a"), bytes("2"), 987654321L)));
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.put(PutRequest.of(bytes("b"), bytes("2"), 987654321L)));
        assertKv("a", "1", 2, 2, 1, 0, get("a"));
        assertNull(get("b"));
        assertEquals(2, rev());
    }

    @Test
    public void aRevokedLeaseIsLeaseNotFound() {
        long lease = grant(60);
        await(store.leaseRevoke(lease));
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.put(PutRequest.of(bytes("a"), bytes("1"), lease)));
    }

    @Test
    public void aPutWithLeaseZeroDetachesTheKeyFromItsLease() {
        long lease = grant(60);
        put("a", "1", lease);
        put("a", "2");
        assertKv("a", "2", 2, 3, 2, 0, get("a"));
        assertTrue("the lease no longer lists the key", timeToLive(lease).keys().isEmpty());
        await(store.leaseRevoke(lease));
        assertNotNull("revoking the old lease must not delete a detached key", get("a"));
    }

    @Test
    public void aPutCanMoveAKeyToAnotherLease() {
        long first = grant(60);
        long second = grant(60);
        put("a", "1", first);
        put("a", "2", second);
        assertEquals(second, get("a").lease());
        assertTrue(timeToLive(first).keys().isEmpty());
        assertEquals(1, timeToLive(second).keys().size());
        await(store.leaseRevoke(first));
        assertNotNull(get("a"));
    }

    @Test
    public void anEmptyKeyIsRefused() {
        assertFails(StoreError.EMPTY_KEY, () -> store.put(PutRequest.of(new byte[0], bytes("1"))));
        assertEquals(1, rev());
    }

    @Test
    public void anEmptyValueIsAValue() {
        put("a", "");
        KeyValue kv = get("a");
        assertNotNull(kv);
        assertEquals(1, kv.version());
        assertArrayEquals(new byte[0], kv.value());
    }

    @Test
    public void binaryAndLargeValuesComeBackByteForByte() {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        byte[] large = new byte[512 * 1024];
        new Random(42).nextBytes(large);
        put(PutRequest.of(bytes("every"), every));
        put(PutRequest.of(bytes("large"), large));
        assertArrayEquals(every, get("every").value());
        assertArrayEquals(large, get("large").value());
    }
}
