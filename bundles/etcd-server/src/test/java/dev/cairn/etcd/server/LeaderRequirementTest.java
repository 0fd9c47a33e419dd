package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.protobuf.ByteString;
import dev.cairn.etcd.pb.KVGrpc;
import dev.cairn.etcd.pb.MaintenanceGrpc;
import dev.cairn.etcd.pb.Rpc;
import dev.cairn.etcd.pb.WatchGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/** clientv3's {@code WithRequireLeader} ({@code hasleader=true}) while the cluster has, then loses, its leader. */
public class LeaderRequirementTest {
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule().wrap(LeaderlessDatastore::new);

    private static LeaderlessDatastore store() {
        return (LeaderlessDatastore) SERVER.datastore;
    }

    @After
    public void restoreLeader() {
        store().leaderless = false;
    }

    private static Rpc.RangeRequest get(String key) {
        return Rpc.RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
    }

    @Test
    public void requestsThatRequireALeaderAreRefusedWithoutOne() throws Exception {
        try (RawClient client = new RawClient(SERVER)) {
            KVGrpc.KVBlockingStub kv = client.kv();
            RawClient.requireLeader(kv).range(get("k"));
            store().leaderless = true;
            try {
                RawClient.requireLeader(kv).range(get("k"));
                fail("expected no leader");
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
                assertEquals("etcdserver: no leader", e.getStatus().getDescription());
            }
            // Without the metadata the read is served, as etcd serves it.
            kv.range(get("k"));
            Rpc.StatusResponse status = MaintenanceGrpc.newBlockingStub(client.channel).status(
                    Rpc.StatusRequest.getDefaultInstance());
            assertEquals(0, status.getLeader());
            assertTrue(status.getErrorsList().contains("etcdserver: no leader"));
        }
    }

    @Test
    public void healthSaysWhyWithoutALeader() throws Exception {
        store().leaderless = true;
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + SERVER.server.metricsPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode());
        assertEquals("{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}", r.body());
    }

    @Test
    public void withoutALeaderTheServerIsNotReadyButStaysLive() throws Exception {
        assertEquals(200, http("/readyz").statusCode());
        store().leaderless = true;
        HttpResponse<String> ready = http("/readyz");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body(), ready.body().startsWith("[-]linearizable_read failed: no leader: this member cannot"
                + " reach a majority of the voters"));
        assertTrue(ready.body(), ready.body().endsWith("\nreadyz check failed"));
        HttpResponse<String> live = http("/livez");
        assertEquals("losing quorum must not get the server restarted", 200, live.statusCode());
        assertEquals("ok", live.body());
    }

    private static HttpResponse<String> http(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + SERVER.server.metricsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void streamsThatRequireALeaderEndWhenItIsLost() throws Exception {
        try (RawClient client = new RawClient(SERVER)) {
            RawClient.WatchStreamClient w = new RawClient.WatchStreamClient(
                    RawClient.requireLeader(WatchGrpc.newStub(client.channel)));
            w.create(Rpc.WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")));
            assertTrue(w.next().getCreated());
            store().leaderless = true;
            // etcd waits three election timeouts (3 s) before it cancels such streams.
            Throwable t = w.error();
            Status s = Status.fromThrowable(t);
            assertEquals(Status.Code.UNAVAILABLE, s.getCode());
            assertEquals("etcdserver: no leader", s.getDescription());
        }
    }
}
