package dev.cairn.security.api;

import java.nio.file.Path;

/**
 * The TLS files of this server, all PEM, under {@code <data-dir>/server/tls} (K3s's layout). The service is
 * registered once every file exists and is valid for this server's names and addresses.
 *
 * <p>Keys are unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), readable by Netty, Go (etcdctl) and OpenSSL.
 *
 * <p>The paths never change, but the files behind them do: a running server re-issues a leaf certificate (with a
 * new key) before it expires. After it has written the new files it increments the service property
 * {@link #GENERATION}; a consumer that keeps TLS material in memory declares an {@code updated} method on its
 * reference (Declarative Services calls it on a property change, without deactivating the component) and reloads
 * the files for new connections there.
 */
public interface ClusterTls {

    /**
     * Service property (Long): 0 when the service is registered, incremented each time certificates under
     * {@code tls/} were re-issued while the server ran.
     */
    String GENERATION = "tls.generation";

    /** {@code tls/etcd/server-ca.crt}: the CA that signs etcd serving and client certificates. */
    Path etcdServerCa();

    /** {@code tls/etcd/server-client.crt}: this server's etcd serving certificate (SANs: node name, IPs, --tls-san). */
    Path etcdServerCert();

    Path etcdServerKey();

    /** {@code tls/etcd/client.crt}: a client certificate for the admin (etcdctl), signed by the etcd server CA. */
    Path etcdClientCert();

    Path etcdClientKey();

    /** {@code tls/etcd/peer-ca.crt}: the CA of Raft peer traffic. */
    Path peerCa();

    /** {@code tls/etcd/peer-server-client.crt}: this server's peer certificate (server and client auth). */
    Path peerCert();

    Path peerKey();

    /** {@code tls/server-ca.crt}: the CA of the HTTPS API on 6443. */
    Path serverCa();

    /** {@code tls/serving-kube-apiserver.crt}: this server's certificate for 6443. */
    Path servingCert();

    Path servingKey();

    /** {@code tls/client-ca.crt}: the CA of client certificates for the HTTPS API (admin, nodes). */
    Path clientCa();

    /** {@code tls/client-admin.crt}: the admin's client certificate for the HTTPS API (kubeconfig). */
    Path adminCert();

    Path adminKey();
}
