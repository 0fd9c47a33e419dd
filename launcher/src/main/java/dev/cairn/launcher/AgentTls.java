package dev.cairn.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's TLS for the Kubernetes API: its kubelet client certificate and key, and trust in the pinned cluster
 * CA only.
 */
final class AgentTls {
    private AgentTls() {
    }

    /**
     * @param keyPem   PKCS#8 {@code BEGIN PRIVATE KEY}
     * @param certPem  the client certificate, then its CA
     * @param caBundle the server CA bundle from {@code /cacerts}
     */
    static SSLContext context(String keyPem, String certPem, byte[] caBundle) {
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                    CertificateRequest.Pem.decode(keyPem, "PRIVATE KEY")));
            Collection<? extends Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("the client certificate file holds no certificate");
            }
            char[] none = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", key, none, chain.toArray(Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, none);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate ca : SupervisorClient.certificates(caBundle)) {
                trusted.setCertificateEntry("cluster-ca-" + index++, ca);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the agent's TLS context: " + e.getMessage(), e);
        }
    }
}
