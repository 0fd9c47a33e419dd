package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;

/** Watches: live events, history replay, filters, event shapes, compaction, progress and closing. */
public abstract class WatchContract extends DatastoreContract {

    private static List<String> keysOf(List<Event> events) {
        List<String> keys = new ArrayList<>();
        for (Event e : events) {
            keys.add(text(e.kv().key()));
        }
        return keys;
    }

    @Test
    public void aWatchSeesEveryChangeOfItsKeyAndNothingElse() {
        long lease = grant(60);
        RecordingWatchListener events = watch(key("a"));
        put("a", "1");          // 2
        put("ab", "x");         // 3
        put("b", "x");          // 4
        put("a", "2", lease);   // 5
        delete("a");            // 6
        put("z", "end");        // 7
        List<Event> got = events.awaitEvents(3);
        assertEquals(3, got.size());
        assertEquals(Event.Type.PUT, got.get(0).type());
        assertKv("a", "1", 2, 2, 1, 0, got.get(0).kv());
        assertKv("a", "2", 2, 5, 2, lease, got.get(1).kv());
        assertEquals(Event.Type.DELETE, got.get(2).type());
        assertEquals(6, got.get(2).kv().modRevision());
        assertNull("no prev_kv unless asked", got.get(0).prevKv());
        assertNull(got.get(1).prevKv());
    }

    @Test
    public void aPrefixWatchSeesEveryKeyUnderThePrefix() {
        RecordingWatchListener events = watch(prefix("a/"));
        put("a/1", "1");
        put("a", "x");
        put("a0", "x");
        put("a/2/deep", "1");
        put("b", "x");
        put("a/1", "2");
        assertEquals(List.of("a/1", "a/2/deep", "a/1"), keysOf(events.awaitRevision(7)));
    }

    @Test
    public void aRangeWatchSeesOnlyKeysInItsInterval() {
        RecordingWatchListener events = watch(interval("b", "d"));
        put("a", "x");
        put("b", "1");
        put("c", "1");
        put("d", "x");
        put("bz", "1");
        assertEquals(List.of("b", "c", "bz"), keysOf(events.awaitRevision(6)));
    }

    @Test
    public void aFromKeyWatchSeesEveryKeyFromThereOn() {
        RecordingWatchListener events = watch(fromKey("m"));
        put("a", "x");
        put("m", "1");
        put(PutRequest.of(bytes(0xff, 0xff), bytes("1")));
        assertEquals(2, events.awaitRevision(4).size());
    }

    @Test
    public void startRevisionZeroSeesOnlyChangesAfterTheWatchWasCreated() {
        put("a", "old");
        RecordingWatchListener events = watch(key("a"));
        put("a", "new");
        List<Event> got = events.awaitEvents(1);
        assertEquals(1, got.size());
        assertEquals("new", text(got.get(0).kv().value()));
    }

