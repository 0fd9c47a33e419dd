package dev.cairn.datastore.raft;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test peer CA that issues member certificates (EC P-256, server and client auth, an IP SAN) as PEM files. */
final class PeerCertificates {
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path dir;
    private long serial = 1;

    PeerCertificates(Path dir, String name) throws Exception {
        this.dir = dir;
        this.caKeys = keys();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(serial++),
                Date.from(Instant.now().minusSeconds(300)), Date.from(Instant.now().plusSeconds(86400)), subject,
                caKeys.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        this.ca = sign(b);
        write(dir.resolve(name + ".crt"), "CERTIFICATE", ca.getEncoded());
    }

    Path caFile() {
        return dir.resolve(caName() + ".crt");
    }

    private String caName() {
        return ca.getSubjectX500Principal().getName().substring(3);
    }

    /** A member certificate for {@code ip}. */
    RaftSettings.PeerTls issue(String member, String ip) throws Exception {
        KeyPair keys = keys();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + caName()),
                BigInteger.valueOf(serial++), Date.from(Instant.now().minusSeconds(300)),
                Date.from(Instant.now().plusSeconds(86400)), new X500Name("CN=" + member), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)));
        Path cert = dir.resolve(member + ".crt");
        Path key = dir.resolve(member + ".key");
        write(cert, "CERTIFICATE", sign(b).getEncoded());
        write(key, "PRIVATE KEY", keys.getPrivate().getEncoded());
        return new RaftSettings.PeerTls(caFile(), cert, key);
    }

    private X509Certificate sign(X509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static void write(Path file, String type, byte[] der) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
