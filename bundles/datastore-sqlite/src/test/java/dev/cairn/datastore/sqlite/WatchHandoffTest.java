package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Watches that start in the past replay the log and then switch to the live stream while writes keep coming,
 * without a gap or a duplicate; so do watches whose listener is too slow to keep up.
 */
public class WatchHandoffTest {
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

    /** Records revisions and checks order, gaps and duplicates as they arrive. */
    static final class Revisions implements WatchListener {
        private final List<Long> seen = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private final CountDownLatch gate;
        private final AtomicBoolean inCall = new AtomicBoolean();

        Revisions(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void onEvents(List<Event> events, long revision) {
            if (!inCall.compareAndSet(false, true)) {
                add("concurrent callbacks");
            }
            GroupCommitTest.awaitQuietly(gate);
            synchronized (this) {
                for (Event e : events) {
                    long r = e.kv().modRevision();
                    if (!seen.isEmpty() && r != seen.get(seen.size() - 1) + 1) {
                        problems.add("revision " + r + " after " + seen.get(seen.size() - 1));
                    }
                    if (r > revision) {
                        problems.add("event " + r + " delivered at revision " + revision);
                    }
                    seen.add(r);
                }
            }
            inCall.set(false);
        }

        @Override
        public void onProgress(long revision) {
        }

        @Override
        public synchronized void onCancelled(long compactRevision, String reason) {
            problems.add("cancelled " + compactRevision + " " + reason);
        }

        synchronized void add(String problem) {
            problems.add(problem);
        }

        synchronized long last() {
            return seen.isEmpty() ? 0 : seen.get(seen.size() - 1);
        }

        synchronized long first() {
            return seen.isEmpty() ? 0 : seen.get(0);
        }

        synchronized int count() {
            return seen.size();
        }

        synchronized List<String> problems() {
            return new ArrayList<>(problems);
        }
    }

    @Test
    public void catchUpHandsOverToTheLiveStreamWithoutGapsUnderConcurrentWrites() throws Exception {
        for (int i = 0; i < 1500; i++) {
            store.put(PutRequest.of(b("k" + (i % 100)), b("v" + i)));
        }
        get(store.put(PutRequest.of(b("k0"), b("warm"))));
        int more = 3000;
        Thread writer = new Thread(() -> {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < more; i++) {
                pending.add(store.put(PutRequest.of(b("k" + (i % 100)), b("w" + i))));
                if (pending.size() >= 64) {
                    pending.remove(0).join();
                }
            }
            pending.forEach(CompletableFuture::join);
        });
        writer.start();
        List<Revisions> watches = new ArrayList<>();
        long[] starts = {2, 700, 1501};
        CountDownLatch open = new CountDownLatch(0);
        for (long start : starts) {
            Revisions r = new Revisions(open);
            store.watch(WatchRequest.of(KeyRange.prefix(b("k")), start), r);
            watches.add(r);
        }
        Revisions fromNow = new Revisions(open);
        store.watch(WatchRequest.of(KeyRange.prefix(b("k")), 0), fromNow);
        writer.join();
        long last = store.currentRevision();
        assertEquals(1 + 1501 + more, last);
        for (int i = 0; i < starts.length; i++) {
            Revisions r = watches.get(i);
            StoreFixture.await("watch from " + starts[i] + " reaching " + last, () -> r.last() == last);
            assertEquals(List.of(), r.problems());
            assertEquals(starts[i], r.first());
            assertEquals(last - starts[i] + 1, r.count());
        }
        StoreFixture.await("watch from now reaching " + last, () -> fromNow.last() == last);
        assertEquals(List.of(), fromNow.problems());
    }

    @Test
    public void aSlowListenerFallsBehindAndCatchesUpWithoutGaps() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Revisions slow = new Revisions(gate);
        store.watch(WatchRequest.of(KeyRange.all(), 0), slow);
        int n = (int) WatchHub.MAX_PENDING + 2_000;
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pending.add(store.put(PutRequest.of(b("k" + (i % 50)), b("v"))));
        }
        for (CompletableFuture<?> f : pending) {
            f.join();
        }
        long last = store.currentRevision();
        gate.countDown();
        StoreFixture.await("the slow watch reaching " + last, () -> slow.last() == last);
        assertEquals(List.of(), slow.problems());
        assertEquals(2, slow.first());
        assertEquals(n, slow.count());
        assertTrue(slow.count() > WatchHub.MAX_PENDING);
    }
}
