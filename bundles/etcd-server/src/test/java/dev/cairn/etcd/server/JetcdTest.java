package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Test;

/** jetcd-core 0.8.5 against the server: the Java client paths, including its server-side Lock and Election. */
public class JetcdTest {
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule();
    private static final long WAIT = 20;

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    private static Client client() throws Exception {
        return SERVER.jetcd();
    }

    /** The server's error text, from however jetcd wrapped it. */
    private static String failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(WAIT, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
        }
        fail("expected the request to fail");
        return null;
    }

    @Test
    public void putGetDeleteWithHeaders() throws Exception {
        KV kv = client().getKVClient();
        long rev = get(kv.put(b("/j/kv/a"), b("1"))).getHeader().getRevision();
        var got = get(kv.get(b("/j/kv/a")));
        assertEquals(1, got.getKvs().size());
        assertEquals("1", got.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
        assertEquals(rev, got.getKvs().get(0).getModRevision());
        assertEquals(rev, got.getHeader().getRevision());
        assertTrue(got.getHeader().getClusterId() != 0 && got.getHeader().getMemberId() != 0);
        var prev = get(kv.put(b("/j/kv/a"), b("2"), PutOption.builder().withPrevKV().build())).getPrevKv();
        assertEquals("1", prev.getValue().toString(StandardCharsets.UTF_8));
        assertEquals(1, get(kv.delete(b("/j/kv/a"))).getDeleted());
    }

    @Test
    public void rangeSortsAndFiltersByCreateRevision() throws Exception {
        KV kv = client().getKVClient();
        for (String k : List.of("c", "a", "b")) {
            get(kv.put(b("/j/sort/" + k), b(k)));
        }
        var newest = get(kv.get(b("/j/sort/"), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(1).build()));
        assertEquals("/j/sort/b", newest.getKvs().get(0).getKey().toString(StandardCharsets.UTF_8));
        assertEquals(3, newest.getCount());
        assertTrue(newest.isMore());
        long firstRev = get(kv.get(b("/j/sort/c"))).getKvs().get(0).getCreateRevision();
        var upToFirst = get(kv.get(b("/j/sort/"), GetOption.builder().isPrefix(true)
                .withMaxCreateRevision(firstRev).build()));
        assertEquals(1, upToFirst.getKvs().size());
    }

    @Test
    public void txnWithCompares() throws Exception {
        KV kv = client().getKVClient();
        get(kv.put(b("/j/txn/k"), b("v0")));
        Txn txn = kv.txn().If(new Cmp(b("/j/txn/k"), Cmp.Op.EQUAL, CmpTarget.value(b("v0"))))
                .Then(Op.put(b("/j/txn/k"), b("v1"), PutOption.DEFAULT), Op.get(b("/j/txn/k"), GetOption.DEFAULT))
                .Else(Op.get(b("/j/txn/k"), GetOption.DEFAULT));
        TxnResponse r = get(txn.commit());
        assertTrue(r.isSucceeded());
        assertEquals("v1", r.getGetResponses().get(0).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
        assertEquals(r.getHeader().getRevision(), r.getPutResponses().get(0).getHeader().getRevision());
        assertEquals(0, r.getPutResponses().get(0).getHeader().getClusterId());
    }

    @Test
    public void errorsAreEtcds() throws Exception {
        KV kv = client().getKVClient();
        byte[] big = new byte[ServerSettings.DEFAULT_MAX_REQUEST_BYTES + 1000];
        assertTrue(failure(kv.put(b("/j/err/big"), ByteSequence.from(big)))
                .contains("etcdserver: request is too large"));
        Op[] ops = new Op[129];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Op.put(b("/j/err/many/" + i), b("v"), PutOption.DEFAULT);
        }
        assertTrue(failure(kv.txn().Then(ops).commit()).contains("etcdserver: too many operations in txn request"));
        assertTrue(failure(kv.txn().Then(Op.put(b("/j/err/dup"), b("1"), PutOption.DEFAULT),
                Op.put(b("/j/err/dup"), b("2"), PutOption.DEFAULT)).commit())
                .contains("etcdserver: duplicate key given in txn request"));
        assertTrue(failure(kv.put(ByteSequence.EMPTY, b("v"))).contains("etcdserver: key is not provided"));
        assertTrue(failure(kv.put(b("/j/err/lease"), b("v"), PutOption.builder().withLeaseId(0x1234abcdL).build()))
                .contains("etcdserver: requested lease not found"));
        assertTrue(failure(kv.get(b("/j/err/x"), GetOption.builder().withRevision(1_000_000).build()))
                .contains("etcdserver: mvcc: required revision is a future revision"));
    }

    @Test
    public void watchSeesPutsAndDeletesWithPrevKv() throws Exception {
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        try (var watcher = client().getWatchClient().watch(b("/j/watch/"),
                WatchOption.builder().isPrefix(true).withPrevKV(true).build(),
                (WatchResponse r) -> events.addAll(r.getEvents()))) {
            // The watch is registered once a write made after it shows up.
            KV kv = client().getKVClient();
            get(kv.put(b("/j/watch/a"), b("1")));
            WatchEvent put = events.poll(WAIT, TimeUnit.SECONDS);
            if (put == null) {
                fail("no event");
            }
            assertEquals(WatchEvent.EventType.PUT, put.getEventType());
            get(kv.put(b("/j/watch/a"), b("2")));
            WatchEvent update = events.poll(WAIT, TimeUnit.SECONDS);
            assertEquals("1", update.getPrevKV().getValue().toString(StandardCharsets.UTF_8));
            get(kv.delete(b("/j/watch/a")));
            WatchEvent delete = events.poll(WAIT, TimeUnit.SECONDS);
            assertEquals(WatchEvent.EventType.DELETE, delete.getEventType());
            assertEquals("2", delete.getPrevKV().getValue().toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    public void leaseKeepAliveAndTimeToLive() throws Exception {
        var leases = client().getLeaseClient();
        long id = get(leases.grant(30)).getID();
        BlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        try (var keepAlive = leases.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                answers.add(r);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        })) {
            LeaseKeepAliveResponse r = answers.poll(WAIT, TimeUnit.SECONDS);
            assertEquals(id, r.getID());
            assertEquals(30, r.getTTL());
        }
        var ttl = get(leases.timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT));
        assertEquals(30, ttl.getGrantedTTL());
        assertTrue(ttl.getTTL() > 0 && ttl.getTTL() <= 30);
        get(leases.revoke(id));
        assertEquals(-1, get(leases.timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT)).getTTL());
    }

    @Test
    public void lockIsHeldUntilUnlocked() throws Exception {
        var leases = client().getLeaseClient();
        long first = get(leases.grant(30)).getID();
        long second = get(leases.grant(30)).getID();
        var lock = client().getLockClient();
        LockResponse held = get(lock.lock(b("/j/lock"), first));
        assertTrue(held.getKey().toString(StandardCharsets.UTF_8)
                .equals("/j/lock/" + Long.toHexString(first)));
        CompletableFuture<LockResponse> waiting = lock.lock(b("/j/lock"), second);
        assertFalse(waitsAtLeast(waiting, 300));
        get(lock.unlock(held.getKey()));
        assertEquals("/j/lock/" + Long.toHexString(second),
                get(waiting).getKey().toString(StandardCharsets.UTF_8));
        get(lock.unlock(get(waiting).getKey()));
    }

    /** False when the future is still not done after {@code millis}: the only way to show that something waits. */
    private static boolean waitsAtLeast(CompletableFuture<?> f, long millis) throws Exception {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Test
    public void electionCampaignProclaimObserveResign() throws Exception {
        var election = client().getElectionClient();
        long lease = get(client().getLeaseClient().grant(30)).getID();
        BlockingQueue<String> observed = new LinkedBlockingQueue<>();
        election.observe(b("/j/elect"), new io.etcd.jetcd.Election.Listener() {
            @Override
            public void onNext(LeaderResponse r) {
                observed.add(r.getKv().getValue().toString(StandardCharsets.UTF_8));
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        CampaignResponse won = get(election.campaign(b("/j/elect"), lease, b("one")));
        assertEquals("one", get(election.leader(b("/j/elect"))).getKv().getValue()
                .toString(StandardCharsets.UTF_8));
        assertEquals("one", observed.poll(WAIT, TimeUnit.SECONDS));
        get(election.proclaim(won.getLeader(), b("two")));
        assertEquals("two", observed.poll(WAIT, TimeUnit.SECONDS));
        get(election.resign(won.getLeader()));
        // jetcd recognises etcd's "election: no leader" text and raises its own exception for it.
        String noLeader = failure(election.leader(b("/j/elect")));
        assertTrue(noLeader, noLeader.startsWith("NoLeaderException"));
    }

    @Test
    public void maintenanceStatusAsJetcdChecksIt() throws Exception {
        get(client().getKVClient().put(b("/j/m/k"), b("v")));
        StatusResponse s = get(client().getMaintenanceClient().statusMember(SERVER.endpoint()));
        assertEquals("3.5.17", s.getVersion());
        assertTrue(s.getDbSize() > 0);
        assertTrue(s.getRaftIndex() > 0);
        assertEquals(s.getHeader().getMemberId(), s.getLeader());
        var hash = get(client().getMaintenanceClient().hashKV(SERVER.endpoint(), 0));
        assertTrue(hash.getHeader().getRevision() > 0);
        assertTrue(get(client().getMaintenanceClient().listAlarms()).getAlarms().isEmpty());
        get(client().getMaintenanceClient().defragmentMember(SERVER.endpoint()));
        var members = get(client().getClusterClient().listMember()).getMembers();
        assertEquals(1, members.size());
        assertEquals(s.getHeader().getMemberId(), members.get(0).getId());
    }
}
