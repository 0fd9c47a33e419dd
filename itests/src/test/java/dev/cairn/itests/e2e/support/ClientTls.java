package dev.cairn.itests.e2e.support;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PEM files a client needs for the etcd port: the server CA and a client certificate with its key
 * (unencrypted PKCS#8, as Cairn writes them). {@code cert} and {@code key} may be null for a client without a
 * certificate, which the server must refuse.
 */
public record ClientTls(Path ca, Path cert, Path key) {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----", Pattern.DOTALL);

    /** Cairn's layout: {@code <data-dir>/server/tls/etcd/{server-ca.crt,client.crt,client.key}}. */
    public static ClientTls inDataDir(Path dataDir) {
        Path etcd = dataDir.resolve("server/tls/etcd");
        return new ClientTls(etcd.resolve("server-ca.crt"), etcd.resolve("client.crt"), etcd.resolve("client.key"));
    }

    public ClientTls withoutClientCertificate() {
        return new ClientTls(ca, null, null);
    }

    public boolean hasClientCertificate() {
        return cert != null;
    }

    public boolean filesExist() {
        return Files.isRegularFile(ca) && (cert == null || Files.isRegularFile(cert) && Files.isRegularFile(key));
    }

    /** A JDK SSL context trusting only the server CA, presenting the client certificate if there is one. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(hasClientCertificate() ? keyManagers().getKeyManagers() : null,
                    trustManagers().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an SSL context from " + this, e);
        }
    }

    /** The same, for gRPC over Netty (jetcd and raw stubs). */
    public SslContext nettySslContext() {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(trustManagers());
            if (hasClientCertificate()) {
                builder.keyManager(keyManagers());
            }
            return builder.build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a Netty SSL context from " + this, e);
        }
    }

    private TrustManagerFactory trustManagers() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates(ca)) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private KeyManagerFactory keyManagers() throws GeneralSecurityException, IOException {
        char[] password = "e2e".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", privateKey(key), password, certificates(cert).toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }

    private static List<Certificate> certificates(Path pem) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
        Matcher m = PKCS8.matcher(Files.readString(pem, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new GeneralSecurityException(pem + " is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