    @Test
    public void aWatchFromAPastRevisionReplaysHistoryFromThatRevisionOn() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("b", "1");  // 4
        delete("a");    // 5
        RecordingWatchListener events = watch(WatchRequest.of(KeyRange.all(), 3));
        put("a", "3");  // 6
        List<Event> got = events.awaitRevision(6);
        assertEquals(4, got.size());
        assertKv("a", "2", 2, 3, 2, 0, got.get(0).kv());
        assertKv("b", "1", 4, 4, 1, 0, got.get(1).kv());
        assertEquals(Event.Type.DELETE, got.get(2).type());
        assertEquals(5, got.get(2).kv().modRevision());
        assertKv("a", "3", 6, 6, 1, 0, got.get(3).kv());
    }

    @Test
    public void historyThenLiveEventsHaveNoGapAndNoDuplicateUnderConcurrentWrites() {
        long start = rev();
        List<CompletableFuture<PutResult>> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            writes.add(store.put(PutRequest.of(bytes("k" + (i % 10)), bytes("v" + i))));
        }
        waitUntil("some writes are done", () -> rev() >= start + 20);
        long from = start + 10;
        RecordingWatchListener events = watch(WatchRequest.of(prefix("k"), from));
        for (int i = 100; i < 200; i++) {
            writes.add(store.put(PutRequest.of(bytes("k" + (i % 10)), bytes("v" + i))));
        }
        for (CompletableFuture<PutResult> w : writes) {
            await(w);
        }
        long last = start + 200;
        assertEquals(last, rev());
        List<Event> got = events.awaitRevision(last);
        List<Long> revisions = new ArrayList<>();
        for (Event e : got) {
            revisions.add(e.kv().modRevision());
        }
        List<Long> expected = new ArrayList<>();
        for (long r = from; r <= last; r++) {
            expected.add(r);
        }
        assertEquals(expected, revisions);
    }

    @Test
    public void aFutureStartRevisionWaitsForThatRevision() {
        put("a", "1");  // 2
        RecordingWatchListener events = watch(WatchRequest.of(key("a"), 4));
        put("a", "2");  // 3
        put("a", "3");  // 4
        List<Event> got = events.awaitRevision(4);
        assertEquals("only revisions from 4 on", 1, got.size());
        assertEquals(4, got.get(0).kv().modRevision());
    }

    @Test
    public void prevKvIsTheKeyBeforeEachChangeWhenAsked() {
        put("a", "1");  // 2
        RecordingWatchListener events = watch(new WatchRequest(key("a"), 0, true, false, false));
        put("a", "2");  // 3
        delete("a");    // 4
        put("a", "3");  // 5
        List<Event> got = events.awaitRevision(5);
        assertEquals(3, got.size());
        assertKv("a", "1", 2, 2, 1, 0, got.get(0).prevKv());
        assertKv("a", "2", 2, 3, 2, 0, got.get(1).prevKv());
        assertNull("a create after a delete has no previous key", got.get(2).prevKv());
    }

    @Test
    public void prevKvIsAlsoAttachedToReplayedHistory() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        delete("a");    // 4
        RecordingWatchListener events = watch(new WatchRequest(key("a"), 2, true, false, false));
        List<Event> got = events.awaitRevision(4);
        assertNull(got.get(0).prevKv());
        assertKv("a", "1", 2, 2, 1, 0, got.get(1).prevKv());
        assertKv("a", "2", 2, 3, 2, 0, got.get(2).prevKv());
    }

    @Test
    public void noPutAndNoDeleteFilterOutTheirEvents() {
        RecordingWatchListener deletesOnly = watch(new WatchRequest(KeyRange.all(), 0, false, true, false));
        RecordingWatchListener putsOnly = watch(new WatchRequest(KeyRange.all(), 0, false, false, true));
        put("a", "1");   // 2
        delete("a");     // 3
        put("b", "1");   // 4
        delete("b");     // 5
        put("c", "1");   // 6
        delete("c");     // 7
        put("d", "1");   // 8
        List<Event> deletes = deletesOnly.awaitRevision(7);
        assertEquals(List.of(3L, 5L, 7L), deletes.stream().map(e -> e.kv().modRevision()).toList());
        assertTrue(deletes.stream().allMatch(e -> e.type() == Event.Type.DELETE));
        List<Event> puts = putsOnly.awaitRevision(8);
        assertEquals(List.of(2L, 4L, 6L, 8L), puts.stream().map(e -> e.kv().modRevision()).toList());
        assertTrue(puts.stream().allMatch(e -> e.type() == Event.Type.PUT));
    }

    @Test
    public void aDeleteEventCarriesOnlyTheKeyAndTheDeleteRevision() {
        long lease = grant(60);
        put("a", "value", lease);
        RecordingWatchListener events = watch(key("a"));
        delete("a");
        Event e = events.awaitEvents(1).get(0);
        assertEquals(Event.Type.DELETE, e.type());
        KeyValue kv = e.kv();
        assertEquals("a", text(kv.key()));
        assertEquals(3, kv.modRevision());
        assertEquals("create revision of a tombstone", 0, kv.createRevision());
        assertEquals("version of a tombstone", 0, kv.version());
        assertEquals("lease of a tombstone", 0, kv.lease());
        assertTrue("a tombstone has no value: " + kv, isEmptyValue(kv.value()));
    }

    @Test
    public void allEventsOfOneTxnArriveInOneCall() {
        put("c", "1");
        RecordingWatchListener events = watch(KeyRange.all());
        put("before", "1");
        TxnResult t = txn(new TxnRequest(List.of(),
                List.of(putOp("a", "1"), putOp("b", "1"), deleteOp(key("c"))), List.of()));
        put("after", "1");
        events.awaitRevision(t.revision() + 1);
        boolean found = false;
        for (List<Event> batch : events.batches()) {
            long inBatch = batch.stream().filter(e -> e.kv().modRevision() == t.revision()).count();
            if (inBatch > 0) {
                assertEquals("every event of revision " + t.revision() + " in one call: " + events.batches(), 3,
                        inBatch);
                found = true;
            }
        }
        assertTrue(found);
        assertEquals(5, events.events().size());
    }

    @Test
    public void aWatchFromBeforeTheCompactRevisionIsCancelledWithIt() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("a", "3");  // 4
        compact(3);
        RecordingWatchListener events = watch(WatchRequest.of(key("a"), 2));
        RecordingWatchListener.Cancelled c = events.awaitCancelled();
        assertEquals(3, c.compactRevision());
        assertTrue("no events before the cancel", events.events().isEmpty());
    }

    @Test
    public void aWatchFromExactlyTheCompactRevisionReplaysFromIt() {
        put("a", "1");  // 2
        put("b", "1");  // 3
        put("c", "1");  // 4
        compact(3);
        RecordingWatchListener events = watch(WatchRequest.of(KeyRange.all(), 3));
        put("d", "1");  // 5
        List<Event> got = events.awaitRevision(5);
        assertEquals(List.of("b", "c", "d"), keysOf(got));
        assertFalse(events.isCancelled());
    }

    @Test
    public void requestProgressAnswersAfterTheDeliveredEvents() {
        RecordingWatchListener events = new RecordingWatchListener();
        Watch w = watch(WatchRequest.of(KeyRange.all(), 0), events);
        put("a", "1");
        put("b", "1");
        put("c", "1");
        events.awaitRevision(4);
        w.requestProgress();
        assertEquals(4, events.awaitProgress());
        List<RecordingWatchListener.Call> calls = events.calls();
        assertTrue("progress comes last: " + calls,
                calls.get(calls.size() - 1) instanceof RecordingWatchListener.Progress);
    }

    @Test
    public void requestProgressOnAnIdleWatchReportsTheCurrentRevision() {
        put("x", "1");
        put("x", "2");
        RecordingWatchListener events = new RecordingWatchListener();
        Watch w = watch(WatchRequest.of(key("nothing-here"), 0), events);
        w.requestProgress();
        assertEquals(3, events.awaitProgress());
        put("y", "1");
        w.requestProgress();
        assertEquals(4, events.awaitProgress());
        assertTrue(events.events().isEmpty());
    }

    @Test
    public void requestProgressOnAReplayingWatchComesOnlyAfterTheReplay() {
        for (int i = 0; i < 50; i++) {
            put("k" + i, "v");
        }
        RecordingWatchListener events = new RecordingWatchListener();
        Watch w = watch(WatchRequest.of(KeyRange.all(), 2), events);
        w.requestProgress();
        assertEquals(51, events.awaitProgress());
        int delivered = 0;
        for (RecordingWatchListener.Call c : events.calls()) {
            if (c instanceof RecordingWatchListener.Progress) {
                break;
            }
            if (c instanceof RecordingWatchListener.Events e) {
                delivered += e.events().size();
            }
        }
        assertEquals("every event up to the progress revision was delivered before it", 50, delivered);
    }

    @Test
    public void closingAWatchStopsDelivery() {
        RecordingWatchListener closed = new RecordingWatchListener();
        Watch w = watch(WatchRequest.of(KeyRange.all(), 0), closed);
        put("a", "1");
        closed.awaitEvents(1);
        w.close();
        RecordingWatchListener sentinel = watch(KeyRange.all());
        put("a", "2");
        put("a", "3");
        sentinel.awaitRevision(4);
        assertEquals("no events after close", 1, closed.events().size());
    }

    @Test
    public void closingTheStoreCancelsItsWatches() {
        RecordingWatchListener events = watch(KeyRange.all());
        put("a", "1");
        events.awaitEvents(1);
        closeStore(store);
        RecordingWatchListener.Cancelled c = events.awaitCancelled();
        assertEquals(0, c.compactRevision());
        assertNotNull("a cancel without compaction names its reason", c.reason());
    }

    @Test
    public void manyWatchesOnOneKeyEachSeeEveryEvent() {
        List<RecordingWatchListener> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(watch(key("hot")));
        }
        for (int i = 0; i < 5; i++) {
            put("hot", "v" + i);
        }
        for (RecordingWatchListener events : all) {
            assertEquals(5, events.awaitRevision(6).size());
        }
    }

    @Test
    public void aRevokedLeaseGivesOneDeleteEventPerKeyInOneCall() {
        long lease = grant(60);
        put("a", "1", lease);
        put("b", "1", lease);
        put("c", "1", lease);
        RecordingWatchListener events = watch(KeyRange.all());
        long revoked = await(store.leaseRevoke(lease));
        List<Event> got = events.awaitRevision(revoked);
        assertEquals(3, got.size());
        assertEquals(1, events.batches().size());
        for (Event e : got) {
            assertEquals(Event.Type.DELETE, e.type());
            assertEquals(revoked, e.kv().modRevision());
        }
    }

    @Test
    public void replayedEventsOfATxnKeepTheOrderOfItsOps() {
        put("c", "1");  // 2
        TxnResult t = txn(new TxnRequest(List.of(),
                List.of(putOp("b", "1"), deleteOp(key("c")), putOp("a", "1")), List.of()));  // 3
        put("z", "1");  // 4
        RecordingWatchListener events = watch(WatchRequest.of(KeyRange.all(), t.revision()));
        List<Event> got = events.awaitRevision(4);
        assertEquals(List.of("b", "c", "a", "z"), keysOf(got));
        assertEquals(List.of(Event.Type.PUT, Event.Type.DELETE, Event.Type.PUT, Event.Type.PUT),
                got.stream().map(Event::type).toList());
    }

    @Test
    public void aWatchFromRevisionOneSeesTheWholeHistory() {
        put("a", "1");
        put("b", "1");
        RecordingWatchListener events = watch(WatchRequest.of(KeyRange.all(), 1));
        put("c", "1");
        assertEquals(List.of("a", "b", "c"), keysOf(events.awaitRevision(4)));
    }

    @Test
    public void prevKvOfAReplayedEventIsTheVersionTheCompactionKept() {
        put("a", "1");  // 2
        put("b", "1");  // 3
        put("a", "2");  // 4
        compact(3);
        RecordingWatchListener events = watch(new WatchRequest(key("a"), 4, true, false, false));
        Event e = events.awaitRevision(4).get(0);
        assertKv("a", "1", 2, 2, 1, 0, e.prevKv());
    }

    @Test
    public void prevKvBelowTheCompactRevisionIsLeftOut() {
        put("a", "1");  // 2
        put("a", "2");  // 3
        put("b", "1");  // 4
        compact(3);
        RecordingWatchListener events = watch(new WatchRequest(key("a"), 3, true, false, false));
        put("a", "3");  // 5
        List<Event> got = events.awaitRevision(5);
        assertEquals(2, got.size());
        assertNull("the key at revision 2 was compacted away", got.get(0).prevKv());
        assertKv("a", "2", 2, 3, 2, 0, got.get(1).prevKv());
    }

    @Test
    public void aWatchCanBeClosedFromItsOwnCallback() {
        RecordingWatchListener events = new RecordingWatchListener();
        Watch[] self = new Watch[1];
        AtomicBoolean closeReturned = new AtomicBoolean();
        WatchListener closing = new WatchListener() {
            @Override
            public void onEvents(List<Event> batch, long revision) {
                events.onEvents(batch, revision);
                self[0].close();
                closeReturned.set(true);
            }

            @Override
            public void onProgress(long revision) {
                events.onProgress(revision);
            }

            @Override
            public void onCancelled(long compactRevision, String reason) {
                events.onCancelled(compactRevision, reason);
            }
        };
        self[0] = watch(WatchRequest.of(key("a"), 0), closing);
        put("a", "1");
        waitUntil("close() called inside onEvents returns", closeReturned::get);
        RecordingWatchListener sentinel = watch(key("a"));
        put("a", "2");
        sentinel.awaitRevision(3);
        assertEquals("no events after the watch closed itself", 1, events.events().size());
    }

    /** A listener that does not return until the test lets it, to stand for a slow consumer. */
    private static final class StalledListener implements WatchListener {
        final RecordingWatchListener recorded = new RecordingWatchListener();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onEvents(List<Event> events, long revision) {
            try {
                release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recorded.onEvents(events, revision);
        }

        @Override
        public void onProgress(long revision) {
            recorded.onProgress(revision);
        }

        @Override
        public void onCancelled(long compactRevision, String reason) {
            recorded.onCancelled(compactRevision, reason);
        }
    }

    /** 120 txns of 100 puts each, all in flight at once; returns the revision after the last. */
    private long writeManyEvents() {
        List<CompletableFuture<TxnResult>> writes = new ArrayList<>();
        for (int t = 0; t < 120; t++) {
            writes.add(store.txn(new TxnRequest(List.of(), puts("t" + t + "/", 100), List.of())));
        }
        for (CompletableFuture<TxnResult> w : writes) {
            await(w);
        }
        return rev();
    }

    private static void assertWholeRevisionsFrom(long first, List<Event> events, int perRevision) {
        long expected = first;
        for (int i = 0; i < events.size(); i += perRevision) {
            for (int j = i; j < i + perRevision; j++) {
                assertTrue("revision " + expected + " delivered whole", j < events.size());
                assertEquals("event #" + j, expected, events.get(j).kv().modRevision());
            }
            expected++;
        }
    }

    @Test
    public void aSlowListenerStillGetsEveryEventExactlyOnceInOrder() {
        StalledListener slow = new StalledListener();
        watch(WatchRequest.of(prefix("t"), 0), slow);
        long last = writeManyEvents();
        slow.release.countDown();
        List<Event> got = slow.recorded.awaitRevision(last);
        assertEquals(12_000, got.size());
        assertWholeRevisionsFrom(2, got, 100);
        assertFalse(slow.recorded.isCancelled());
    }

    @Test
    public void aWatchBehindACompactionIsCancelledOrCatchesUpButNeverSkipsEvents() {
        StalledListener slow = new StalledListener();
        watch(WatchRequest.of(prefix("t"), 0), slow);
        long last = writeManyEvents();
        await(store.compact(last, true));
        slow.release.countDown();
        slow.recorded.await("every event or a cancel",
                r -> r.isCancelled() || (!r.events().isEmpty()
                        && r.events().get(r.events().size() - 1).kv().modRevision() == last));
        List<Event> got = slow.recorded.events();
        assertWholeRevisionsFrom(2, got, 100);
        if (slow.recorded.isCancelled()) {
            List<RecordingWatchListener.Call> calls = slow.recorded.calls();
            RecordingWatchListener.Cancelled c = (RecordingWatchListener.Cancelled) calls.get(calls.size() - 1);
            assertEquals("cancelled by the compaction", last, c.compactRevision());
        } else {
            assertEquals(12_000, got.size());
        }
    }

    @Test
    public void aLongReplayWithSparseMatchesHasNoGapAndNoDuplicate() {
        List<CompletableFuture<PutResult>> seen = new ArrayList<>();
        List<CompletableFuture<PutResult>> others = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            boolean match = i % 7 == 0;
            (match ? seen : others).add(store.put(PutRequest.of(bytes((match ? "seen/" : "other/") + i),
                    bytes("v"))));
        }
        List<Long> expected = new ArrayList<>();
        for (CompletableFuture<PutResult> w : seen) {
            expected.add(await(w).revision());
        }
        for (CompletableFuture<PutResult> w : others) {
            await(w);
        }
        expected.sort(null);
        RecordingWatchListener events = watch(WatchRequest.of(prefix("seen/"), 2));
        long last = put("seen/last", "v").revision();
        expected.add(last);
        List<Event> got = events.awaitRevision(last);
        assertEquals(expected, got.stream().map(e -> e.kv().modRevision()).toList());
    }
}
