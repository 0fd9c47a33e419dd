package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * jetcd-core (the Java etcd client) against the real server over TLS with the client certificate the server wrote:
 * the KV, Watch, Lease, Lock, Election and Maintenance calls a Java application makes. Each test has its own keys.
 */
public class JetcdClientIT {

    private static final String ADDRESS = "127.0.0.33";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ManagedServer server;
    private static Client client;

    @BeforeClass
    public static void startServer() {
        server = ServerUnderTest.start("jetcd-cairn", ADDRESS);
        client = EtcdClients.jetcd(server);
    }

    @AfterClass
    public static void stopServer() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    public void putGetDeleteWithPrefixAndRevisions() {
        KV kv = client.getKVClient();
        PutResponse first = await(kv.put(bytes("/kv/a"), bytes("1")));
        PutResponse second = await(kv.put(bytes("/kv/b"), bytes("2")));
        PutResponse update = await(kv.put(bytes("/kv/a"), bytes("11"), PutOption.builder().withPrevKV().build()));
        assertEquals("each put is one new revision", first.getHeader().getRevision() + 1,
                second.getHeader().getRevision());
        assertTrue("put --prev-kv returns the old value", update.hasPrevKv());
        assertEquals("1", text(update.getPrevKv().getValue()));

        KeyValue a = await(kv.get(bytes("/kv/a"))).getKvs().get(0);
        assertEquals("11", text(a.getValue()));
        assertEquals(2, a.getVersion());
        assertEquals(first.getHeader().getRevision(), a.getCreateRevision());
        assertEquals(update.getHeader().getRevision(), a.getModRevision());

        GetResponse prefix = await(kv.get(bytes("/kv/"), GetOption.builder().isPrefix(true).build()));
        assertEquals(List.of("/kv/a", "/kv/b"), keys(prefix.getKvs()));
        assertEquals(2, prefix.getCount());

        GetResponse old = await(kv.get(bytes("/kv/a"),
                GetOption.builder().withRevision(first.getHeader().getRevision()).build()));
        assertEquals("a read at an old revision sees the old value", "1", text(old.getKvs().get(0).getValue()));
        assertEquals("the header carries the current revision, not the requested one",
                update.getHeader().getRevision(), old.getHeader().getRevision());

        DeleteResponse deleted = await(kv.delete(bytes("/kv/"),
                DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
        assertEquals(2, deleted.getDeleted());
        assertEquals(List.of("/kv/a", "/kv/b"), keys(deleted.getPrevKvs()));
        assertEquals(0, await(kv.get(bytes("/kv/"), GetOption.builder().isPrefix(true).build())).getCount());
        assertEquals("deleting nothing leaves the revision alone", deleted.getHeader().getRevision(),
                await(kv.delete(bytes("/kv/missing"))).getHeader().getRevision());
    }

    @Test
    public void rangeOptionsLimitCountSortAndFilters() {
        KV kv = client.getKVClient();
        for (String key : List.of("c", "a", "d", "b")) {
            await(kv.put(bytes("/range/" + key), bytes("value-" + key)));
        }
        await(kv.put(bytes("/range/a"), bytes("value-a2")));
        GetOption.Builder prefix = GetOption.builder().isPrefix(true);

        GetResponse limited = await(kv.get(bytes("/range/"), prefix.withLimit(2).build()));
        assertEquals(List.of("/range/a", "/range/b"), keys(limited.getKvs()));
        assertTrue("more keys exist beyond the limit", limited.isMore());
        assertEquals("count ignores the limit", 4, limited.getCount());

        GetResponse countOnly = await(kv.get(bytes("/range/"),
                GetOption.builder().isPrefix(true).withCountOnly(true).build()));
        assertEquals(4, countOnly.getCount());
        assertTrue("count-only returns no key-values", countOnly.getKvs().isEmpty());

        GetResponse keysOnly = await(kv.get(bytes("/range/"),
                GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
        assertEquals(4, keysOnly.getKvs().size());
        assertTrue("keys-only returns no values", keysOnly.getKvs().stream().allMatch(k -> k.getValue().isEmpty()));
        assertEquals("keys-only still reports versions", 2, keysOnly.getKvs().get(0).getVersion());

        GetResponse byCreate = await(kv.get(bytes("/range/"), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND).build()));
        assertEquals(List.of("/range/b", "/range/d", "/range/a", "/range/c"), keys(byCreate.getKvs()));

        GetResponse byMod = await(kv.get(bytes("/range/"), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(1)
                .build()));
        assertEquals(List.of("/range/a"), keys(byMod.getKvs()));

        long aCreated = byCreate.getKvs().get(2).getCreateRevision();
        GetResponse filtered = await(kv.get(bytes("/range/"), GetOption.builder().isPrefix(true)
                .withMaxCreateRevision(aCreated).build()));
        assertEquals("max-create-revision keeps keys created up to it", List.of("/range/a", "/range/c"),
                keys(filtered.getKvs()));
        assertEquals("filters do not change count", 4, filtered.getCount());

        GetResponse serializable = await(kv.get(bytes("/range/"),
                GetOption.builder().isPrefix(true).withSerializable(true).build()));
        assertEquals(4, serializable.getKvs().size());
        await(kv.delete(bytes("/range/"), DeleteOption.builder().isPrefix(true).build()));
    }

    @Test
    public void txnChoosesItsBranchByComparesOnValueVersionCreateAndMod() {
        KV kv = client.getKVClient();
        PutResponse created = await(kv.put(bytes("/txn/k"), bytes("v1")));
        PutResponse modified = await(kv.put(bytes("/txn/k"), bytes("v2")));
        long createRev = created.getHeader().getRevision();
        long modRev = modified.getHeader().getRevision();

        TxnResponse then = await(kv.txn()
                .If(new Cmp(bytes("/txn/k"), Cmp.Op.EQUAL, CmpTarget.value(bytes("v2"))),
                        new Cmp(bytes("/txn/k"), Cmp.Op.EQUAL, CmpTarget.version(2)),
                        new Cmp(bytes("/txn/k"), Cmp.Op.EQUAL, CmpTarget.createRevision(createRev)),
                        new Cmp(bytes("/txn/k"), Cmp.Op.GREATER, CmpTarget.modRevision(createRev)))
                .Then(Op.put(bytes("/txn/then"), bytes("yes"), PutOption.DEFAULT),
                        Op.put(bytes("/txn/then2"), bytes("yes"), PutOption.DEFAULT),
                        Op.get(bytes("/txn/then"), GetOption.DEFAULT))
                .Else(Op.put(bytes("/txn/else"), bytes("yes"), PutOption.DEFAULT))
                .commit());
        assertTrue(then.isSucceeded());
        assertEquals("all writes of a txn share one revision", modRev + 1, then.getHeader().getRevision());
        assertEquals("a read inside the txn sees its own write", "yes",
                text(then.getGetResponses().get(0).getKvs().get(0).getValue()));
        assertEquals(modRev + 1, then.getGetResponses().get(0).getKvs().get(0).getModRevision());

        TxnResponse otherwise = await(kv.txn()
                .If(new Cmp(bytes("/txn/k"), Cmp.Op.LESS, CmpTarget.modRevision(modRev)))
                .Then(Op.put(bytes("/txn/then"), bytes("again"), PutOption.DEFAULT))
                .Else(Op.get(bytes("/txn/k"), GetOption.DEFAULT),
                        Op.delete(bytes("/txn/then2"), DeleteOption.DEFAULT))
                .commit());
        assertFalse(otherwise.isSucceeded());
        assertEquals("v2", text(otherwise.getGetResponses().get(0).getKvs().get(0).getValue()));
        assertEquals(1, otherwise.getDeleteResponses().get(0).getDeleted());

        TxnResponse missing = await(kv.txn()
                .If(new Cmp(bytes("/txn/missing"), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(bytes("/txn/missing"), bytes("created"), PutOption.DEFAULT))
                .commit());
        assertTrue("a missing key compares as version 0 (create-if-absent)", missing.isSucceeded());

        TxnResponse readOnly = await(kv.txn()
                .If(new Cmp(bytes("/txn/k"), Cmp.Op.EQUAL, CmpTarget.value(bytes("nope"))))
                .Then(Op.put(bytes("/txn/never"), bytes("x"), PutOption.DEFAULT))
                .commit());
        assertFalse(readOnly.isSucceeded());
        assertEquals("a failed txn with no writes keeps the revision", missing.getHeader().getRevision(),
                readOnly.getHeader().getRevision());
        await(kv.delete(bytes("/txn/"), DeleteOption.builder().isPrefix(true).build()));
    }

    @Test
    public void watchDeliversPutAndDeleteEventsWithPrevKv() throws InterruptedException {
        KV kv = client.getKVClient();
        long start = await(kv.put(bytes("/watch1/seed"), bytes("0"))).getHeader().getRevision() + 1;
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        // starting at the next revision makes the test independent of when the watch stream is established
        try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("/watch1/"),
                WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(start).build(),
                Watch.listener(r -> events.addAll(r.getEvents()), errors::add))) {
            await(kv.put(bytes("/watch1/k"), bytes("a")));
            await(kv.put(bytes("/watch1/k"), bytes("b")));
            await(kv.delete(bytes("/watch1/k")));
            await(kv.put(bytes("/watch1-outside"), bytes("not in the prefix")));

            WatchEvent created = next(events, errors);
            assertEquals(WatchEvent.EventType.PUT, created.getEventType());
            assertEquals("a", text(created.getKeyValue().getValue()));
            assertEquals(1, created.getKeyValue().getVersion());
            assertEquals(start, created.getKeyValue().getModRevision());

            WatchEvent updated = next(events, errors);
            assertEquals("b", text(updated.getKeyValue().getValue()));
            assertEquals("the update carries the previous value", "a", text(updated.getPrevKV().getValue()));

            WatchEvent deleted = next(events, errors);
            assertEquals(WatchEvent.EventType.DELETE, deleted.getEventType());
            assertEquals("/watch1/k", text(deleted.getKeyValue().getKey()));
            assertEquals(start + 2, deleted.getKeyValue().getModRevision());
            assertEquals("the delete carries the deleted value", "b", text(deleted.getPrevKV().getValue()));
        }
        assertTrue("no event outside the prefix: " + events, events.isEmpty());
        await(kv.delete(bytes("/watch1"), DeleteOption.builder().isPrefix(true).build()));
    }

    @Test
    public void watchResumesFromAPastRevision() throws InterruptedException {
        KV kv = client.getKVClient();
        List<Long> revisions = new ArrayList<>();
        for (String value : List.of("v1", "v2", "v3", "v4")) {
            revisions.add(await(kv.put(bytes("/watch2/k"), bytes(value))).getHeader().getRevision());
        }
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        // a client that saw v2 resumes from the revision after it and must get exactly v3, v4, then live events
        try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("/watch2/k"),
                WatchOption.builder().withRevision(revisions.get(1) + 1).build(),
                Watch.listener(r -> events.addAll(r.getEvents()), errors::add))) {
            assertEquals("v3", text(next(events, errors).getKeyValue().getValue()));
            assertEquals("v4", text(next(events, errors).getKeyValue().getValue()));
            await(kv.put(bytes("/watch2/k"), bytes("v5")));
            WatchEvent live = next(events, errors);
            assertEquals("v5", text(live.getKeyValue().getValue()));
            assertEquals(revisions.get(3) + 1, live.getKeyValue().getModRevision());
        }
        await(kv.delete(bytes("/watch2/k")));
    }

