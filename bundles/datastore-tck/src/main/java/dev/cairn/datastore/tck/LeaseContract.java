package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.StoreError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/** Leases: grant, time-to-live, keep-alive, revoke and expiry. */
public abstract class LeaseContract extends DatastoreContract {

    private static List<String> sortedKeys(Lease lease) {
        List<String> keys = new ArrayList<>();
        for (byte[] k : lease.keys()) {
            keys.add(text(k));
        }
        keys.sort(null);
        return keys;
    }

    @Test
    public void grantingWithIdZeroPicksAFreshPositiveId() {
        Lease first = await(store.leaseGrant(0, 60));
        Lease second = await(store.leaseGrant(0, 60));
        assertTrue("a picked lease id is positive: " + first.id(), first.id() > 0);
        assertTrue(second.id() > 0);
        assertNotEquals(first.id(), second.id());
        assertEquals(60, first.ttl());
    }

    @Test
    public void grantingWithAnIdUsesThatId() {
        Lease l = await(store.leaseGrant(7777, 30));
        assertEquals(7777, l.id());
        assertEquals(30, l.ttl());
        assertEquals(30, timeToLive(7777).grantedTtl());
    }

    @Test
    public void grantingAnExistingIdIsLeaseExists() {
        await(store.leaseGrant(42, 60));
        assertFails(StoreError.LEASE_EXISTS, () -> store.leaseGrant(42, 60));
        assertEquals(60, timeToLive(42).grantedTtl());
    }

    @Test
    public void aTtlAboveTheMaximumIsTooLarge() {
        assertFails(StoreError.LEASE_TTL_TOO_LARGE, () -> store.leaseGrant(1, Lease.MAX_TTL + 1));
        assertEquals(List.of(), await(store.leases()));
        assertEquals(Lease.MAX_TTL, await(store.leaseGrant(2, Lease.MAX_TTL)).ttl());
    }

    @Test
    public void aTtlBelowTheMinimumIsRaisedToIt() {
        Lease l = await(store.leaseGrant(0, 1));
        assertEquals(Lease.MIN_TTL, l.ttl());
        assertEquals(Lease.MIN_TTL, timeToLive(l.id()).grantedTtl());
    }

    @Test
    public void timeToLiveReportsTheRemainingAndGrantedTtlAndTheKeys() {
        long lease = grant(60);
        put("a", "1", lease);
        put("b", "1", lease);
        put("c", "1");
        Lease l = timeToLive(lease);
        assertEquals(lease, l.id());
        assertEquals(60, l.grantedTtl());
        assertTrue("remaining TTL " + l.ttl() + " is within the granted 60 s", l.ttl() > 50 && l.ttl() <= 60);
        assertEquals(List.of("a", "b"), sortedKeys(l));
        Lease withoutKeys = await(store.leaseTimeToLive(lease, false));
        assertTrue(withoutKeys.keys().isEmpty());
        assertEquals(60, withoutKeys.grantedTtl());
    }

    @Test
    public void timeToLiveOfAnUnknownLeaseIsMinusOne() {
        Lease l = timeToLive(123456);
        assertEquals(123456, l.id());
        assertEquals(-1, l.ttl());
        assertTrue(l.keys().isEmpty());
    }

    @Test
    public void keepAliveReturnsTheGrantedTtl() {
        long lease = grant(45);
        assertEquals(45, (long) await(store.leaseKeepAlive(lease)));
        Lease l = timeToLive(lease);
        assertTrue(l.ttl() > 40 && l.ttl() <= 45);
    }

    @Test
    public void keepAliveOfAnUnknownLeaseReturnsZero() {
        assertEquals(0, (long) await(store.leaseKeepAlive(98765)));
        long lease = grant(60);
        await(store.leaseRevoke(lease));
        assertEquals(0, (long) await(store.leaseKeepAlive(lease)));
    }

