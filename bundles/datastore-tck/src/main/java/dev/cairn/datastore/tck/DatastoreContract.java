package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;

/**
 * The base of every contract class: opens a fresh store before each test and closes it (and anything else the test
 * opened) afterwards, and offers the short calls the tests are written in.
 *
 * <p>A backend author implements {@link #newStore()} and, when the backend keeps its data across a close,
 * {@link #reopen(Datastore)}.
 */
public abstract class DatastoreContract {

    /** Upper bound for one call or one awaited condition; generous because shared CI machines are slow. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The store under test, opened before each test. */
    protected Datastore store;

    private final Deque<Datastore> openStores = new ArrayDeque<>();
    private final List<Watch> openWatches = new ArrayList<>();

    /** A fresh, empty store; called once before each test, and again by tests that need a second store. */
    protected abstract Datastore newStore() throws Exception;

    /**
     * Opens the data of {@code closed} (already closed) again, for the durability tests. Backends that keep nothing
     * across a close leave this as it is: those tests are then skipped.
     */
    protected Datastore reopen(Datastore closed) throws Exception {
        Assume.assumeTrue("this backend does not reopen a closed store; durability tests skipped", false);
        throw new IllegalStateException("unreachable");
    }

    /**
     * Closes a store the test left open, once the test is over (after its watches). The default closes it here and
     * now. A backend whose close is slow, and whose every store has its own data directory and ports, may hand the
     * store to a {@link BackgroundCleanup} instead, together with deleting its data, so that the next test runs
     * while it closes.
     */
    protected void closeAfterTest(Datastore s) throws Exception {
        s.close();
    }

    @Before
    public final void openStore() throws Exception {
        BackgroundCleanup.checkFinished();
        store = openAnotherStore();
    }

    @After
    public final void closeEverything() throws Exception {
        try {
            for (Watch w : openWatches) {
                w.close();
            }
        } finally {
            openWatches.clear();
            while (!openStores.isEmpty()) {
                closeAfterTest(openStores.pop());
            }
        }
    }

    /** Every background cleanup of this class's tests has finished, and none failed. */
    @AfterClass
    public static void awaitBackgroundCleanup() {
        BackgroundCleanup.awaitAll();
    }

    /** A second fresh store (for comparing two stores with the same history); closed after the test. */
    protected final Datastore openAnotherStore() throws Exception {
        Datastore s = newStore();
        assertNotNull("newStore() returned null", s);
        openStores.push(s);
        return s;
    }

    /** Closes {@link #store} and opens its data again through {@link #reopen(Datastore)}. */
    protected final Datastore restart() throws Exception {
        Datastore old = store;
        closeStore(old);
        store = openAgain(old);
        return store;
    }

    /** Opens the data of an already closed store through {@link #reopen(Datastore)}; closed after the test. */
    protected final Datastore openAgain(Datastore closed) throws Exception {
        Datastore s = reopen(closed);
        assertNotNull("reopen() returned null", s);
        openStores.push(s);
        return s;
    }

    /** Closes a store now instead of after the test. */
    protected final void closeStore(Datastore s) {
        openStores.remove(s);
        s.close();
    }

    // ---- waiting ----

