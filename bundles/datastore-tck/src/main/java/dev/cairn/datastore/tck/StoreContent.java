package dev.cairn.datastore.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What a store holds, as text with one line per fact: its revision, whether reads below the compact revision are
 * refused, every lease with its granted TTL and keys, and every key-value (value, create and mod revision, version,
 * lease) at every revision from the compact revision to the current one, i.e. the whole readable history.
 *
 * <p>A release fixture carries the text its writer saw; a later release opens the fixture and must see the same
 * text. Keys and values are printed as text with {@code %XX} for any byte that is not printable ASCII, and for
 * {@code %}, space and {@code =}, so binary data compares exactly and the file still reads well in a diff.
 */
public final class StoreContent {
    private StoreContent() {
    }

    /** The content of {@code store}, which was compacted at {@code compactRevision} (0: never). */
    public static String of(Datastore store, long compactRevision) throws Exception {
        StringBuilder out = new StringBuilder();
        // a linearizable read's revision, not currentRevision(): a replica may still be applying its log
        long revision = get(store.range(RangeRequest.builder(KeyRange.all()).countOnly(true).build())).revision();
        out.append("revision ").append(revision).append('\n');
        if (compactRevision > 1) {
            out.append("compacted ").append(compactRevision).append(": reads below it ")
                    .append(refusedAsCompacted(store, compactRevision - 1) ? "are refused" : "still answer")
                    .append('\n');
        }
        List<Long> ids = new ArrayList<>(get(store.leases()));
        ids.sort(null);
        for (long id : ids) {
            Lease lease = get(store.leaseTimeToLive(id, true));
            List<String> keys = new ArrayList<>();
            lease.keys().forEach(k -> keys.add(escape(k)));
            keys.sort(null);
            out.append("lease ").append(id).append(" granted-ttl ").append(lease.grantedTtl()).append(" keys")
                    .append(keys.isEmpty() ? "" : " " + String.join(" ", keys)).append('\n');
        }
        for (long at = Math.max(1, compactRevision); at <= revision; at++) {
            for (KeyValue kv : get(store.range(RangeRequest.builder(KeyRange.all()).revision(at).build())).kvs()) {
                out.append("at ").append(at).append(' ').append(escape(kv.key())).append(" = ")
                        .append(escape(kv.value())).append(" create=").append(kv.createRevision()).append(" mod=")
                        .append(kv.modRevision()).append(" version=").append(kv.version()).append(" lease=")
                        .append(kv.lease()).append('\n');
            }
        }
        return out.toString();
    }

    private static boolean refusedAsCompacted(Datastore store, long revision) throws Exception {
        try {
            get(store.range(RangeRequest.builder(KeyRange.all()).revision(revision).build()));
            return false;
        } catch (ExecutionException e) {
            if (DatastoreException.of(e.getCause()).error() == StoreError.COMPACTED) {
                return true;
            }
            throw e;
        }
    }

    private static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '%' && c != '=') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }
}
