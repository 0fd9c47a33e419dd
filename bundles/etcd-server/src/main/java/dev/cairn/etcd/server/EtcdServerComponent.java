package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.snapshot.SnapshotService;
import dev.cairn.security.api.ClusterTls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the etcd API while the active datastore and the cluster TLS files are there: the client port opens only
 * once the store is ready, and closes when it goes (both references are static, so a new datastore restarts the
 * server on it).
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = EtcdServerComponent.Config.class)
public final class EtcdServerComponent {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdServerComponent.class);

    @ObjectClassDefinition(name = "Cairn etcd server",
            description = "The etcd v3 gRPC API on the client port and health/metrics on the metrics port.")
    @interface Config {
        @AttributeDefinition(description = "The server's data directory.")
        String data_dir();

        @AttributeDefinition(description = "This server's node name.")
        String node_name() default "";

        @AttributeDefinition(description = "The address advertised to clients and other servers.")
        String node_ip() default "127.0.0.1";

        @AttributeDefinition(description = "The address to listen on; empty for all addresses.")
        String bind_address() default "";

        @AttributeDefinition(description = "The etcd client port (gRPC over TLS).")
        int client_port() default 2379;

        @AttributeDefinition(description = "The plain-HTTP port for /metrics, /health, /readyz, /livez, /version.")
        int metrics_port() default 2381;

        @AttributeDefinition(description = "The largest request the etcd API accepts, in bytes.")
        int max_request_bytes() default ServerSettings.DEFAULT_MAX_REQUEST_BYTES;
    }

    @Reference
    Datastore datastore;

    volatile ClusterTls tls;

    /**
     * Static: renewed files behind the same service only change its properties, and {@link #tlsUpdated} reloads
     * them. A bind method, not a field reference: Felix SCR calls an updated method only for references with one.
     */
    @Reference(name = "tls", updated = "tlsUpdated")
    void bindTls(ClusterTls clusterTls) {
        tls = clusterTls;
    }

    /** The launcher's handler for errors that must stop the process (a port in use). */
    @Reference(service = Consumer.class, target = "(cairn.fatal=true)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Consumer<String> fatal;

    /** For the snapshot-age metrics; absent while no datastore is open. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SnapshotService snapshots;

    private volatile EtcdGrpcServer server;

    @Activate
    void activate(Config config) throws IOException {
        String bind = config.bind_address().trim();
        String advertised = "https://" + hostForUrl(config.node_ip().trim()) + ":" + config.client_port();
        Path dataDir = Path.of(config.data_dir()).toAbsolutePath();
        ServerSettings settings = new ServerSettings(bind, config.client_port(), config.metrics_port(),
                config.max_request_bytes(), tls.etcdServerCa(), tls.etcdServerCert(), tls.etcdServerKey(),
                config.node_name(), advertised, dataDir.resolve("server").resolve("db").resolve("snapshots"),
                ServerSettings.progressNotifyIntervalFromSystem(), ServerSettings.DEFAULT_WATCH_BUFFER_BYTES);
        EtcdGrpcServer s = new EtcdGrpcServer(datastore, settings, () -> {
            SnapshotService service = snapshots;
            return service == null ? List.of() : service.list();
        });
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            reportFatal(e, settings);
            throw e;
        }
        server = s;
        System.out.println("Cairn etcd API ready at " + advertised + " (datastore " + datastore.type()
                + ", data in " + dataDir + ", metrics on port " + s.metricsPort() + ")");
        System.out.println("etcdctl --endpoints=" + advertised
                + " --cacert=" + tls.etcdServerCa().toAbsolutePath()
                + " --cert=" + tls.etcdClientCert().toAbsolutePath()
                + " --key=" + tls.etcdClientKey().toAbsolutePath());
    }

    /** {@link ClusterTls#GENERATION} changed: the certificates were renewed, new connections get them. */
    void tlsUpdated(Map<String, Object> properties) {
        EtcdGrpcServer s = server;
        if (s == null) {
            return;
        }
        try {
            s.reloadTls();
        } catch (IOException | RuntimeException e) {
            LOG.error("event=etcd_tls_reload_failed generation={} error=\"{}\"; the previous certificate stays in use",
                    properties.get(ClusterTls.GENERATION), e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
            server = null;
            LOG.info("event=etcd_server_stopped");
        }
    }

    private void reportFatal(Exception e, ServerSettings settings) {
        String message;
        if (e instanceof PortInUseException p) {
            message = p.getMessage() + ": another process is listening there; stop it or choose another port with "
                    + p.flag() + " (configuration " + p.setting() + ")"
                    + (settings.bindAddress().isEmpty() ? "" : " or another --bind-address");
        } else {
            message = "cannot start the etcd API on " + (settings.bindAddress().isEmpty() ? "*"
                    : settings.bindAddress()) + ":" + settings.clientPort() + ": " + e.getMessage();
        }
        LOG.error("event=etcd_server_start_failed bind_address={} client_port={} metrics_port={} error=\"{}\"",
                settings.bindAddress().isEmpty() ? "*" : settings.bindAddress(), settings.clientPort(),
                settings.metricsPort(), message, e);
        Consumer<String> handler = fatal;
        if (handler != null) {
            handler.accept(message);
        }
    }

    /** An IPv6 literal needs brackets in a URL. */
    static String hostForUrl(String ip) {
        return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
    }
}
