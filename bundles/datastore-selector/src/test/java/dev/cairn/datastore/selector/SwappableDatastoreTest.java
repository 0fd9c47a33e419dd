package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.tck.RecordingWatchListener;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The published datastore across backend swaps, on real SQLite stores: the second store is a copy of the first
 * taken during the swap (as a live conversion's is), so revisions and history continue on it.
 */
public class SwappableDatastoreTest {
    private static final Duration HOLD = Duration.ofSeconds(5);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<Datastore> opened = new ArrayList<>();
    private SwappableDatastore published;
    private Datastore first;

    @Before
    public void setUp() throws Exception {
        first = open(tmp.newFolder("first").toPath());
        published = new SwappableDatastore(HOLD);
        published.resume(first);
    }

    @After
    public void tearDown() {
        published.close();
        opened.forEach(Datastore::close);
    }

    @Test
    public void watchesContinueOnTheNextBackendWithoutGapOrDuplicate() throws Exception {
        RecordingWatchListener all = new RecordingWatchListener();
        RecordingWatchListener fromHistory = new RecordingWatchListener();
        published.watch(WatchRequest.of(KeyRange.prefix(bytes("k")), 0), all);
        for (int i = 1; i <= 5; i++) {
            put("k" + i, "v" + i);
        }
        published.watch(WatchRequest.of(KeyRange.prefix(bytes("k")), 3), fromHistory);
        all.awaitRevision(6);

        Datastore second = swapToCopy();
        for (int i = 6; i <= 10; i++) {
            put("k" + i, "v" + i);
        }

        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), revisions(all.awaitRevision(11)));
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), revisions(fromHistory.awaitRevision(11)));
        all.assertWellFormed();
        fromHistory.assertWellFormed();
        assertEquals(11, second.currentRevision());
        assertEquals(11, published.currentRevision());
    }

    @Test
    public void aWatchCreatedWhileNoBackendServesStartsAfterTheLastRevision() throws Exception {
        put("a", "1");
        put("a", "2");
        published.pause().get(5, TimeUnit.SECONDS);
        Datastore old = published.release();
        RecordingWatchListener listener = new RecordingWatchListener();
        published.watch(WatchRequest.of(KeyRange.single(bytes("a")), 0), listener);
        Datastore second = copyOf(old);
        old.close();
        published.resume(second);
        put("a", "3");
        List<Event> events = listener.awaitRevision(4);
        assertEquals(List.of(4L), revisions(events));
        assertEquals("3", new String(events.get(0).kv().value(), StandardCharsets.UTF_8));
    }

    @Test
    public void requestsArrivingDuringTheSwapWaitAndGoToTheNextBackend() throws Exception {
        put("before", "1");
        published.pause().get(5, TimeUnit.SECONDS);
        Datastore old = published.release();
        CompletableFuture<PutResult> held = published.put(PutRequest.of(bytes("during"), bytes("2")));
        assertFalse("held while no backend serves", held.isDone());
        Datastore second = copyOf(old);
        old.close();
        published.resume(second);

        assertEquals(3, held.get(5, TimeUnit.SECONDS).revision());
        assertEquals(1, second.range(RangeRequest.of(KeyRange.single(bytes("during")))).get().count());
    }

    /**
     * A backend that stopped by itself (Ratis closes a removed member's group) cannot describe itself any more; its
     * release still goes on, and the answers from before stand. It threw, and the server's shutdown logged the
     * stack traces of the selector's failed deactivation.
     */
    @Test
    public void aBackendThatAlreadyStoppedIsReleasedAndTheLastAnswersStand() throws Exception {
        published.close();
        published = new SwappableDatastore(HOLD);
        Datastore stopping = stoppedDescriptions(first);
        published.resume(stopping);
        ClusterState served = published.cluster(); // an answer from while it served
        published.pause().get(5, TimeUnit.SECONDS);
        assertSame(stopping, published.release());
        assertEquals(served, published.cluster());
    }

    @Test
    public void aRequestHeldLongerThanTheHoldFailsRetryablyAndIsNeverCarriedOut() throws Exception {
        published.close();
        published = new SwappableDatastore(Duration.ofMillis(200));
        published.resume(first);
        published.pause().get(5, TimeUnit.SECONDS);
        Datastore old = published.release();
        CompletableFuture<PutResult> held = published.put(PutRequest.of(bytes("late"), bytes("x")));
        DatastoreException refused = failure(held);
        assertEquals(StoreError.STOPPED, refused.error());
        assertEquals("UNAVAILABLE", refused.error().grpcCode());

        Datastore second = copyOf(old);
        old.close();
        published.resume(second);
        put("next", "1");
        assertEquals("the timed-out put was not applied later", 0,
                second.range(RangeRequest.of(KeyRange.single(bytes("late")))).get().count());
    }

    @Test
    public void pauseCompletesOnlyOnceTheBackendFinishedTheRequestsItHas() throws Exception {
        CompletableFuture<PutResult> slow = new CompletableFuture<>();
        Datastore gated = slowPuts(first, slow);
        published.close();
        published = new SwappableDatastore(HOLD);
        published.resume(gated);
        CompletableFuture<PutResult> running = published.put(PutRequest.of(bytes("k"), bytes("v")));
        CompletableFuture<Void> drained = published.pause();
        assertFalse("a request is still running", drained.isDone());
        slow.complete(new PutResult(2, null));
        drained.get(5, TimeUnit.SECONDS);
        assertEquals(2, running.get().revision());
    }

    /**
     * A watch still delivering the old backend's events asks for the cluster state (etcd-server builds its response
     * header) after the swap has taken the backend away: it gets the last backend's answer at once. Waiting for the
     * next backend stalled the swap, which waits for that delivery, until the hold ran out (HotSwapRaftIT).
     */
    @Test
    public void aDeliveryDuringTheSwapGetsTheClusterStateWithoutWaitingForTheNextBackend() throws Exception {
        java.util.concurrent.CountDownLatch inDelivery = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch backendGone = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Object> header = new CompletableFuture<>();
        published.watch(WatchRequest.of(KeyRange.single(bytes("k")), 0), new dev.cairn.datastore.api.WatchListener() {
            @Override
            public void onEvents(List<Event> events, long revision) {
                inDelivery.countDown();
                try {
                    backendGone.await(5, TimeUnit.SECONDS);
                    header.complete(published.cluster());
                } catch (RuntimeException | InterruptedException e) {
                    header.complete(e);
                }
            }

            @Override
            public void onProgress(long revision) {
            }

            @Override
            public void onCancelled(long compactRevision, String reason) {
            }
        });
        put("k", "v");
        assertTrue(inDelivery.await(5, TimeUnit.SECONDS));
        published.pause().get(5, TimeUnit.SECONDS);
        CompletableFuture<Datastore> released = CompletableFuture.supplyAsync(published::release);
        while (published.metrics() != dev.cairn.datastore.api.StoreMetrics.NONE) {
            Thread.sleep(5); // until the swap has taken the backend away
        }
        backendGone.countDown();
        Object answer = header.get(2, TimeUnit.SECONDS);
        assertTrue("the cluster state, not " + answer, answer instanceof dev.cairn.datastore.api.ClusterState);
        released.get(2, TimeUnit.SECONDS).close();
    }

    @Test
    public void closingCancelsWatchesAndFailsHeldRequests() throws Exception {
        RecordingWatchListener listener = new RecordingWatchListener();
        published.watch(WatchRequest.of(KeyRange.all(), 0), listener);
        published.pause().get(5, TimeUnit.SECONDS);
        published.release();
        CompletableFuture<PutResult> held = published.put(PutRequest.of(bytes("k"), bytes("v")));
        published.close();
        assertEquals(StoreError.STOPPED, failure(held).error());
        assertEquals(StoreError.STOPPED.message(), listener.awaitCancelled().reason());
    }

    @Test
    public void aWatchClosedByItsClientStaysClosedAcrossASwap() throws Exception {
        RecordingWatchListener listener = new RecordingWatchListener();
        Watch w = published.watch(WatchRequest.of(KeyRange.all(), 0), listener);
        put("a", "1");
        listener.awaitRevision(2);
        w.close();
        swapToCopy();
        RecordingWatchListener witness = new RecordingWatchListener();
        published.watch(WatchRequest.of(KeyRange.all(), 0), witness);
        put("a", "2");
        witness.awaitRevision(3); // delivered to open watches by now
        assertEquals(List.of(2L), revisions(listener.events()));
        assertFalse(listener.isCancelled());
    }

    private Datastore swapToCopy() throws Exception {
        published.pause().get(5, TimeUnit.SECONDS);
        Datastore old = published.release();
        Datastore next = copyOf(old);
        old.close();
        published.resume(next);
        return next;
    }

    /** A second SQLite store holding exactly what {@code store} holds, as the swap's next backend. */
    private Datastore copyOf(Datastore store) throws Exception {
        Path dir = tmp.newFolder().toPath();
        Path db = dir.resolve("server").resolve("db");
        Files.createDirectories(db);
        try (OutputStream out = Files.newOutputStream(db.resolve("state.db"))) {
            store.snapshot(out).get(10, TimeUnit.SECONDS);
        }
        return open(dir);
    }

    private Datastore open(Path dataDir) throws Exception {
        Datastore store = SqliteDatastore.open(new BackendSettings(dataDir, "", "s1",
                List.of("https://127.0.0.1:2379"), List.of(), 0, Duration.ZERO, Map.of()));
        opened.add(store);
        return store;
    }

    private void put(String key, String value) throws Exception {
        published.put(PutRequest.of(bytes(key), bytes(value))).get(5, TimeUnit.SECONDS);
    }

    /** {@code store}, except that its description fails once it is paused, as a stopped backend's does. */
    private static Datastore stoppedDescriptions(Datastore store) {
        AtomicInteger described = new AtomicInteger();
        return (Datastore) Proxy.newProxyInstance(Datastore.class.getClassLoader(), new Class<?>[] {Datastore.class},
                (proxy, method, args) -> {
                    boolean describes = method.getName().equals("cluster") || method.getName().equals("status");
                    if (describes && described.incrementAndGet() > 1) {
                        throw StoreError.STOPPED.exception();
                    }
                    return method.invoke(store, args);
                });
    }

    /** {@code store} with every put answered by {@code answer} instead (unit-test control of timing). */
    private static Datastore slowPuts(Datastore store, CompletableFuture<PutResult> answer) {
        return (Datastore) Proxy.newProxyInstance(Datastore.class.getClassLoader(), new Class<?>[] {Datastore.class},
                (proxy, method, args) -> method.getName().equals("put") ? answer : method.invoke(store, args));
    }

    private static DatastoreException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(5, TimeUnit.SECONDS);
            fail("expected a failure");
            return null;
        } catch (ExecutionException e) {
            return DatastoreException.of(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("neither completed nor failed", e);
        }
    }

    private static List<Long> revisions(List<Event> events) {
        return events.stream().map(e -> e.kv().modRevision()).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
