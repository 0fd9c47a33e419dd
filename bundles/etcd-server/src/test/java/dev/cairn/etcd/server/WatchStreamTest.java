package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.protobuf.ByteString;
import dev.cairn.etcd.pb.Mvcc;
import dev.cairn.etcd.pb.Rpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/** The watch stream on the wire: ids, refusals, ordering, progress, compaction, fragments, slow clients. */
public class WatchStreamTest {
    /** A short progress interval and a small send buffer, so that both paths run in a test. */
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule()
            .progressNotifyInterval(Duration.ofMillis(200)).watchBufferBytes(64 * 1024);
    private static RawClient client;

    @BeforeClass
    public static void connect() throws Exception {
        client = new RawClient(SERVER);
    }

    @AfterClass
    public static void disconnect() throws Exception {
        client.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static Rpc.WatchCreateRequest.Builder watchKey(String key) {
        return Rpc.WatchCreateRequest.newBuilder().setKey(b(key));
    }

    private static Rpc.WatchCreateRequest.Builder watchPrefix(String prefix) {
        return Rpc.WatchCreateRequest.newBuilder().setKey(b(prefix)).setRangeEnd(b(prefix.substring(0,
                prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1)));
    }

    private static long put(String key, String value) {
        return client.kv().put(Rpc.PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).build())
                .getHeader().getRevision();
    }

    /** The next response that carries events (progress notifications are skipped). */
    private static Rpc.WatchResponse nextEvents(RawClient.WatchStreamClient w) throws InterruptedException {
        while (true) {
            Rpc.WatchResponse r = w.next();
            if (r.getEventsCount() > 0 || r.getCanceled()) {
                return r;
            }
        }
    }

    @Test
    public void serverAssignsIdsFromZeroAndAnswersCreatesInOrder() throws Exception {
        var w = client.watch();
        try {
            for (int i = 0; i < 3; i++) {
                w.create(watchKey("/ws/ids/" + i));
            }
            for (int i = 0; i < 3; i++) {
                Rpc.WatchResponse r = w.next();
                assertTrue(r.getCreated());
                assertEquals(i, r.getWatchId());
                assertTrue(r.getHeader().getRevision() > 0 && r.getHeader().getClusterId() != 0);
            }
        } finally {
            w.close();
        }
    }

    @Test
    public void clientChosenIdsAreHonouredAndDuplicatesRefused() throws Exception {
        var w = client.watch();
        try {
            w.create(watchKey("/ws/cid").setWatchId(7));
            assertEquals(7, w.next().getWatchId());
            w.create(watchKey("/ws/cid").setWatchId(7));
            Rpc.WatchResponse dup = w.next();
            assertEquals(-1, dup.getWatchId());
            assertTrue(dup.getCreated() && dup.getCanceled());
            assertEquals("mvcc: duplicate watch ID provided on the WatchStream", dup.getCancelReason());
            w.create(watchKey("/ws/cid"));
            assertEquals(0, w.next().getWatchId());
        } finally {
            w.close();
        }
    }

    @Test
    public void emptyRangesAndNegativeRevisionsAreRefused() throws Exception {
        var w = client.watch();
        try {
            w.create(watchKey("/ws/b").setRangeEnd(b("/ws/a")));
            Rpc.WatchResponse empty = w.next();
            assertEquals(-1, empty.getWatchId());
            assertTrue(empty.getCreated() && empty.getCanceled());
            assertEquals("mvcc: watcher range is empty", empty.getCancelReason());
            w.create(watchKey("/ws/neg").setStartRevision(-5));
            Rpc.WatchResponse negative = w.next();
            assertEquals(-1, negative.getWatchId());
            assertTrue(negative.getCreated() && negative.getCanceled());
            assertEquals("etcdserver: mvcc: required revision has been compacted", negative.getCancelReason());
        } finally {
            w.close();
        }
    }

    @Test
    public void eventsOfOneRevisionComeInOneResponseWithPrevKvAndFilters() throws Exception {
        put("/ws/txn/a", "old");
        var w = client.watch();
        try {
            w.create(watchPrefix("/ws/txn/").setPrevKv(true));
            w.create(watchPrefix("/ws/txn/").addFilters(Rpc.WatchCreateRequest.FilterType.NOPUT));
            assertTrue(w.next().getCreated());
            assertTrue(w.next().getCreated());
            Rpc.TxnRequest.Builder txn = Rpc.TxnRequest.newBuilder();
            for (String k : List.of("a", "b", "c")) {
                txn.addSuccess(Rpc.RequestOp.newBuilder().setRequestPut(
                        Rpc.PutRequest.newBuilder().setKey(b("/ws/txn/" + k)).setValue(b("new"))));
            }
            long rev = client.kv().txn(txn.build()).getHeader().getRevision();
            Rpc.WatchResponse r = nextEvents(w);
            assertEquals(0, r.getWatchId());
            assertEquals(3, r.getEventsCount());
            assertEquals(rev, r.getHeader().getRevision());
            assertEquals("old", r.getEvents(0).getPrevKv().getValue().toStringUtf8());
            assertFalse(r.getEvents(1).hasPrevKv());
            client.kv().deleteRange(Rpc.DeleteRangeRequest.newBuilder().setKey(b("/ws/txn/a")).build());
            // The NOPUT watcher's first event is the delete.
            Rpc.WatchResponse d1 = nextEvents(w);
            Rpc.WatchResponse d2 = nextEvents(w);
            Rpc.WatchResponse noPut = d1.getWatchId() == 1 ? d1 : d2;
            assertEquals(1, noPut.getEventsCount());
            assertEquals(Mvcc.Event.EventType.DELETE, noPut.getEvents(0).getType());
        } finally {
            w.close();
        }
    }

