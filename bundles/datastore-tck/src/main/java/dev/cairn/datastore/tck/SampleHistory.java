package dev.cairn.datastore.tck;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.TxnRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The writes the release fixtures are made of: every kind of record a store keeps, so that a later release that
 * reads the fixture reads each of them. Overwritten keys (versions), single, range and txn deletes (tombstones),
 * a txn, binary keys and values, an empty value, a lease with keys, a revoked lease (its keys deleted in one
 * revision), a compaction early in the history (so reads below it must fail) and writes after it.
 *
 * <p>Leases get a TTL of an hour: long enough that none expires between writing a fixture and a test reading it
 * (a store gives every lease a fresh deadline when it opens).
 */
public final class SampleHistory {
    /** The TTL of the fixtures' leases, in seconds. */
    public static final long LEASE_TTL = 3600;
    /** In the second round of puts: the first versions of the registry keys are compacted, later ones kept. */
    static final long COMPACT_REVISION = 7;

    private final Datastore store;

    private SampleHistory(Datastore store) {
        this.store = store;
    }

    /**
     * Writes the history into an empty {@code store} (at revision 1); {@code midway} runs once the first half is
     * written, before the compaction (a Raft member takes its snapshot there, so that the second half lives only in
     * its log). Returns the revision it compacted at.
     */
    public static long write(Datastore store, Runnable midway) throws Exception {
        return new SampleHistory(store).write(midway);
    }

    private long write(Runnable midway) throws Exception {
        for (int round = 1; round <= 3; round++) {
            for (String name : List.of("alpha", "beta", "gamma", "delta")) {
                put("/registry/" + name, name + " v" + round);
            }
        }
        get(store.put(PutRequest.of(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}, new byte[] {(byte) 0x80, 0, 10})));
        put("/empty", "");
        get(store.delete(DeleteRequest.of(KeyRange.single(b("/registry/beta")))));
        put("/ranged/a", "a");
        put("/ranged/b", "b");
        put("/ranged/c", "c");
        get(store.delete(DeleteRequest.of(KeyRange.prefix(b("/ranged/")))));
        long kept = get(store.leaseGrant(0, LEASE_TTL)).id();
        get(store.put(PutRequest.of(b("/leased/one"), b("held by a lease"), kept)));
        get(store.put(PutRequest.of(b("/leased/two"), b("held too"), kept)));
        long revoked = get(store.leaseGrant(0, LEASE_TTL)).id();
        get(store.put(PutRequest.of(b("/revoked/one"), b("gone with its lease"), revoked)));
        midway.run();
        get(store.leaseRevoke(revoked));
        // a txn of a compare, a put and a delete in one revision
        get(store.txn(new TxnRequest(
                List.of(Compare.value(KeyRange.single(b("/registry/alpha")), Compare.Result.EQUAL, b("alpha v3"))),
                List.of(new Op.Put(PutRequest.of(b("/registry/alpha"), b("alpha v4 (txn)"))),
                        new Op.Delete(DeleteRequest.of(KeyRange.single(b("/registry/delta"))))),
                List.of())));
        long compactAt = COMPACT_REVISION;
        get(store.compact(compactAt, true));
        put("/registry/gamma", "gamma v4 (after the compaction)");
        put("/registry/beta", "beta again");
        put("/registry/epsilon", "epsilon");
        get(store.put(PutRequest.of(b("/leased/three"), b("a third key on the lease"), kept)));
        return compactAt;
    }

    private void put(String key, String value) throws Exception {
        get(store.put(PutRequest.of(b(key), b(value))));
    }

    private static byte[] b(String s) {
        return Bytes.utf8(s);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }
}