    /** The future's value within {@link #TIMEOUT}; a failed future is rethrown as its {@link DatastoreException}. */
    protected static <T> T await(CompletableFuture<T> future) {
        assertNotNull("the store returned a null future", future);
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw DatastoreException.of(e);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer from the store within " + TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the store", e);
        }
    }

    /**
     * Asserts that the call fails with {@code expected} and etcd's exact message. Errors must complete the returned
     * future exceptionally (the contract of {@link Datastore}); a call that throws instead fails the test too.
     */
    protected static DatastoreException assertFails(StoreError expected, Supplier<? extends CompletableFuture<?>> call) {
        CompletableFuture<?> future;
        try {
            future = call.get();
        } catch (DatastoreException e) {
            throw new AssertionError("expected the returned future to fail with " + expected + ", but the call threw "
                    + e.error() + " (\"" + e.getMessage() + "\") instead; errors must complete the future "
                    + "exceptionally", e);
        }
        assertNotNull("the store returned a null future", future);
        Object value;
        try {
            value = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            DatastoreException d = DatastoreException.of(e);
            if (d.error() != expected) {
                throw new AssertionError("expected " + expected + " (\"" + expected.message() + "\") but got "
                        + d.error() + " (\"" + d.getMessage() + "\")", d);
            }
            assertEquals("etcd's error text, byte for byte", expected.message(), d.getMessage());
            return d;
        } catch (TimeoutException e) {
            throw new AssertionError("expected " + expected + " but the store did not answer within " + TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        throw new AssertionError("expected " + expected + " (\"" + expected.message() + "\") but the call succeeded: "
                + value);
    }

    /** Polls {@code condition} until it holds, failing after {@link #TIMEOUT} with {@code what} in the message. */
    protected static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT + " waiting until " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
            pause = Math.min(pause * 2, 50);
        }
    }

    // ---- bytes and ranges ----

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] bytes(int... unsigned) {
        byte[] b = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            b[i] = (byte) unsigned[i];
        }
        return b;
    }

    protected static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    protected static KeyRange key(String k) {
        return KeyRange.single(bytes(k));
    }

    protected static KeyRange prefix(String p) {
        return KeyRange.prefix(bytes(p));
    }

    /** The half-open interval {@code [from, to)}. */
    protected static KeyRange interval(String from, String to) {
        return new KeyRange(bytes(from), bytes(to));
    }

    protected static KeyRange fromKey(String k) {
        return KeyRange.fromKey(bytes(k));
    }

    // ---- calls on the store under test ----

    protected final long rev() {
        return store.currentRevision();
    }

    protected final PutResult put(String key, String value) {
        return await(store.put(PutRequest.of(bytes(key), bytes(value))));
    }

    protected final PutResult put(String key, String value, long lease) {
        return await(store.put(PutRequest.of(bytes(key), bytes(value), lease)));
    }

    protected final PutResult put(PutRequest request) {
        return await(store.put(request));
    }

    /** The key's current version, or null when it does not exist. */
    protected final KeyValue get(String key) {
        return get(bytes(key), 0);
    }

    /** The key as it was at {@code revision}, or null when it did not exist then. */
    protected final KeyValue get(String key, long revision) {
        return get(bytes(key), revision);
    }

    protected final KeyValue get(byte[] key, long revision) {
        RangeResult r = range(RangeRequest.builder(KeyRange.single(key)).revision(revision).build());
        if (r.kvs().size() > 1) {
            fail("a single-key read returned " + r.kvs().size() + " keys: " + r.kvs());
        }
        return r.kvs().isEmpty() ? null : r.kvs().get(0);
    }

    protected final RangeResult range(KeyRange range) {
        return range(RangeRequest.of(range));
    }

    protected final RangeResult range(RangeRequest request) {
        return await(store.range(request));
    }

    protected final DeleteResult delete(String key) {
        return delete(key(key));
    }

    protected final DeleteResult delete(KeyRange range) {
        return await(store.delete(DeleteRequest.of(range)));
    }

    protected final TxnResult txn(TxnRequest request) {
        return await(store.txn(request));
    }

    protected final long compact(long revision) {
        return await(store.compact(revision, false));
    }

    /** Grants a lease with a store-chosen id; returns the id. */
    protected final long grant(long ttlSeconds) {
        return await(store.leaseGrant(0, ttlSeconds)).id();
    }

    protected final Lease timeToLive(long lease) {
        return await(store.leaseTimeToLive(lease, true));
    }

    /** Registers a watch that is closed after the test. */
    protected final Watch watch(WatchRequest request, WatchListener listener) {
        Watch w = store.watch(request, listener);
        assertNotNull("watch() returned null", w);
        openWatches.add(w);
        return w;
    }

    /** A watch from the next revision on, recorded. */
    protected final RecordingWatchListener watch(KeyRange range) {
        return watch(WatchRequest.of(range, 0));
    }

    protected final RecordingWatchListener watch(WatchRequest request) {
        RecordingWatchListener listener = new RecordingWatchListener();
        watch(request, listener);
        return listener;
    }

    // ---- building transactions ----

    protected static Op putOp(String key, String value) {
        return new Op.Put(PutRequest.of(bytes(key), bytes(value)));
    }

    protected static Op putOp(PutRequest request) {
        return new Op.Put(request);
    }

    protected static Op rangeOp(KeyRange range) {
        return new Op.Range(RangeRequest.of(range));
    }

    protected static Op rangeOp(RangeRequest request) {
        return new Op.Range(request);
    }

    protected static Op deleteOp(KeyRange range) {
        return new Op.Delete(DeleteRequest.of(range));
    }

    protected static Op txnOp(List<Compare> compares, List<Op> success, List<Op> failure) {
        return new Op.Txn(new TxnRequest(compares, success, failure));
    }

    protected static Compare compare(String key, Compare.Target target, Compare.Result result, long number) {
        return Compare.number(key(key), target, result, number);
    }

    protected static Compare compareValue(String key, Compare.Result result, String value) {
        return Compare.value(key(key), result, bytes(value));
    }

    /** {@code n} puts of keys {@code prefix0 .. prefix(n-1)}. */
    protected static List<Op> puts(String prefix, int n) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(putOp(prefix + i, "v"));
        }
        return ops;
    }

    // ---- assertions ----

    protected static void assertKv(String key, String value, long create, long mod, long version, long lease,
            KeyValue actual) {
        assertNotNull("expected key " + key + " to exist", actual);
        assertEquals(new KeyValue(bytes(key), create, mod, version, bytes(value), lease), actual);
    }

    protected static void assertKeys(List<String> expected, List<KeyValue> actual) {
        List<String> keys = new ArrayList<>();
        for (KeyValue kv : actual) {
            keys.add(Bytes.show(kv.key()));
        }
        assertEquals(expected, keys);
    }

    /** A value that keys-only reads and tombstones may carry as null or as an empty array. */
    protected static boolean isEmptyValue(byte[] value) {
        return value == null || value.length == 0;
    }
}
