package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reference etcd ({@code /usr/bin/etcd}, Debian's 3.4) as a single member on its own loopback address with a
 * fresh data directory. Plain http by default; with client certificates it serves TLS on the client port exactly
 * like Cairn does (same file layout), so every Cairn test can be pointed at it to check the test itself. Ready once
 * {@code /health} on the metrics port (2381, as on Cairn) reports healthy.
 */
public final class ReferenceEtcd extends ManagedServer {

    public static final String BINARY = "/usr/bin/etcd";
    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;
    public static final int METRICS_PORT = 2381;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final boolean clientCertificates;
    /** Where the TLS files are: the member's own data directory, or a directory the members of a cluster share. */
    private final Path tlsDir;
    /** {@code --initial-cluster}: this member alone, or every member of a {@link ReferenceEtcdCluster}. */
    private final String initialCluster;

    private ReferenceEtcd(String name, String address, boolean clientCertificates) {
        super(name, address, WorkDirs.freshDir(name), true);
        this.clientCertificates = clientCertificates;
        this.tlsDir = dataDir().resolve("server/tls/etcd");
        this.initialCluster = name + "=" + peerUrl(address);
        if (clientCertificates) {
            TestCertificates.writeEtcdLayout(tlsDir, address);
        }
    }

    private ReferenceEtcd(String name, String address, Path sharedTlsDir, String initialCluster) {
        super(name, address, WorkDirs.freshDir(name), true);
        this.clientCertificates = true;
        this.tlsDir = sharedTlsDir;
        this.initialCluster = initialCluster;
    }

    /** http on the client port, no authentication. */
    public static ReferenceEtcd plain(String name, String address) {
        return new ReferenceEtcd(name, address, false);
    }

    /** https on the client port with required client certificates, certificates in Cairn's layout. */
    public static ReferenceEtcd withClientCertificates(String name, String address) {
        return new ReferenceEtcd(name, address, true);
    }

    /**
     * A member of a cluster (see {@link ReferenceEtcdCluster}): https with required client certificates from
     * {@code sharedTlsDir} (Cairn's layout, a server certificate naming every member's address), the given
     * {@code --initial-cluster}.
     */
    static ReferenceEtcd clusterMember(String name, String address, Path sharedTlsDir, String initialCluster) {
        return new ReferenceEtcd(name, address, sharedTlsDir, initialCluster);
    }

    /** The plain-http peer URL of a member on {@code address}. */
    static String peerUrl(String address) {
        return "http://" + address + ":" + PEER_PORT;
    }

    @Override
    protected List<String> command() {
        String peerUrl = peerUrl(address());
        List<String> command = new ArrayList<>(List.of(BINARY, "--name", name(),
                "--data-dir", dataDir().resolve("etcd").toString(),
                "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", initialCluster,
                "--listen-metrics-urls", "http://" + address() + ":" + METRICS_PORT));
        if (clientCertificates) {
            Path tls = tlsDir;
            command.addAll(List.of("--cert-file", tls.resolve("server-client.crt").toString(),
                    "--key-file", tls.resolve("server-client.key").toString(),
                    "--trusted-ca-file", tls.resolve("server-ca.crt").toString(), "--client-cert-auth"));
        }
        return command;
    }

    @Override
    protected boolean isReady() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address() + ":" + METRICS_PORT + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int clientPort() {
        return CLIENT_PORT;
    }

    @Override
    public Optional<ClientTls> tls() {
        return clientCertificates ? Optional.of(new ClientTls(tlsDir.resolve("server-ca.crt"),
                tlsDir.resolve("client.crt"), tlsDir.resolve("client.key"))) : Optional.empty();
    }

    @Override
    public String kind() {
        return "etcd";
    }
}
