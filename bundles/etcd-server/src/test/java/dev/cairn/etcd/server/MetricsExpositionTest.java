package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.protobuf.ByteString;
import dev.cairn.etcd.pb.LeaseGrpc;
import dev.cairn.etcd.pb.Rpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The metrics port scraped and parsed as Prometheus parses it, on a server whose disk is slow (the fsyncDelay
 * failpoint at 130 ms, above the 100 ms a single server tolerates): the write path, the slow disk, watches and
 * leases under etcd's names.
 */
public class MetricsExpositionTest {
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule().fsyncDelay(Duration.ofMillis(130));

    private static Map<String, PrometheusText.Family> scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + SERVER.server.metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
        return PrometheusText.parse(r.body());
    }

    @Test
    public void theWritePathTheSlowDiskWatchesAndLeasesAreExposedInEtcdsNames() throws Exception {
        try (RawClient client = new RawClient(SERVER)) {
            for (int i = 0; i < 3; i++) {
                client.kv().put(Rpc.PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + i))
                        .setValue(ByteString.copyFromUtf8("v")).build());
            }
            LeaseGrpc.newBlockingStub(client.channel).leaseGrant(Rpc.LeaseGrantRequest.newBuilder().setTTL(60)
                    .build());
            RawClient.WatchStreamClient w = new RawClient.WatchStreamClient(
                    dev.cairn.etcd.pb.WatchGrpc.newStub(client.channel));
            w.create(Rpc.WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")));
            assertTrue(w.next().getCreated());

            Map<String, PrometheusText.Family> m = scrape();
            PrometheusText.Family fsync = m.get("etcd_disk_wal_fsync_duration_seconds");
            assertEquals("histogram", fsync.type());
            double fsyncs = fsync.sample(fsync.name() + "_count", Map.of()).value();
            assertTrue("fsyncs " + fsyncs, fsyncs >= 4); // three puts and the lease grant
            assertEquals("no fsync faster than the injected delay", 0,
                    PrometheusText.bucket(fsync, "0.128"), 0);
            assertEquals("histogram", m.get("etcd_disk_backend_commit_duration_seconds").type());
            PrometheusText.Family batch = m.get("cairn_write_batch_size");
            assertEquals(fsyncs, PrometheusText.bucket(batch, "+Inf"), 0);

            Map<String, String> dir = Map.of("dir", SERVER.store.file().getParent().toString());
            assertEquals(1, m.get("cairn_disk_slow").sample("cairn_disk_slow", dir).value(), 0);
            assertTrue(m.get("cairn_disk_fsync_probe_p99_seconds")
                    .sample("cairn_disk_fsync_probe_p99_seconds", dir).value() >= 0.13);
            assertEquals(0.1, m.get("cairn_disk_fsync_tolerated_p99_seconds")
                    .sample("cairn_disk_fsync_tolerated_p99_seconds", dir).value(), 1e-9);

            assertEquals(1, m.get("etcd_debugging_mvcc_watcher_total").value(), 0);
            assertEquals(1, m.get("etcd_mvcc_watcher_total").value(), 0);
            assertEquals(0, m.get("etcd_debugging_mvcc_pending_events_total").value(), 0);
            assertEquals(1, m.get("cairn_lease_active").value(), 0);
            assertTrue(m.get("etcd_server_proposals_committed_total").value() >= 4);
            assertTrue(m.get("etcd_server_proposals_applied_total").value() >= 4);
            assertEquals(0, m.get("etcd_server_proposals_pending").value(), 0);
            assertEquals("counter", m.get("etcd_server_proposals_failed_total").type());
            assertTrue(m.get("etcd_mvcc_db_total_size_in_bytes").value() > 0);
            assertEquals(1, m.get("etcd_server_has_leader").value(), 0);
            assertTrue(m.get("grpc_server_handling_seconds").samples().stream()
                    .anyMatch(s -> "Put".equals(s.labels().get("grpc_method"))));
            w.close();
        }
    }
}
