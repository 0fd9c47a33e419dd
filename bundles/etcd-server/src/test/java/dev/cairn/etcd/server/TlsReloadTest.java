package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import com.google.protobuf.ByteString;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.Rule;
import org.junit.Test;

/** Renewed certificates are served to new connections while the port stays open and old connections go on. */
public class TlsReloadTest {

    @Rule
    public EtcdServerRule server = new EtcdServerRule();

    @Test
    public void afterAReloadNewConnectionsSeeTheNewCertificateAndOpenOnesKeepWorking() throws Exception {
        BigInteger before = serial(server.tls.serverCert);
        try (RawClient existing = new RawClient(server)) {
            assertEquals(before, put(existing, "before"));
            RawClient.WatchStreamClient watch = existing.watch();
            watch.create(Rpc.WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("after")));
            assertEquals(true, watch.next().getCreated());

            X509Certificate renewed = server.tls.renewServerCertificate();
            server.server.reloadTls();

            try (RawClient fresh = new RawClient(server)) {
                assertEquals(renewed.getSerialNumber(), put(fresh, "after"));
            }
            // the open connection was not dropped: it still speaks with the certificate it started with, and its
            // watch stream sees the write made over the new connection
            assertEquals("after", watch.next().getEvents(0).getKv().getKey().toStringUtf8());
            assertEquals(before, put(existing, "again"));
            assertNotEquals(before, renewed.getSerialNumber());
        }
    }

    private static BigInteger serial(java.nio.file.Path pem) throws Exception {
        try (var in = java.nio.file.Files.newInputStream(pem)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSerialNumber();
        }
    }

    /** Puts {@code key} over {@code client}'s channel; returns the serial of the certificate the server showed. */
    private static BigInteger put(RawClient client, String key) {
        AtomicReference<SSLSession> session = new AtomicReference<>();
        client.kv().withInterceptors(new SessionCapture(session)).put(Rpc.PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v")).build());
        try {
            return ((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new AssertionError(e);
        }
    }

    /** Records the TLS session a call ran on. */
    private static final class SessionCapture implements ClientInterceptor {
        private final AtomicReference<SSLSession> session;

        SessionCapture(AtomicReference<SSLSession> session) {
            this.session = session;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            ClientCall<Q, R> call = next.newCall(method, options);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata h) {
                            session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                            super.onHeaders(h);
                        }
                    }, headers);
                }
            };
        }
    }
}
