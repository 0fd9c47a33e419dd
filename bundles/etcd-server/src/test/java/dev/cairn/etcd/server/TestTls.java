package dev.cairn.etcd.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS files for tests, laid out as {@code ClusterTls} would: a CA, a serving certificate for 127.0.0.1 and
 * localhost, and a client certificate, all PEM with PKCS#8 keys.
 */
final class TestTls {
    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    private KeyPair caKeys;
    private X509Certificate caCert;

    private TestTls(Path dir) {
        ca = dir.resolve("server-ca.crt");
        serverCert = dir.resolve("server-client.crt");
        serverKey = dir.resolve("server-client.key");
        clientCert = dir.resolve("client.crt");
        clientKey = dir.resolve("client.key");
    }

    /** A fresh CA with a server and a client certificate under {@code dir}. */
    static TestTls create(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestTls t = new TestTls(dir);
        t.caKeys = keys();
        t.caCert = caCertificate(t.caKeys, "cairn-test-etcd-ca");
        write(t.ca, t.caCert);
        t.renewServerCertificate();
        KeyPair clientKeys = keys();
        write(t.clientCert, leaf(t.caKeys, t.caCert, clientKeys, "etcd-client", false));
        write(t.clientKey, clientKeys.getPrivate());
        return t;
    }

    /** Writes a new serving certificate and key from the same CA, as the security bundle's renewal does. */
    X509Certificate renewServerCertificate() throws Exception {
        KeyPair serverKeys = keys();
        X509Certificate cert = leaf(caKeys, caCert, serverKeys, "etcd-server", true);
        write(serverKey, serverKeys.getPrivate());
        write(serverCert, cert);
        return cert;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static X509Certificate caCertificate(KeyPair keys, String cn) throws Exception {
        X500Name name = new X500Name("CN=" + cn);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(), name,
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return sign(b, keys.getPrivate());
    }

    private static X509Certificate leaf(KeyPair caKeys, X509Certificate caCert, KeyPair keys, String cn,
            boolean server) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), notBefore(), notAfter(),
                new X500Name("CN=" + cn), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(server
                ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
        if (server) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getByName("127.0.0.1").getHostAddress())}));
        }
        return sign(b, caKeys.getPrivate());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom());
    }

    private static Date notBefore() {
        return new Date(System.currentTimeMillis() - 3_600_000L);
    }

    private static Date notAfter() {
        return new Date(System.currentTimeMillis() + 86_400_000L);
    }

    private static void write(Path file, Object pem) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(pem instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : pem);
        }
        Files.writeString(file, s.toString());
    }
}
