package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.rules.ExternalResource;

/**
 * A real SQLite datastore in a temp dir behind an {@link EtcdGrpcServer} on 127.0.0.1 with ephemeral ports and
 * fresh TLS files; hands out etcdctl and jetcd clients for it.
 */
final class EtcdServerRule extends ExternalResource {
    private Duration progressNotifyInterval = ServerSettings.DEFAULT_PROGRESS_NOTIFY_INTERVAL;
    private long watchBufferBytes = ServerSettings.DEFAULT_WATCH_BUFFER_BYTES;
    private int maxRequestBytes = ServerSettings.DEFAULT_MAX_REQUEST_BYTES;
    private UnaryOperator<Datastore> wrap = UnaryOperator.identity();
    private long quotaBytes;
    private Duration fsyncDelay = Duration.ZERO;

    Path dir;
    TestTls tls;
    SqliteDatastore store;
    Datastore datastore;
    EtcdGrpcServer server;
    ServerSettings settings;
    private Client jetcd;

    EtcdServerRule progressNotifyInterval(Duration d) {
        progressNotifyInterval = d;
        return this;
    }

    EtcdServerRule watchBufferBytes(long bytes) {
        watchBufferBytes = bytes;
        return this;
    }

    EtcdServerRule maxRequestBytes(int bytes) {
        maxRequestBytes = bytes;
        return this;
    }

    EtcdServerRule quotaBytes(long bytes) {
        quotaBytes = bytes;
        return this;
    }

    /** The fsyncDelay failpoint: a disk this slow. */
    EtcdServerRule fsyncDelay(Duration delay) {
        fsyncDelay = delay;
        return this;
    }

    /** Serves the store through {@code wrapper} (e.g. to fake a lost leader). */
    EtcdServerRule wrap(UnaryOperator<Datastore> wrapper) {
        wrap = wrapper;
        return this;
    }

    @Override
    protected void before() throws Throwable {
        dir = Files.createTempDirectory("cairn-etcd-server-test");
        tls = TestTls.create(dir.resolve("tls"));
        store = SqliteDatastore.open(new BackendSettings(dir, "", "node-1", List.of(),
                List.of("https://127.0.0.1:2380"), quotaBytes, fsyncDelay, Map.of()));
        datastore = wrap.apply(store);
        settings = new ServerSettings("127.0.0.1", 0, 0, maxRequestBytes, tls.ca, tls.serverCert, tls.serverKey,
                "node-1", "https://127.0.0.1:2379", dir.resolve("snapshots"), progressNotifyInterval,
                watchBufferBytes);
        server = new EtcdGrpcServer(datastore, settings);
        server.start();
    }

    @Override
    protected void after() {
        if (jetcd != null) {
            jetcd.close();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        deleteRecursively(dir);
    }

    String endpoint() {
        return "https://127.0.0.1:" + server.clientPort();
    }

    /** A jetcd client with the test client certificate, shared by the tests of a class. */
    synchronized Client jetcd() throws SSLException {
        if (jetcd == null) {
            jetcd = newJetcd();
        }
        return jetcd;
    }

    Client newJetcd() throws SSLException {
        return Client.builder().endpoints(endpoint())
                .sslContext(GrpcSslContexts.forClient().trustManager(tls.ca.toFile())
                        .keyManager(tls.clientCert.toFile(), tls.clientKey.toFile()).build())
                .build();
    }

    Etcdctl etcdctl() {
        return new Etcdctl(endpoint(), tls);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }
}
