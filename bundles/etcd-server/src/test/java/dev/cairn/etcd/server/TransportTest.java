package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.protobuf.ByteString;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.ClassRule;
import org.junit.Test;

/** The client port's TLS and limits, and the plain-HTTP metrics port. */
public class TransportTest {
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule();

    private static Rpc.RangeRequest get(String key) {
        return Rpc.RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
    }

    @Test
    public void aClientWithoutACertificateIsRefused() throws Exception {
        try (RawClient client = new RawClient(SERVER, false)) {
            client.kv().withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS).range(get("k"));
            fail("a client without a certificate was served");
        } catch (StatusRuntimeException e) {
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    public void etcdctlWithACertificateFromAnotherCaIsRefused() throws Exception {
        TestTls other = TestTls.create(SERVER.dir.resolve("other-ca"));
        Path serverCa = SERVER.tls.ca;
        Etcdctl.Result r = new Etcdctl(SERVER.endpoint(), other).run("--cacert=" + serverCa, "--dial-timeout=1s", "--command-timeout=1s", "get", "k");
        assertTrue(r.err(), r.exitCode() != 0);
    }

    @Test
    public void requestsAboveTheLimitAreRefusedAsEtcdDoes() throws Exception {
        try (RawClient client = new RawClient(SERVER)) {
            byte[] tooLarge = new byte[ServerSettings.DEFAULT_MAX_REQUEST_BYTES];
            try {
                client.kv().put(Rpc.PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("big"))
                        .setValue(ByteString.copyFrom(tooLarge)).build());
                fail("accepted a request above --max-request-bytes");
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                assertEquals("etcdserver: request is too large", e.getStatus().getDescription());
            }
            byte[] frameTooLarge = new byte[ServerSettings.DEFAULT_MAX_REQUEST_BYTES
                    + ServerSettings.GRPC_OVERHEAD_BYTES + 1];
            try {
                client.kv().put(Rpc.PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("big"))
                        .setValue(ByteString.copyFrom(frameTooLarge)).build());
                fail("accepted a gRPC message above the transport limit");
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            }
            Rpc.RangeRequest badSort = get("k").toBuilder().setSortOrderValue(9).build();
            try {
                client.kv().range(badSort);
                fail("accepted an unknown sort order");
            } catch (StatusRuntimeException e) {
                assertEquals("etcdserver: invalid sort option", e.getStatus().getDescription());
            }
        }
    }

    private static HttpResponse<String> http(String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVER.server.metricsPort() + path))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void healthVersionAndProbes() throws Exception {
        HttpResponse<String> health = http("/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"health\":\"true\",\"reason\":\"\"}", health.body());
        assertEquals("{\"etcdserver\":\"3.5.17\",\"etcdcluster\":\"3.5.0\"}", http("/version").body());
        assertEquals("ok", http("/livez").body());
        assertEquals("ok", http("/readyz").body());
        assertEquals(404, http("/nothing").statusCode());
    }

    @Test
    public void metricsCountRequestsByMethodAndCode() throws Exception {
        try (RawClient client = new RawClient(SERVER)) {
            client.kv().range(get("counted"));
            try {
                client.kv().range(get(""));
            } catch (StatusRuntimeException expected) {
                // counted as InvalidArgument
            }
        }
        HttpResponse<String> r = http("/metrics");
        assertEquals(200, r.statusCode());
        String m = r.body();
        String labels = "grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"";
        assertTrue(m, m.contains("grpc_server_handled_total{" + labels + ",grpc_code=\"OK\"} "));
        assertTrue(m, m.contains("grpc_server_handled_total{" + labels + ",grpc_code=\"InvalidArgument\"} "));
        assertTrue(m, m.contains("grpc_server_handling_seconds_bucket{" + labels + ",le=\"+Inf\"} "));
        assertTrue(m, m.contains("\netcd_server_has_leader 1\n"));
        assertTrue(m, m.matches("(?s).*\nprocess_resident_memory_bytes [1-9]\\d*\n.*"));
        assertTrue(m, m.matches("(?s).*\netcd_mvcc_db_total_size_in_bytes [1-9]\\d*\n.*"));
        assertTrue(m, m.matches("(?s).*\netcd_debugging_mvcc_current_revision [1-9]\\d*\n.*"));
    }
}