    @Test
    public void watchBelowTheCompactedRevisionReportsCompaction() throws InterruptedException {
        KV kv = client.getKVClient();
        long first = await(kv.put(bytes("/watch3/k"), bytes("v1"))).getHeader().getRevision();
        long second = await(kv.put(bytes("/watch3/k"), bytes("v2"))).getHeader().getRevision();
        await(kv.compact(second));
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("/watch3/k"),
                WatchOption.builder().withRevision(first).build(), Watch.listener(r -> { }, errors::add))) {
            Throwable error = errors.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull("a watch from a compacted revision must fail\n" + server.logTail(), error);
            assertTrue("the failure says the revision was compacted: " + error,
                    error instanceof CompactedException
                            || String.valueOf(error.getMessage()).contains("required revision has been compacted"));
        }
        await(kv.delete(bytes("/watch3/k")));
    }

    @Test
    public void leaseGrantTimeToLiveKeepAliveAndRevokeDeletingItsKeys() throws InterruptedException {
        KV kv = client.getKVClient();
        long lease = await(client.getLeaseClient().grant(600)).getID();
        await(kv.put(bytes("/lease1/a"), bytes("1"), PutOption.builder().withLeaseId(lease).build()));
        await(kv.put(bytes("/lease1/b"), bytes("2"), PutOption.builder().withLeaseId(lease).build()));
        assertEquals(lease, await(kv.get(bytes("/lease1/a"))).getKvs().get(0).getLease());

        LeaseTimeToLiveResponse ttl = await(client.getLeaseClient().timeToLive(lease,
                LeaseOption.builder().withAttachedKeys().build()));
        assertEquals(600, ttl.getGrantedTTL());
        assertTrue("remaining TTL " + ttl.getTTL(), ttl.getTTL() > 590 && ttl.getTTL() <= 600);
        assertEquals(List.of("/lease1/a", "/lease1/b"),
                ttl.getKeys().stream().map(JetcdClientIT::text).sorted().collect(Collectors.toList()));

        LeaseKeepAliveResponse once = await(client.getLeaseClient().keepAliveOnce(lease));
        assertEquals(lease, once.getID());
        assertEquals(600, once.getTTL());

        long revision = await(kv.get(bytes("/lease1/a"))).getHeader().getRevision();
        long revokedAt = await(client.getLeaseClient().revoke(lease)).getHeader().getRevision();
        assertEquals("revoking deletes all its keys in one revision", revision + 1, revokedAt);
        assertEquals(0, await(kv.get(bytes("/lease1/"), GetOption.builder().isPrefix(true).build())).getCount());
        assertEquals("a revoked lease reports TTL -1", -1,
                await(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getTTL());
    }

    @Test
    public void keptAliveLeaseOutlivesItsTtlAndAnExpiredOneDeletesItsKey() throws InterruptedException {
        KV kv = client.getKVClient();
        long kept = await(client.getLeaseClient().grant(2)).getID();
        long expiring = await(client.getLeaseClient().grant(2)).getID();
        await(kv.put(bytes("/lease2/kept"), bytes("1"), PutOption.builder().withLeaseId(kept).build()));
        await(kv.put(bytes("/lease2/expiring"), bytes("1"), PutOption.builder().withLeaseId(expiring).build()));
        AtomicInteger renewals = new AtomicInteger();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (var keepAlive = client.getLeaseClient().keepAlive(kept, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                renewals.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onCompleted() {
            }
        })) {
            Await.until("the un-renewed lease to expire and delete its key", WAIT,
                    () -> await(kv.get(bytes("/lease2/expiring"))).getCount() == 0, server::logTail);
            // jetcd renews every TTL/3; by the time the other lease expired, this one was renewed several times
            Await.until("three keep-alive renewals", WAIT, () -> renewals.get() >= 3, server::logTail);
            assertTrue("keep-alive errors: " + errors, errors.isEmpty());
            assertEquals("the kept-alive key survives its TTL", 1,
                    await(kv.get(bytes("/lease2/kept"))).getCount());
            assertTrue(await(client.getLeaseClient().timeToLive(kept, LeaseOption.DEFAULT)).getTTL() > 0);
        }
        await(client.getLeaseClient().revoke(kept));
    }

    @Test
    public void lockIsExclusiveUntilUnlocked() throws Exception {
        long firstLease = await(client.getLeaseClient().grant(60)).getID();
        long secondLease = await(client.getLeaseClient().grant(60)).getID();
        ByteSequence name = bytes("/lock1/l");
        LockResponse first = await(client.getLockClient().lock(name, firstLease));
        assertTrue(text(first.getKey()).startsWith("/lock1/l/"));

        CompletableFuture<LockResponse> second = client.getLockClient().lock(name, secondLease);
        Await.until("the second locker to queue behind the first", WAIT, () -> await(client.getKVClient()
                .get(name, GetOption.builder().isPrefix(true).build())).getCount() == 2, server::logTail);
        assertFalse("the lock is still held by the first owner", second.isDone());

        await(client.getLockClient().unlock(first.getKey()));
        LockResponse acquired = second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(acquired.getKey().equals(first.getKey()));
        await(client.getLockClient().unlock(acquired.getKey()));
        assertEquals(0, await(client.getKVClient().get(name, GetOption.builder().isPrefix(true).build())).getCount());
        await(client.getLeaseClient().revoke(firstLease));
        await(client.getLeaseClient().revoke(secondLease));
    }

    @Test
    public void electionCampaignProclaimObserveAndResign() throws Exception {
        Election election = client.getElectionClient();
        ByteSequence name = bytes("/elect1/e");
        long firstLease = await(client.getLeaseClient().grant(60)).getID();
        long secondLease = await(client.getLeaseClient().grant(60)).getID();
        CampaignResponse first = await(election.campaign(name, firstLease, bytes("p1")));
        LeaderKey firstKey = first.getLeader();
        assertEquals("p1", text(await(election.leader(name)).getKv().getValue()));

        BlockingQueue<String> observed = new LinkedBlockingQueue<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        election.observe(name, new Election.Listener() {
            @Override
            public void onNext(LeaderResponse response) {
                observed.add(text(response.getKv().getValue()));
            }

            @Override
            public void onError(Throwable throwable) {
                errors.add(throwable);
            }

            @Override
            public void onCompleted() {
            }
        });
        assertEquals("observe starts with the current leader", "p1", poll(observed, errors));

        await(election.proclaim(firstKey, bytes("p1-updated")));
        assertEquals("p1-updated", text(await(election.leader(name)).getKv().getValue()));
        assertEquals("p1-updated", poll(observed, errors));

        CompletableFuture<CampaignResponse> second = election.campaign(name, secondLease, bytes("p2"));
        Await.until("the second candidate to queue", WAIT, () -> await(client.getKVClient()
                .get(name, GetOption.builder().isPrefix(true).build())).getCount() == 2, server::logTail);
        assertFalse("p2 cannot lead while p1 does", second.isDone());

        await(election.resign(firstKey));
        CampaignResponse elected = second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("p2", text(await(election.leader(name)).getKv().getValue()));
        assertEquals("p2", poll(observed, errors));
        await(election.resign(elected.getLeader()));
        await(client.getLeaseClient().revoke(firstLease));
        await(client.getLeaseClient().revoke(secondLease));
    }

    @Test
    public void maintenanceStatusDescribesTheServingMember() {
        StatusResponse status = await(client.getMaintenanceClient().statusMember(server.clientUrl()));
        assertTrue("version is etcd-style semver: " + status.getVersion(),
                status.getVersion().matches("3\\.\\d+\\.\\d+.*"));
        assertTrue("db size " + status.getDbSize(), status.getDbSize() > 0);
        assertEquals("a single server leads itself", status.getHeader().getMemberId(), status.getLeader());
        assertTrue("raft index " + status.getRaftIndex(), status.getRaftIndex() > 0);
        assertTrue("raft term " + status.getRaftTerm(), status.getRaftTerm() > 0);
    }

    private static WatchEvent next(BlockingQueue<WatchEvent> events, List<Throwable> errors)
            throws InterruptedException {
        WatchEvent event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (event == null) {
            fail("no watch event within " + WAIT.toSeconds() + " s; errors: " + errors + "\n" + server.logTail());
        }
        return event;
    }

    private static String poll(BlockingQueue<String> values, List<Throwable> errors) throws InterruptedException {
        String value = values.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (value == null) {
            fail("no election observation within " + WAIT.toSeconds() + " s; errors: " + errors + "\n"
                    + server.logTail());
        }
        return value;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("request failed: " + e.getCause() + "\n" + server.logTail(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT.toSeconds() + " s\n" + server.logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> text(kv.getKey())).collect(Collectors.toList());
    }
}
