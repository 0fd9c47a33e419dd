package dev.cairn.security.tls;

import dev.cairn.security.api.ClusterTls;
import java.nio.file.Path;

/**
 * Where the TLS files of a server live: K3s's layout under {@code <data-dir>/server/tls}, so operators find the
 * files where they would look for them on a K3s server.
 */
public final class TlsLayout implements ClusterTls {

    private final Path tlsDir;

    public TlsLayout(Path dataDir) {
        this.tlsDir = dataDir.resolve("server").resolve("tls");
    }

    /** {@code <data-dir>/server/tls}. */
    public Path tlsDir() {
        return tlsDir;
    }

    /** {@code <data-dir>/server/tls/etcd}. */
    public Path etcdDir() {
        return tlsDir.resolve("etcd");
    }

    public CertificateFiles etcdServerCaFiles() {
        return CertificateFiles.in(etcdDir(), "server-ca");
    }

    public CertificateFiles etcdPeerCaFiles() {
        return CertificateFiles.in(etcdDir(), "peer-ca");
    }

    public CertificateFiles etcdServerFiles() {
        return CertificateFiles.in(etcdDir(), "server-client");
    }

    public CertificateFiles etcdPeerFiles() {
        return CertificateFiles.in(etcdDir(), "peer-server-client");
    }

    public CertificateFiles etcdClientFiles() {
        return CertificateFiles.in(etcdDir(), "client");
    }

    public CertificateFiles serverCaFiles() {
        return CertificateFiles.in(tlsDir, "server-ca");
    }

    public CertificateFiles clientCaFiles() {
        return CertificateFiles.in(tlsDir, "client-ca");
    }

    public CertificateFiles servingFiles() {
        return CertificateFiles.in(tlsDir, "serving-kube-apiserver");
    }

    public CertificateFiles adminFiles() {
        return CertificateFiles.in(tlsDir, "client-admin");
    }

    @Override
    public Path etcdServerCa() {
        return etcdServerCaFiles().cert();
    }

    @Override
    public Path etcdServerCert() {
        return etcdServerFiles().cert();
    }

    @Override
    public Path etcdServerKey() {
        return etcdServerFiles().key();
    }

    @Override
    public Path etcdClientCert() {
        return etcdClientFiles().cert();
    }

    @Override
    public Path etcdClientKey() {
        return etcdClientFiles().key();
    }

    @Override
    public Path peerCa() {
        return etcdPeerCaFiles().cert();
    }

    @Override
    public Path peerCert() {
        return etcdPeerFiles().cert();
    }

    @Override
    public Path peerKey() {
        return etcdPeerFiles().key();
    }

    @Override
    public Path serverCa() {
        return serverCaFiles().cert();
    }

    @Override
    public Path servingCert() {
        return servingFiles().cert();
    }

    @Override
    public Path servingKey() {
        return servingFiles().key();
    }

    @Override
    public Path clientCa() {
        return clientCaFiles().cert();
    }

    @Override
    public Path adminCert() {
        return adminFiles().cert();
    }

    @Override
    public Path adminKey() {
        return adminFiles().key();
    }

    @Override
    public String toString() {
        return "ClusterTls[" + tlsDir + "]";
    }
}
