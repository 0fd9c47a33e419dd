package dev.cairn.security.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a server's TLS directory holds the cluster CAs and this server's certificates: creates what is
 * missing, re-issues a certificate that no longer fits (a SAN now required, near expiry, signed by another CA, key
 * not matching), and never replaces an existing CA or a file it cannot read.
 */
public final class ServerCertificates {

    /** A certificate expiring sooner than this is re-issued, at start and by the periodic check (K3s's 90 days). */
    static final Duration RENEW_BEFORE = Duration.ofDays(90);

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificates.class);
    private static final String CA_HINT =
            "restore it from a backup (a new CA would invalidate every certificate it signed)";
    private static final String LEAF_HINT = "delete it and its key to have a new one issued";

    private final TlsLayout layout;
    private final ServerIdentity identity;
    private final Clock clock;
    private final List<String> created = new ArrayList<>();
    private final List<String> reissued = new ArrayList<>();
    private int reused;
    private boolean atStart;

    public ServerCertificates(TlsLayout layout, ServerIdentity identity, Clock clock) {
        this.layout = layout;
        this.identity = identity;
        this.clock = clock;
    }

    /** Creates or checks every file of the layout; returns the layout once all of them are usable. */
    public TlsLayout ensure() throws IOException {
        prepare(true);
        return layout;
    }

    /**
     * The periodic check of a running server: re-issues every leaf that no longer fits (near expiry above all) from
     * the existing CAs, and returns the names of the leaves it wrote (e.g. {@code etcd/server-client}). It never
     * creates a CA: a CA that vanished while the server ran is reported, not replaced.
     */
    public List<String> renew() throws IOException {
        prepare(false);
        List<String> written = new ArrayList<>(created);
        written.addAll(reissued);
        return written;
    }

    private void prepare(boolean atStart) throws IOException {
        created.clear();
        reissued.clear();
        reused = 0;
        this.atStart = atStart;
        PemFiles.ensurePrivateDirectory(layout.tlsDir());
        PemFiles.ensurePrivateDirectory(layout.etcdDir());
        Instant now = clock.instant();

        CertificateAuthority etcdServerCa = authority(layout.etcdServerCaFiles(), "etcd-server-ca", now);
        CertificateAuthority etcdPeerCa = authority(layout.etcdPeerCaFiles(), "etcd-peer-ca", now);
        CertificateAuthority serverCa = authority(layout.serverCaFiles(), "cairn-server-ca", now);
        CertificateAuthority clientCa = authority(layout.clientCaFiles(), "cairn-client-ca", now);

        SubjectAltNames altNames = identity.subjectAltNames();
        leaf(layout.etcdServerFiles(), etcdServerCa, CertificateProfile.serving("etcd-server", altNames), now);
        leaf(layout.etcdPeerFiles(), etcdPeerCa, CertificateProfile.serving("etcd-peer", altNames), now);
        leaf(layout.etcdClientFiles(), etcdServerCa, CertificateProfile.client("etcd-client", null), now);
        leaf(layout.servingFiles(), serverCa, CertificateProfile.servingOnly("kube-apiserver", altNames), now);
        leaf(layout.adminFiles(), clientCa, CertificateProfile.client("system:admin", "system:masters"), now);

        if (atStart || !created.isEmpty() || !reissued.isEmpty()) {
            LOG.info("tls ready dir={} created={} reissued={} reused={} sans=\"{}\"", layout.tlsDir(),
                    created.isEmpty() ? "none" : String.join(",", created),
                    reissued.isEmpty() ? "none" : String.join(",", reissued), reused, altNames);
        }
    }

    private CertificateAuthority authority(CertificateFiles files, String name, Instant now) throws IOException {
        boolean hasCert = files.certExists();
        boolean hasKey = files.keyExists();
        if (!hasCert && !hasKey && !atStart) {
            throw new TlsFileException(files.cert(), "and its key " + files.key() + " vanished while the server ran; "
                    + CA_HINT);
        }
        if (!hasCert && !hasKey) {
            CertificateAuthority ca = CertificateAuthority.create(name, now);
            // key first: a crash in between leaves a key without a certificate, which is reported, never guessed at
            PemFiles.writePrivateKey(files.key(), ca.key());
            PemFiles.writeCertificate(files.cert(), ca.certificate());
            LOG.info("tls created CA file={} subject=\"{}\"", files.cert(),
                    ca.certificate().getSubjectX500Principal().getName());
            created.add(files.name(layout.tlsDir()));
            return ca;
        }
        if (!hasCert) {
            throw new TlsFileException(files.cert(), "is missing but its key " + files.key() + " exists; "
                    + "restore the CA certificate from a backup, or delete the key to create a new CA");
        }
        if (!hasKey) {
            throw new TlsFileException(files.key(), "is missing but the CA certificate " + files.cert()
                    + " exists; restore the CA key from a backup (this server needs it to issue certificates)");
        }
        X509Certificate cert = PemFiles.readCertificate(files.cert(), CA_HINT);
        PrivateKey key = PemFiles.readPrivateKey(files.key(), CA_HINT);
        if (cert.getBasicConstraints() < 0) {
            throw new TlsFileException(files.cert(), "is not a CA certificate (no basicConstraints CA:true); "
                    + CA_HINT);
        }
        if (!EcKeys.matches(key, cert.getPublicKey())) {
            throw new TlsFileException(files.key(), "does not belong to the CA certificate " + files.cert()
                    + "; restore the matching key from a backup");
        }
        Instant notAfter = cert.getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(RENEW_BEFORE))) {
            LOG.warn("tls CA expires soon file={} notAfter={}; certificates it signs cannot outlive it",
                    files.cert(), notAfter);
        }
        reused++;
        return new CertificateAuthority(cert, key);
    }

    private void leaf(CertificateFiles files, CertificateAuthority ca, CertificateProfile profile, Instant now)
            throws IOException {
        if (!files.certExists()) {
            X509Certificate cert = issue(files, ca, profile, now);
            if (!atStart) {
                LOG.info("tls issued missing certificate file={} serial={} notAfter={}", files.cert(),
                        cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant());
            }
            created.add(files.name(layout.tlsDir()));
            return;
        }
        Optional<String> reason = reasonToReissue(files, ca, profile, now);
        if (reason.isEmpty()) {
            reused++;
            return;
        }
        X509Certificate renewed = issue(files, ca, profile, now);
        LOG.info("tls reissued certificate file={} reason=\"{}\" serial={} notAfter={}", files.cert(), reason.get(),
                renewed.getSerialNumber().toString(16), renewed.getNotAfter().toInstant());
        reissued.add(files.name(layout.tlsDir()));
    }

    private Optional<String> reasonToReissue(CertificateFiles files, CertificateAuthority ca,
            CertificateProfile profile, Instant now) throws IOException {
        X509Certificate cert = PemFiles.readCertificate(files.cert(), LEAF_HINT);
        if (!files.keyExists()) {
            return Optional.of("its key " + files.key().getFileName() + " is missing");
        }
        PrivateKey key = PemFiles.readPrivateKey(files.key(), LEAF_HINT);
        if (!ca.signed(cert)) {
            return Optional.of("not signed by the current CA " + ca.certificate().getSubjectX500Principal().getName());
        }
        if (!EcKeys.matches(key, cert.getPublicKey())) {
            return Optional.of("key " + files.key().getFileName() + " does not match the certificate");
        }
        Instant notAfter = cert.getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(RENEW_BEFORE))) {
            return Optional.of("expires " + notAfter + ", within " + RENEW_BEFORE.toDays() + " days");
        }
        if (profile.isServing()) {
            List<String> missing = profile.altNames().missingFrom(existingAltNames(files.cert(), cert));
            if (!missing.isEmpty()) {
                return Optional.of("lacks SAN " + String.join(", ", missing));
            }
        }
        return Optional.empty();
    }

    private static SubjectAltNames existingAltNames(Path file, X509Certificate cert) throws TlsFileException {
        try {
            return SubjectAltNames.of(cert);
        } catch (CertificateParsingException e) {
            throw new TlsFileException(file, "has an unreadable subjectAltName extension; " + LEAF_HINT, e);
        }
    }

    private static X509Certificate issue(CertificateFiles files, CertificateAuthority ca, CertificateProfile profile,
            Instant now) throws IOException {
        KeyPair keys = EcKeys.generate();
        X509Certificate cert = ca.issue(profile, keys.getPublic(), now);
        // key first: a crash in between leaves a key that does not match the old certificate -> re-issued next start
        PemFiles.writePrivateKey(files.key(), keys.getPrivate());
        PemFiles.writeCertificate(files.cert(), cert);
        return cert;
    }
}
