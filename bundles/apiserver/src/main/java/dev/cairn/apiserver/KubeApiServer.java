package dev.cairn.apiserver;

import dev.cairn.datastore.api.Datastore;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes-style API over a {@link Datastore}, plain Java (no OSGi): the default namespaces, the HTTPS
 * listener, this server's Node with its heartbeat, and the node readiness checker. It owns every thread it starts.
 */
final class KubeApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeApiServer.class);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

    /**
     * @param bindAddress the address to listen on, "" for all
     * @param port        the HTTPS port (0: any free port)
     * @param nodeName    this server's Node name
     * @param nodeIp      the advertised address
     * @param grace       how long a Node may go without renewing its Lease before it is NotReady
     */
    record Settings(String bindAddress, int port, String nodeName, String nodeIp, Path cert, Path key,
            Path clientCa, Duration grace) {
    }

    private final Datastore datastore;
    private final Settings settings;
    private final SecretsCipher secrets;
    private final Clock clock;
    private HttpsListener listener;
    private ScheduledExecutorService timers;
    private int port;

    KubeApiServer(Datastore datastore, Settings settings, SecretsCipher secrets, Clock clock) {
        this.datastore = datastore;
        this.settings = settings;
        this.secrets = secrets;
        this.clock = clock;
    }

    synchronized void start() throws IOException {
        ObjectStore store = new ObjectStore(datastore, clock, secrets);
        TableRenderer tables = new TableRenderer(clock);
        Discovery discovery = new Discovery(hostForUrl(settings.nodeIp()) + ":" + settings.port());
        ApiRouter router = new ApiRouter(store, tables, discovery, new OpenApi(), new HealthProbe(datastore));
        listener = new HttpsListener(router);
        InetSocketAddress address = settings.bindAddress().isEmpty() ? new InetSocketAddress(settings.port())
                : new InetSocketAddress(settings.bindAddress(), settings.port());
        port = listener.start(address, settings.cert(), settings.key(), settings.clientCa());
        // only once the port is ours: a server that cannot serve writes nothing
        DefaultNamespaces.ensure(store);

        NodeHeartbeat heartbeat = new NodeHeartbeat(store, clock, settings.nodeName(), settings.nodeIp(),
                "raft".equals(datastore.type()));
        NodeLifecycle lifecycle = new NodeLifecycle(store, clock, settings.grace());
        heartbeat.beat();
        timers = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("apiserver-nodes", true));
        timers.scheduleWithFixedDelay(() -> guarded("node_heartbeat", heartbeat::beat),
                HEARTBEAT_INTERVAL.toMillis(), HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> guarded("node_status_check", lifecycle::check),
                CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Serves the current files behind the certificate paths to new connections (after a renewal). */
    synchronized void reloadTls() throws IOException {
        if (listener != null) {
            listener.reloadTls(settings.cert(), settings.key(), settings.clientCa());
            LOG.info("event=apiserver_tls_reloaded cert={}", settings.cert());
        }
    }

    int port() {
        return port;
    }

    private static void guarded(String task, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // the next run retries; a datastore that is away for a moment must not stop the heartbeat
            LOG.warn("event=apiserver_task_failed task={} error=\"{}\"", task, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (timers != null) {
            timers.shutdownNow();
            try {
                timers.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timers = null;
        }
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** An IPv6 literal needs brackets in a URL. */
    static String hostForUrl(String ip) {
        return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
    }
}
