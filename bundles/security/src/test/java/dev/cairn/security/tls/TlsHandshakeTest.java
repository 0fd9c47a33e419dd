package dev.cairn.security.tls;

import static dev.cairn.security.tls.TlsFixture.NODE1;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The JDK's TLS stack (what Netty uses) completes a mutual handshake with the generated etcd files. */
public class TlsHandshakeTest {

    private static final int TIMEOUT_MS = 10_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void mutualTlsWithHostnameVerificationOnTheNodeIp() throws Exception {
        TlsLayout tls = TlsFixture.ensure(temp.getRoot().toPath(), NODE1);
        SSLContext server = context(tls.etcdServerCert(), tls.etcdServerKey(), tls.etcdServerCa());
        SSLContext client = context(tls.etcdClientCert(), tls.etcdClientKey(), tls.etcdServerCa());

        assertEquals("CN=etcd-client", handshake(server, client));
    }

    @Test
    public void peerCertificateIsBothServerAndClient() throws Exception {
        TlsLayout tls = TlsFixture.ensure(temp.getRoot().toPath(), NODE1);
        SSLContext peer = context(tls.peerCert(), tls.peerKey(), tls.peerCa());

        assertEquals("CN=etcd-peer", handshake(peer, peer));
    }

    @Test
    public void clientTrustingAnotherCaRefusesTheServer() throws Exception {
        TlsLayout tls = TlsFixture.ensure(temp.getRoot().toPath(), NODE1);
        SSLContext server = context(tls.etcdServerCert(), tls.etcdServerKey(), tls.etcdServerCa());
        SSLContext client = context(tls.etcdClientCert(), tls.etcdClientKey(), tls.peerCa());

        try {
            handshake(server, client);
            fail("handshake should fail");
        } catch (SSLHandshakeException expected) {
            // PKIX path building failed
        }
    }

    /** Returns the client certificate's subject as the server saw it. */
    private static String handshake(SSLContext serverContext, SSLContext clientContext) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(TIMEOUT_MS);
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(TIMEOUT_MS);
                    socket.startHandshake();
                    String subject = ((java.security.cert.X509Certificate) socket.getSession()
                            .getPeerCertificates()[0]).getSubjectX500Principal().getName();
                    socket.getOutputStream().write(1);
                    socket.getOutputStream().flush();
                    return subject;
                } catch (IOException e) {
                    return "server failed: " + e;
                }
            });
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(loopback, listener.getLocalPort()), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // checks the IP SAN 127.0.0.1
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertEquals(1, socket.getInputStream().read());
            } finally {
                accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            return accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static SSLContext context(Path cert, Path key, Path ca) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", PemFiles.readPrivateKey(key, "test"), password,
                new Certificate[] {TlsFixture.cert(cert)});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", TlsFixture.cert(ca));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);

        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
