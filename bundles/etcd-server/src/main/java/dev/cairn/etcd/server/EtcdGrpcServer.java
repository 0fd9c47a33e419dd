package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.snapshot.SnapshotFile;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd v3 gRPC API over a {@link Datastore}: TLS with required client certificates on the client port, and the
 * plain-HTTP metrics and health port. Plain Java (no OSGi). It owns every thread it uses, so that {@link #close()}
 * leaves nothing running that could outlive a bundle.
 */
public final class EtcdGrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdGrpcServer.class);
    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final Datastore datastore;
    private final ServerSettings settings;
    private ExecutorService executor;
    private ScheduledExecutorService timers;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private EventLoopGroup httpGroup;
    private LeaderRequirement leaderRequirement;
    private Server server;
    private ReloadableSslContext ssl;
    private final Supplier<List<SnapshotFile>> snapshots;
    private MetricsHttpServer http;
    private int clientPort;
    private int metricsPort;

    public EtcdGrpcServer(Datastore datastore, ServerSettings settings) {
        this(datastore, settings, List::of);
    }

    /** @param snapshots the snapshot files, oldest first, for the snapshot-age metrics */
    public EtcdGrpcServer(Datastore datastore, ServerSettings settings, Supplier<List<SnapshotFile>> snapshots) {
        this.datastore = datastore;
        this.settings = settings;
        this.snapshots = snapshots;
    }

    /**
     * Opens both ports. On failure (a port in use, unreadable TLS files) everything started is stopped again and
     * the cause is thrown; {@link java.net.BindException} names a port in use.
     */
    public synchronized void start() throws IOException {
        try {
            startAll();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while starting the etcd server", e);
        }
    }

    private void startAll() throws IOException, InterruptedException {
        // Handlers never block (datastore calls return futures), so a small fixed pool serves any number of clients;
        // a cached pool grew to one thread per concurrent completion, costing memory and context switches.
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        executor = Executors.newFixedThreadPool(threads, new DefaultThreadFactory("etcd-grpc", true));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                new DefaultThreadFactory("etcd-timers", true));
        scheduler.setRemoveOnCancelPolicy(true);
        timers = scheduler;
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("etcd-grpc-boss", true));
        workers = new NioEventLoopGroup(2, new DefaultThreadFactory("etcd-grpc-worker", true));
        httpGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("etcd-metrics-http", true));

        ResponseHeaders headers = new ResponseHeaders(datastore);
        Replies replies = new Replies(executor);
        Recipes recipes = new Recipes(datastore, executor);
        Metrics metrics = new Metrics(datastore, snapshots);
        leaderRequirement = new LeaderRequirement(datastore, timers);
        WatchStream.Limits watchLimits = new WatchStream.Limits(
                settings.maxRequestBytes() + ServerSettings.GRPC_OVERHEAD_BYTES, settings.watchBufferBytes(),
                settings.progressNotifyInterval());

        ssl = new ReloadableSslContext(sslContext());
        Server grpc = NettyServerBuilder.forAddress(address(settings.clientPort()))
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor)
                .sslContext(ssl)
                // etcd's embed defaults.
                .maxInboundMessageSize(settings.maxRequestBytes() + ServerSettings.GRPC_OVERHEAD_BYTES)
                .maxConcurrentCallsPerConnection(Integer.MAX_VALUE)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .keepAliveTime(2, TimeUnit.HOURS)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                // Interceptors run in reverse order of addition: metrics see every outcome, the leader check too.
                .intercept(leaderRequirement)
                .intercept(metrics)
                .addService(new KvService(datastore, headers, replies, settings.maxRequestBytes()))
                .addService(new WatchService(datastore, headers, executor, timers, watchLimits))
                .addService(new LeaseService(datastore, headers, replies))
                .addService(new ClusterService(datastore, headers, replies, settings.nodeName(),
                        settings.advertisedClientUrl()))
                .addService(new MaintenanceService(datastore, headers, replies, settings.snapshotDir()))
                .addService(new AuthService(headers, replies))
                .addService(new LockService(recipes, headers, replies))
                .addService(new ElectionService(recipes, headers, replies))
                .build();
        try {
            server = grpc.start();
        } catch (IOException e) {
            throw portInUse("etcd client port", settings.clientPort(), "client.port", "--etcd-client-port", e);
        }
        clientPort = server.getPort();

        http = new MetricsHttpServer(new HealthCheck(datastore), metrics);
        try {
            metricsPort = http.start(address(settings.metricsPort()), httpGroup);
        } catch (Exception e) {
            // Netty rethrows the checked BindException undeclared.
            if (e instanceof InterruptedException) {
                throw (InterruptedException) e;
            }
            throw portInUse("metrics port", settings.metricsPort(), "metrics.port", "--metrics-port", e);
        }
        LOG.info("event=etcd_server_started bind_address={} client_port={} metrics_port={} datastore={}",
                settings.bindAddress().isEmpty() ? "*" : settings.bindAddress(), clientPort, metricsPort,
                datastore.type());
    }

    private IOException portInUse(String what, int port, String setting, String flag, Exception e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof java.net.BindException)) {
            cause = cause.getCause();
        }
        String address = settings.bindAddress().isEmpty() ? "*" : settings.bindAddress();
        if (cause == null) {
            return e instanceof IOException io ? io : new IOException(what + " " + address + ":" + port + ": " + e, e);
        }
        return new PortInUseException(what, address, port, setting, flag, cause);
    }

    private InetSocketAddress address(int port) {
        return settings.bindAddress().isEmpty() ? new InetSocketAddress(port)
                : new InetSocketAddress(settings.bindAddress(), port);
    }

    /** TLS 1.2+ with a client certificate from the etcd CA required, as etcd with --client-cert-auth. */
    private SslContext sslContext() throws IOException {
        try {
            return GrpcSslContexts.configure(SslContextBuilder.forServer(settings.certFile().toFile(),
                    settings.keyFile().toFile()), SslProvider.JDK)
                    .trustManager(settings.caFile().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot load the etcd TLS files (cert " + settings.certFile() + ", key "
                    + settings.keyFile() + ", ca " + settings.caFile() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Reads the TLS files again (after the certificates were renewed): connections accepted from now on handshake
     * with them, established connections and their streams go on undisturbed. Files that cannot be loaded leave the
     * current certificate in service and are reported.
     */
    public synchronized void reloadTls() throws IOException {
        if (ssl == null) {
            return; // not started, or closed
        }
        ssl.replace(sslContext());
        LOG.info("event=etcd_tls_reloaded cert={}", settings.certFile());
    }

    /** The bound client port (useful when 0 was asked for). */
    public int clientPort() {
        return clientPort;
    }

    /** The bound metrics port (useful when 0 was asked for). */
    public int metricsPort() {
        return metricsPort;
    }

    /** Stops both ports, cancels every call and stream (watches close), and waits for every thread to end. */
    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop();
            http = null;
        }
        if (server != null) {
            server.shutdownNow();
            try {
                if (!server.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("event=etcd_server_stop_slow waited_s={}", STOP_TIMEOUT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
        ssl = null;
        if (leaderRequirement != null) {
            leaderRequirement.close();
            leaderRequirement = null;
        }
        shutdown(boss);
        shutdown(workers);
        shutdown(httpGroup);
        boss = workers = httpGroup = null;
        if (timers != null) {
            timers.shutdownNow();
            await(timers);
            timers = null;
        }
        if (executor != null) {
            executor.shutdown();
            await(executor);
            executor = null;
        }
        try {
            // Netty's global executor must be idle before the bundle's class loader goes away.
            GlobalEventExecutor.INSTANCE.awaitInactivity(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (IllegalStateException notStarted) {
            // It never ran: nothing to wait for.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STOP_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
        }
    }

    private static void await(ExecutorService service) {
        try {
            if (!service.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                service.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.shutdownNow();
        }
    }
}
