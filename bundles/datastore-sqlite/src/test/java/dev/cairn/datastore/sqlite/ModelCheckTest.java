package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertEquals;

import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Random puts, deletes, txns and compactions checked against a plain in-memory model of etcd's MVCC (a full copy
 * of the key space per revision): current and historical ranges, counts, limits, and the watch stream.
 */
public class ModelCheckTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** key → live version, per revision; index = revision. */
    private final List<TreeMap<String, KeyValue>> states = new ArrayList<>();
    private final List<String> expectedEvents = new ArrayList<>();
    private long compacted;

    @Test
    public void randomOperationsMatchTheModel() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            run(new Random(seed), tmp.newFolder().toPath());
        }
    }

    private void run(Random random, java.nio.file.Path dir) throws Exception {
        states.clear();
        expectedEvents.clear();
        compacted = 0;
        states.add(new TreeMap<>());
        states.add(new TreeMap<>());
        List<String> events = new ArrayList<>();
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dir))) {
            store.watch(WatchRequest.of(KeyRange.all(), 1), new WatchListener() {
                @Override
                public void onEvents(List<Event> evs, long revision) {
                    synchronized (events) {
                        for (Event e : evs) {
                            events.add(describe(e));
                        }
                    }
                }

                @Override
                public void onProgress(long revision) {
                }

                @Override
                public void onCancelled(long compactRevision, String reason) {
                    synchronized (events) {
                        events.add("cancelled");
                    }
                }
            });
            for (int step = 0; step < 400; step++) {
                int what = random.nextInt(10);
                if (what < 5) {
                    String k = key(random);
                    String v = "v" + step;
                    get(store.put(PutRequest.of(b(k), b(v))));
                    applyPut(k, v);
                } else if (what < 7) {
                    KeyRange r = range(random);
                    get(store.delete(DeleteRequest.of(r)));
                    applyDelete(r);
                } else if (what < 9) {
                    txn(store, random, step);
                } else if (random.nextInt(4) == 0) {
                    long target = compacted + 1 + random.nextInt((int) (current() - compacted));
                    if (target <= current()) {
                        get(store.compact(target, random.nextBoolean()));
                        compacted = target;
                    }
                }
                assertEquals(current(), store.currentRevision());
                checkRange(store, random);
            }
            long last = current();
            StoreFixture.await("the watch reaching " + last, () -> {
                synchronized (events) {
                    return events.size() >= expectedEvents.size();
                }
            });
            synchronized (events) {
                assertEquals(expectedEvents, events);
            }
        }
    }

    private void txn(SqliteDatastore store, Random random, int step) throws Exception {
        String k = key(random);
        KeyValue now = states.get((int) current()).get(k);
        long mod = random.nextBoolean() && now != null ? now.modRevision() : random.nextInt(5);
        String put = key(random);
        String del = key(random);
        while (del.equals(put)) {
            del = key(random);
        }
        TxnRequest t = new TxnRequest(
                List.of(Compare.number(KeyRange.single(b(k)), Compare.Target.MOD, Compare.Result.EQUAL, mod)),
                List.of(new Op.Put(PutRequest.of(b(put), b("t" + step))),
                        new Op.Delete(DeleteRequest.of(KeyRange.single(b(del))))),
                List.of(new Op.Put(PutRequest.of(b(put), b("f" + step)))));
        boolean ok = (now == null ? 0 : now.modRevision()) == mod;
        assertEquals(ok, get(store.txn(t)).succeeded());
        TreeMap<String, KeyValue> next = new TreeMap<>(states.get((int) current()));
        long rev = current() + 1;
        putInto(next, put, (ok ? "t" : "f") + step, rev);
        if (ok && next.remove(del) != null) {
            expectedEvents.add("DELETE " + del + "@" + rev);
        }
        states.add(next);
    }

    private void applyPut(String k, String v) {
        TreeMap<String, KeyValue> next = new TreeMap<>(states.get((int) current()));
        putInto(next, k, v, current() + 1);
        states.add(next);
    }

    private void putInto(TreeMap<String, KeyValue> next, String k, String v, long rev) {
        KeyValue prev = next.get(k);
        next.put(k, new KeyValue(b(k), prev == null ? rev : prev.createRevision(), rev,
                prev == null ? 1 : prev.version() + 1, b(v), 0));
        expectedEvents.add("PUT " + k + "=" + v + "@" + rev + " v" + (prev == null ? 1 : prev.version() + 1));
    }

    private void applyDelete(KeyRange r) {
        TreeMap<String, KeyValue> next = new TreeMap<>(states.get((int) current()));
        List<String> gone = new ArrayList<>();
        for (String k : next.keySet()) {
            if (r.contains(b(k))) {
                gone.add(k);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        long rev = current() + 1;
        for (String k : gone) {
            next.remove(k);
            expectedEvents.add("DELETE " + k + "@" + rev);
        }
        states.add(next);
    }

    private void checkRange(SqliteDatastore store, Random random) throws Exception {
        long at = compacted + random.nextInt((int) (current() - compacted) + 1);
        at = Math.max(at, 1);
        KeyRange r = range(random);
        long limit = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
        RangeResult got = get(store.range(RangeRequest.builder(r).revision(at).limit(limit).build()));
        List<KeyValue> want = new ArrayList<>();
        for (Map.Entry<String, KeyValue> e : states.get((int) at).entrySet()) {
            if (r.contains(b(e.getKey()))) {
                want.add(e.getValue());
            }
        }
        String where = "range " + r + " at " + at + " limit " + limit + " (current " + current() + ", compacted "
                + compacted + ")";
        assertEquals(where, want.size(), got.count());
        List<KeyValue> cut = limit > 0 && want.size() > limit ? want.subList(0, (int) limit) : want;
        assertEquals(where, cut, got.kvs());
        assertEquals(where, limit > 0 && want.size() > limit, got.more());
        assertEquals(where, current(), got.revision());
    }

    private long current() {
        return states.size() - 1;
    }

    private static String key(Random random) {
        return String.format("k%02d", random.nextInt(12));
    }

    private static KeyRange range(Random random) {
        int kind = random.nextInt(4);
        String a = key(random);
        return switch (kind) {
            case 0 -> KeyRange.single(b(a));
            case 1 -> KeyRange.prefix(b(a.substring(0, 2)));
            case 2 -> KeyRange.fromKey(b(a));
            default -> new KeyRange(b(a), b(key(random)));
        };
    }

    private static String describe(Event e) {
        String k = new String(e.kv().key(), StandardCharsets.UTF_8);
        if (e.type() == Event.Type.DELETE) {
            return "DELETE " + k + "@" + e.kv().modRevision();
        }
        return "PUT " + k + "=" + new String(e.kv().value(), StandardCharsets.UTF_8) + "@" + e.kv().modRevision()
                + " v" + e.kv().version();
    }
}