    @Test
    public void revokingALeaseDeletesItsKeysInOneRevision() {
        long lease = grant(60);
        long other = grant(60);
        put("a", "1", lease);   // 2
        put("b", "1", lease);   // 3
        put("c", "1", other);   // 4
        put("d", "1");          // 5
        RecordingWatchListener events = watch(KeyRange.all());
        long revoked = await(store.leaseRevoke(lease));
        assertEquals(6, revoked);
        assertEquals(6, rev());
        assertNull(get("a"));
        assertNull(get("b"));
        assertNotNull("keys of other leases stay", get("c"));
        assertNotNull("keys without a lease stay", get("d"));
        List<Event> got = events.awaitRevision(6);
        assertEquals(2, got.size());
        assertEquals(List.of("a", "b"), got.stream().map(e -> text(e.kv().key())).sorted().toList());
        assertTrue(got.stream().allMatch(e -> e.type() == Event.Type.DELETE && e.kv().modRevision() == 6));
        assertEquals(1, events.batches().size());
        assertEquals(-1, timeToLive(lease).ttl());
        assertEquals(List.of(other), await(store.leases()));
    }

    @Test
    public void revokingAnUnknownLeaseIsLeaseNotFound() {
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.leaseRevoke(5555));
        long lease = grant(60);
        await(store.leaseRevoke(lease));
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.leaseRevoke(lease));
    }

    @Test
    public void leasesListsEveryLiveLease() {
        assertEquals(List.of(), await(store.leases()));
        long a = grant(60);
        long b = await(store.leaseGrant(99, 60)).id();
        long c = grant(60);
        await(store.leaseRevoke(c));
        List<Long> ids = new ArrayList<>(await(store.leases()));
        ids.sort(null);
        List<Long> expected = new ArrayList<>(List.of(a, b));
        expected.sort(null);
        assertEquals(expected, ids);
    }

    @Test
    public void aKeyShowsTheLeaseItIsAttachedTo() {
        long lease = grant(60);
        put("a", "1", lease);
        assertKv("a", "1", 2, 2, 1, lease, get("a"));
    }

    /** Waits for a real expiry: about {@link Lease#MIN_TTL} seconds. */
    @Test
    public void anExpiredLeaseDeletesItsKeysInOneRevision() {
        long lease = await(store.leaseGrant(0, Lease.MIN_TTL)).id();
        put("a", "1", lease);
        put("b", "1", lease);
        put("kept", "1");
        RecordingWatchListener events = watch(KeyRange.all());
        List<Event> got = events.awaitEvents(2);
        assertEquals(2, got.size());
        assertEquals(got.get(0).kv().modRevision(), got.get(1).kv().modRevision());
        assertTrue(got.stream().allMatch(e -> e.type() == Event.Type.DELETE));
        assertEquals(List.of("a", "b"), got.stream().map(e -> text(e.kv().key())).sorted().toList());
        assertEquals(5, rev());
        assertNull(get("a"));
        assertNotNull(get("kept"));
        assertEquals(-1, timeToLive(lease).ttl());
        assertEquals(0, (long) await(store.leaseKeepAlive(lease)));
        assertFalse(await(store.leases()).contains(lease));
        assertFails(StoreError.LEASE_NOT_FOUND, () -> store.put(PutRequest.of(bytes("c"), bytes("1"), lease)));
    }

    /** Keeps a {@link Lease#MIN_TTL}-second lease alive for 1.5 times its TTL: about three seconds. */
    @Test
    public void keepAliveKeepsALeasePastItsTtl() {
        long lease = await(store.leaseGrant(0, Lease.MIN_TTL)).id();
        put("a", "1", lease);
        long until = System.nanoTime() + Lease.MIN_TTL * 1_500_000_000L;
        while (System.nanoTime() < until) {
            assertEquals(Lease.MIN_TTL, (long) await(store.leaseKeepAlive(lease)));
            long next = System.nanoTime() + 300_000_000L;
            waitUntil("the next keep-alive is due", () -> System.nanoTime() >= next);
        }
        assertNotNull("the key of a kept-alive lease survives past the TTL", get("a"));
        assertTrue(timeToLive(lease).ttl() >= 0);
        await(store.leaseRevoke(lease));
    }

    @Test
    public void aPutRacingARevokeNeverLeavesAKeyOnARevokedLease() {
        for (int i = 0; i < 20; i++) {
            long lease = grant(60);
            byte[] k = bytes("race" + i);
            CompletableFuture<PutResult> put = store.put(PutRequest.of(k, bytes("v"), lease));
            CompletableFuture<Long> revoke = store.leaseRevoke(lease);
            await(revoke);
            try {
                await(put);
            } catch (DatastoreException e) {
                assertEquals(StoreError.LEASE_NOT_FOUND, e.error());
            }
            KeyValue kv = get(k, 0);
            assertNull("round " + i + ": a key survived the revoke of its lease: " + kv, kv);
        }
    }
}
