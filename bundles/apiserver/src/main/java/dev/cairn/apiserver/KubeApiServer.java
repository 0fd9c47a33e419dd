package dev.cairn.apiserver;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes-style API over a {@link Datastore}, plain Java (no OSGi): its routes, the default namespaces,
 * this server's Node with its heartbeat, and the node readiness checker. The HTTPS listener that serves the routes
 * is the caller's (it serves the supervisor routes too); this class owns every thread it starts.
 */
final class KubeApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeApiServer.class);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    /**
     * How long the start waits out a datastore that cannot answer for now: an election, say, when the leader stops
     * while this server starts.
     */
    static final Duration DATASTORE_WAIT = Duration.ofSeconds(30);
    private static final long DATASTORE_RETRY_MS = 200;
    /** The datastore's answers that say "not now": the start tries again instead of stopping the server. */
    private static final Set<StoreError> NOT_NOW = EnumSet.of(StoreError.NO_LEADER, StoreError.LEADER_CHANGED,
            StoreError.TIMEOUT, StoreError.TOO_MANY_REQUESTS, StoreError.UNHEALTHY_CLUSTER);

    /**
     * @param port     the HTTPS port, as discovery documents name it
     * @param nodeName this server's Node name
     * @param nodeIp   the advertised address
     * @param grace    how long a Node may go without renewing its Lease before it is NotReady
     */
    record Settings(int port, String nodeName, String nodeIp, Duration grace) {
    }

    private final Datastore datastore;
    private final Settings settings;
    private final Clock clock;
    private final ObjectStore store;
    private final ApiRouter router;
    private ScheduledExecutorService timers;

    KubeApiServer(Datastore datastore, Settings settings, SecretsCipher secrets, Clock clock) {
        this.datastore = datastore;
        this.settings = settings;
        this.clock = clock;
        this.store = new ObjectStore(datastore, clock, secrets);
        TableRenderer tables = new TableRenderer(clock);
        Discovery discovery = new Discovery(hostForUrl(settings.nodeIp()) + ":" + settings.port());
        this.router = new ApiRouter(store, tables, discovery, new OpenApi(), new HealthProbe(datastore));
    }

    /**
     * Agents' registration on the supervisor routes: their node password, their client certificate from the
     * client CA {@code clientCa}, and the list of servers; {@code ownUrl} is this server's HTTPS URL once bound.
     */
    NodeRegistration nodeRegistration(java.nio.file.Path clientCa, java.util.function.Supplier<String> ownUrl) {
        return new NodeRegistration(store, new NodePasswords(store), new NodeCertificates(clientCa, clock), ownUrl);
    }

    /** The Kubernetes routes, for the HTTPS listener. */
    HttpRoutes routes() {
        return router;
    }

    /**
     * Writes the default namespaces and this server's Node, then keeps the Node alive. Called once the HTTPS port
     * is bound: a server that cannot serve writes nothing. A datastore that cannot answer for now (no leader) is
     * waited for, up to {@link #DATASTORE_WAIT}: an election during the start must not stop the server.
     *
     * @param url this server's HTTPS URL, which its Node advertises to agents
     */
    synchronized void start(String url) {
        NodeHeartbeat heartbeat = new NodeHeartbeat(store, clock, settings.nodeName(), settings.nodeIp(),
                () -> "raft".equals(datastore.type()), url);
        NodeLifecycle lifecycle = new NodeLifecycle(store, clock, settings.grace());
        whenDatastoreAnswers(() -> {
            DefaultNamespaces.ensure(store);
            heartbeat.beat();
        });
        timers = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("apiserver-nodes", true));
        timers.scheduleWithFixedDelay(() -> guarded("node_heartbeat", heartbeat::beat),
                HEARTBEAT_INTERVAL.toMillis(), HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> guarded("node_status_check", lifecycle::check),
                CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code step}, again every {@value #DATASTORE_RETRY_MS} ms while the datastore answers "not now", for at
     * most {@link #DATASTORE_WAIT}; any other failure, or one that outlasts the wait, is thrown.
     */
    private static void whenDatastoreAnswers(Runnable step) {
        long deadline = System.nanoTime() + DATASTORE_WAIT.toNanos();
        boolean waited = false;
        while (true) {
            try {
                step.run();
                if (waited) {
                    LOG.info("event=apiserver_datastore_ready");
                }
                return;
            } catch (RuntimeException e) {
                if (!NOT_NOW.contains(DatastoreException.of(e).error()) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                if (!waited) {
                    LOG.warn("event=apiserver_waiting_for_datastore error=\"{}\""
                            + " action=\"trying again for up to {} s\"", e.getMessage(), DATASTORE_WAIT.toSeconds());
                    waited = true;
                }
                try {
                    Thread.sleep(DATASTORE_RETRY_MS);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
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
    }

    /** An IPv6 literal needs brackets in a URL. */
    static String hostForUrl(String ip) {
        return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
    }
}