    @Test
    public void cancelEndsAWatcher() throws Exception {
        var w = client.watch();
        try {
            w.create(watchKey("/ws/cancel/a"));
            w.create(watchKey("/ws/cancel/b"));
            long a = w.next().getWatchId();
            long b = w.next().getWatchId();
            w.cancel(a);
            Rpc.WatchResponse cancelled = w.next();
            assertTrue(cancelled.getCanceled());
            assertEquals(a, cancelled.getWatchId());
            put("/ws/cancel/a", "1");
            put("/ws/cancel/b", "1");
            // Only b's event comes: a's would have been first.
            assertEquals(b, nextEvents(w).getWatchId());
        } finally {
            w.close();
        }
    }

    @Test
    public void progressRequestIsAnsweredWithWatchIdMinusOne() throws Exception {
        var w = client.watch();
        try {
            w.create(watchKey("/ws/progress"));
            assertTrue(w.next().getCreated());
            long rev = put("/ws/progress-other", "1");
            w.requestProgress();
            Rpc.WatchResponse r;
            do {
                r = w.next();
            } while (r.getWatchId() != -1);
            assertEquals(0, r.getEventsCount());
            assertTrue(r.getHeader().getRevision() >= rev);
        } finally {
            w.close();
        }
    }

    @Test
    public void progressNotifyWatchersHearTheRevisionWhenIdle() throws Exception {
        var w = client.watch();
        try {
            w.create(watchKey("/ws/notify").setProgressNotify(true));
            long id = w.next().getWatchId();
            long rev = put("/ws/notify-elsewhere", "1");
            Rpc.WatchResponse r;
            do {
                r = w.next();
            } while (r.getHeader().getRevision() < rev);
            assertEquals(id, r.getWatchId());
            assertEquals(0, r.getEventsCount());
            assertFalse(r.getCreated() || r.getCanceled());
        } finally {
            w.close();
        }
    }

    @Test
    public void watchFromACompactedRevisionIsCancelledWithTheCompactRevision() throws Exception {
        long first = put("/ws/compact", "1");
        long second = put("/ws/compact", "2");
        client.kv().compact(Rpc.CompactionRequest.newBuilder().setRevision(second).setPhysical(true).build());
        var w = client.watch();
        try {
            w.create(watchKey("/ws/compact").setStartRevision(first));
            Rpc.WatchResponse created = w.next();
            assertTrue(created.getCreated());
            Rpc.WatchResponse cancelled = nextEvents(w);
            assertTrue(cancelled.getCanceled());
            assertEquals(created.getWatchId(), cancelled.getWatchId());
            assertTrue(cancelled.getCompactRevision() >= second);
            assertEquals("", cancelled.getCancelReason());
        } finally {
            w.close();
        }
    }

    @Test
    public void largeRevisionsAreFragmentedOnlyWhenAsked() throws Exception {
        String value = "x".repeat(1024 * 1024);
        for (String k : List.of("a", "b", "c")) {
            put("/ws/frag/" + k, value);
        }
        var w = client.watch();
        try {
            w.create(watchPrefix("/ws/frag/").setPrevKv(true).setFragment(true));
            w.create(watchPrefix("/ws/frag/").setPrevKv(true));
            assertTrue(w.next().getCreated());
            assertTrue(w.next().getCreated());
            client.kv().deleteRange(Rpc.DeleteRangeRequest.newBuilder().setKey(b("/ws/frag/"))
                    .setRangeEnd(b("/ws/frag0")).build());
            List<Rpc.WatchResponse> fragments = new ArrayList<>();
            Rpc.WatchResponse whole = null;
            int events = 0;
            while (whole == null || events < 3) {
                Rpc.WatchResponse r = nextEvents(w);
                if (r.getWatchId() == 0) {
                    fragments.add(r);
                    events += r.getEventsCount();
                } else {
                    whole = r;
                }
            }
            assertEquals(3, whole.getEventsCount());
            assertFalse(whole.getFragment());
            assertTrue("expected several fragments, got " + fragments.size(), fragments.size() > 1);
            for (int i = 0; i < fragments.size(); i++) {
                assertEquals(i < fragments.size() - 1, fragments.get(i).getFragment());
            }
        } finally {
            w.close();
        }
    }

    @Test
    public void aSlowClientGetsEveryEventInOrderOnceItReads() throws Exception {
        var w = client.slowWatch();
        try {
            w.create(watchPrefix("/ws/slow/"));
            w.request(1);
            assertTrue(w.next().getCreated());
            // Far more than the send buffer and the HTTP/2 windows hold while the client reads nothing.
            String value = "v".repeat(16 * 1024);
            int count = 160;
            long firstRev = 0;
            for (int i = 0; i < count; i++) {
                long rev = put(String.format("/ws/slow/%04d", i), value);
                firstRev = firstRev == 0 ? rev : firstRev;
            }
            w.request(Integer.MAX_VALUE);
            long expected = firstRev;
            int seen = 0;
            while (seen < count) {
                Rpc.WatchResponse r = w.next();
                assertFalse(r.getCanceled());
                for (Mvcc.Event e : r.getEventsList()) {
                    assertEquals("events in order, without gaps or duplicates", expected, e.getKv().getModRevision());
                    assertEquals(String.format("/ws/slow/%04d", seen), e.getKv().getKey()
                            .toString(StandardCharsets.UTF_8));
                    expected++;
                    seen++;
                }
            }
        } finally {
            w.close();
        }
    }
}
