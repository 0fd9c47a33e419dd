package dev.cairn.security.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA certificate with its key: creates itself once, then signs leaf certificates. */
final class CertificateAuthority {

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    /** Certificates start a little in the past so a peer whose clock is slightly behind still accepts them. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new self-signed CA, CN {@code <name>@<unix seconds>} like K3s's {@code etcd-server-ca@1700000000}. */
    static CertificateAuthority create(String name, Instant now) throws IOException {
        KeyPair keys = EcKeys.generate();
        X500Name subject = name(name + "@" + now.getEpochSecond(), null);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create CA " + name + ": " + e.getMessage(), e);
        }
    }

    X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    /** Issues a leaf certificate for {@code publicKey}, valid one year but never beyond this CA. */
    X509Certificate issue(CertificateProfile profile, PublicKey publicKey, Instant now) throws IOException {
        Instant notAfter = now.plus(LEAF_VALIDITY);
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                    name(profile.commonName(), profile.organization()), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(profile))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            if (!profile.altNames().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, profile.altNames().toGeneralNames());
            }
            return sign(builder, key);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IOException("cannot issue certificate " + profile.commonName() + ": " + e.getMessage(), e);
        }
    }

    /** True if this CA's key signed {@code leaf}. */
    boolean signed(X509Certificate leaf) {
        if (!leaf.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            leaf.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static ExtendedKeyUsage extendedKeyUsage(CertificateProfile profile) {
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (profile.serverAuth()) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (profile.clientAuth()) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        return new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new));
    }

    private static X500Name name(String commonName, String organization) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            name.addRDN(BCStyle.O, organization);
        }
        name.addRDN(BCStyle.CN, commonName);
        return name.build();
    }

    /** A positive serial of at most 128 bits: unique in practice, and within RFC 5280's 20 octets. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(EcKeys.signatureAlgorithm(signingKey.getAlgorithm()))
                .build(signingKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }
}
