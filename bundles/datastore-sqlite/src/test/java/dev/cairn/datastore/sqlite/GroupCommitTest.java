package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Concurrent writers share commits, and every request still gets its own revision; futures complete in commit order.
 */
public class GroupCommitTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private SqliteDatastore store;

    @Before
    public void open() {
        store = SqliteDatastore.open(StoreFixture.settings(tmp.getRoot().toPath()));
    }

    @After
    public void close() {
        store.close();
    }

    @Test
    public void concurrentPutsShareCommitsAndGetContiguousRevisions() throws Exception {
        int threads = 8;
        int perThread = 250;
        List<List<CompletableFuture<PutResult>>> all = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            List<CompletableFuture<PutResult>> mine = new ArrayList<>();
            all.add(mine);
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    mine.add(store.put(PutRequest.of(b("t" + id + "/" + i), b("v"))));
                }
            });
            writers.add(w);
            w.start();
        }
        long commitsBefore = store.commits();
        go.countDown();
        for (Thread w : writers) {
            w.join();
        }
        TreeSet<Long> revisions = new TreeSet<>();
        for (List<CompletableFuture<PutResult>> mine : all) {
            long last = 0;
            for (CompletableFuture<PutResult> f : mine) {
                long rev = get(f).revision();
                assertTrue("one thread's puts are ordered", rev > last);
                last = rev;
                revisions.add(rev);
            }
        }
        int n = threads * perThread;
        assertEquals(n, revisions.size());
        assertEquals(2L, (long) revisions.first());
        assertEquals(n + 1L, (long) revisions.last());
        assertEquals(n + 1L, store.currentRevision());
        assertEquals(n, get(store.range(RangeRequest.builder(KeyRange.all()).countOnly(true).build())).count());
        long commits = store.commits() - commitsBefore;
        assertTrue("puts were batched: " + commits + " commits for " + n + " puts", commits < n);
    }

    @Test
    public void aRefusedRequestInABatchWritesNothingAndTakesNoRevision() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> blocker = holdWriter(release);
        // queued behind the blocker, so they run as one batch
        CompletableFuture<PutResult> first = store.put(PutRequest.of(b("a"), b("1")));
        CompletableFuture<PutResult> refused = store.put(PutRequest.of(b("b"), b("1"), 999));
        CompletableFuture<PutResult> third = store.put(PutRequest.of(b("c"), b("1")));
        release.countDown();
        get(blocker);
        assertEquals(2, get(first).revision());
        try {
            get(refused);
            throw new AssertionError("a put with an unknown lease succeeded");
        } catch (ExecutionException e) {
            assertEquals(StoreError.LEASE_NOT_FOUND, DatastoreException.of(e).error());
        }
        assertEquals(3, get(third).revision());
        assertEquals(0, get(store.range(RangeRequest.of(KeyRange.single(b("b"))))).count());
        assertEquals(3, store.currentRevision());
    }

    /**
     * Some batches are completed by the writer, others (while requests wait) by the completer thread, whose
     * callbacks may lag; a Raft replica's applied index may only grow, so the futures must still complete in commit
     * order.
     */
    @Test
    public void futuresCompleteInCommitOrderWhicheverThreadCompletesThem() throws Exception {
        List<Long> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> callbacks = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            boolean slow = i % 20 == 0;
            callbacks.add(store.put(PutRequest.of(b("k" + i), b("v"))).thenAccept(r -> {
                completed.add(r.revision());
                if (slow) {
                    sleepQuietly(1);
                }
            }));
            if (i % 7 == 0) {
                sleepQuietly(1); // lets the queue run empty now and then, so that both threads complete batches
            }
        }
        for (CompletableFuture<Void> c : callbacks) {
            get(c);
        }
        assertEquals(2000, completed.size());
        for (int i = 1; i < completed.size(); i++) {
            assertTrue("revision " + completed.get(i) + " completed after " + completed.get(i - 1),
                    completed.get(i) > completed.get(i - 1));
        }
    }

    /** A lone client's write is answered without waking another thread to complete it. */
    @Test
    public void aWriteWithNothingQueuedBehindItIsCompletedByTheWriter() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 50; i++) {
            get(store.put(PutRequest.of(b("lone" + i), b("v")))
                    .thenAccept(r -> threads.add(Thread.currentThread().getName())));
        }
        assertFalse("completed on " + threads, threads.contains("cairn-sqlite-completer"));
    }

    /**
     * A task the writer already took from the queue (here a defragmentation, which runs alone after the batch) waits
     * behind the batch too: the batch's callbacks must not run before it.
     */
    @Test
    public void aWriteWithATaskWaitingBehindItIsCompletedByTheCompleter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> blocker = holdWriter(release);
        // both are taken from the queue together once the blocker's batch is done
        CompletableFuture<String> completedOn = store.put(PutRequest.of(b("a"), b("1")))
                .thenApply(r -> Thread.currentThread().getName());
        CompletableFuture<Void> defragmented = store.defragment();
        release.countDown();
        get(blocker);
        get(defragmented);
        assertEquals("cairn-sqlite-completer", get(completedOn));
    }

    /** Occupies the writer until {@code release} opens; returns once it does, with the holding task's future. */
    private CompletableFuture<Object> holdWriter(CountDownLatch release) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Object> holder = store.onWriter(scope -> {
            running.countDown();
            awaitQuietly(release);
            return null;
        });
        running.await();
        return holder;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
