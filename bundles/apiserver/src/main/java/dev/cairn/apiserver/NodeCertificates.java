package dev.cairn.apiserver;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Issues an agent's kubelet client certificate from its CSR (K3s's {@code /v1-k3s/client-kubelet.crt}): CN
 * {@code system:node:<name>}, O {@code system:nodes}, client auth, signed by the cluster's client CA (the CA the
 * HTTPS port trusts for client certificates). Only the CSR's public key is taken; the subject is the server's
 * choice, so an agent cannot ask for another identity. The CA files are read for every request: a renewed or
 * re-bootstrapped CA is used at once.
 */
final class NodeCertificates {
    static final Duration VALIDITY = Duration.ofDays(365);
    /** A little in the past, so an agent whose clock is slightly behind accepts it. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path caCert;
    private final Path caKey;
    private final Clock clock;

    /** @param caCert {@code tls/client-ca.crt}; its key is {@code client-ca.key} beside it */
    NodeCertificates(Path caCert, Clock clock) {
        this.caCert = caCert;
        this.caKey = caCert.resolveSibling(caCert.getFileName().toString().replaceAll("\\.crt$", "") + ".key");
        this.clock = clock;
    }

    /** The PEM certificate for node {@code node} and {@code publicKey}, followed by the client CA certificate. */
    String issue(String node, PublicKey publicKey) throws IOException {
        X509Certificate ca = readCertificate(caCert);
        PrivateKey key = readKey(caKey);
        Instant now = Instant.now(clock);
        Instant notAfter = now.plus(VALIDITY);
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant();
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, NodeAuthorizer.NODES_GROUP)
                .addRDN(BCStyle.CN, NodeAuthorizer.NODE_PREFIX + node).build();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca,
                    new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter), subject, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key);
            X509Certificate issued = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return pem(issued) + pem(ca);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue the client certificate of node " + node + ": " + e.getMessage(), e);
        }
    }

    /**
     * The public key of a PEM CSR.
     *
     * @throws SupervisorError 400 when {@code csrPem} is not a CSR signed by its own key
     */
    static PublicKey publicKeyOf(byte[] csrPem) {
        try (PEMParser parser = new PEMParser(reader(csrPem))) {
            Object parsed = parser.readObject();
            if (!(parsed instanceof PKCS10CertificationRequest csr)) {
                throw new SupervisorError(400, "the request body must be a PEM certificate signing request"
                        + " (BEGIN CERTIFICATE REQUEST)");
            }
            PublicKey key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new SupervisorError(400, "the certificate signing request is not signed by its own key");
            }
            return key;
        } catch (IOException | OperatorCreationException | PKCSException e) {
            throw new SupervisorError(400, "the certificate signing request cannot be read: " + e.getMessage());
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
            Object parsed = parser.readObject();
            if (!(parsed instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
            Object parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + " holds no PEM private key");
        }
    }

    private static String signatureAlgorithm(PrivateKey key) throws GeneralSecurityException {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported CA key algorithm " + key.getAlgorithm());
        };
    }

    private static String pem(X509Certificate certificate) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        }
        return out.toString();
    }

    private static Reader reader(byte[] pem) {
        return new java.io.InputStreamReader(new java.io.ByteArrayInputStream(pem),
                java.nio.charset.StandardCharsets.US_ASCII);
    }
}
