package dev.cairn.apiserver;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.conversion.LiveConversion;
import dev.cairn.datastore.snapshot.SnapshotService;
import dev.cairn.security.api.ClusterCredentials;
import dev.cairn.security.api.ClusterTls;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
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
 * Serves the HTTPS port while the active datastore, the cluster TLS files and the cluster credentials are there:
 * the supervisor routes always, the Kubernetes-style API (with this server's Node and the admin kubeconfig) unless
 * {@code disable.apiserver} is set; then no Node and no kubeconfig are written and nothing is stored.
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = ApiServerComponent.Config.class)
public final class ApiServerComponent {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerComponent.class);

    @ObjectClassDefinition(name = "Cairn apiserver",
            description = "The HTTPS port: the supervisor API, the Kubernetes-style API, this server's Node and"
                    + " the admin kubeconfig.")
    @interface Config {
        @AttributeDefinition(description = "The server's data directory.")
        String data_dir();

        @AttributeDefinition(description = "This server's node name.")
        String node_name() default "";

        @AttributeDefinition(description = "The address advertised to clients and other servers.")
        String node_ip() default "127.0.0.1";

        @AttributeDefinition(description = "The address to listen on; empty for all addresses.")
        String bind_address() default "";

        @AttributeDefinition(description = "The HTTPS port of the supervisor and the Kubernetes-style API.")
        int https_port() default 6443;

        @AttributeDefinition(description = "Run a datastore-only server: the supervisor API only, no"
                + " Kubernetes-style API, no Node.")
        boolean disable_apiserver() default false;

        @AttributeDefinition(description = "Store Secrets encrypted (aescbc) with the key in"
                + " <data-dir>/" + EncryptionConfig.RELATIVE_PATH + ", generated on first start. Critical: every"
                + " server of a cluster must agree.")
        boolean secrets_encryption() default false;

        @AttributeDefinition(description = "How long a node may go without a heartbeat before it is NotReady,"
                + " a duration like 40s.")
        String node_monitor_grace_period() default "40s";

        @AttributeDefinition(description = "Pod network (--cluster-cidr). Critical: every server must agree.")
        String cluster_cidr() default "10.42.0.0/16";

        @AttributeDefinition(description = "Service network (--service-cidr). Critical.")
        String service_cidr() default "10.43.0.0/16";

        @AttributeDefinition(description = "Cluster DNS address (--cluster-dns). Critical.")
        String cluster_dns() default "10.43.0.10";

        @AttributeDefinition(description = "Cluster domain (--cluster-domain). Critical.")
        String cluster_domain() default "cluster.local";

        @AttributeDefinition(description = "Disabled packaged components (--disable; comma lists allowed)."
                + " Critical.")
        String[] disable() default {};

        @AttributeDefinition(description = "--disable-helm-controller. Critical.")
        boolean disable_helm_controller() default false;

        @AttributeDefinition(description = "--disable-kube-proxy. Critical.")
        boolean disable_kube_proxy() default false;

        @AttributeDefinition(description = "--disable-network-policy. Critical.")
        boolean disable_network_policy() default false;
    }

    @Reference
    Datastore datastore;

    /** Static and mandatory: the security bundle always provides it, and the supervisor needs it for every join. */
    @Reference
    ClusterCredentials credentials;

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

    /** The datastore's snapshots, for {@code cairn etcd-snapshot}; absent while no datastore is open. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SnapshotService snapshots;

    /** The selector's live conversion, for {@code cairn datastore convert}. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile LiveConversion conversion;

    private volatile HttpsListener listener;
    private volatile Path urlFile;
    private volatile KubeApiServer server;
    private volatile int port;
    private volatile String url;
    private volatile Path kubeconfig;

    @Activate
    void activate(Config config) throws IOException {
        String nodeIp = config.node_ip().trim();
        String nodeName = nodeName(config.node_name());
        Path dataDir = Path.of(config.data_dir()).toAbsolutePath();
        KubeApiServer kube = null;
        if (config.disable_apiserver()) {
            LOG.info("event=apiserver_disabled reason=disable.apiserver serving=supervisor");
        } else {
            SecretsCipher secrets = secretsCipher(EncryptionConfig.location(dataDir), config.secrets_encryption());
            kube = new KubeApiServer(datastore, new KubeApiServer.Settings(config.https_port(), nodeName, nodeIp,
                    parseDuration(config.node_monitor_grace_period())), secrets, Clock.systemUTC());
        }
        NodeRegistration nodes = kube == null ? null : kube.nodeRegistration(tls.clientCa(), () -> url);
        HttpRoutes routes = supervisor(config, dataDir, nodes,
                kube == null ? SupervisorRoutes.kubernetesApiDisabled() : kube.routes());
        String bindAddress = config.bind_address().trim();
        HttpsListener l = new HttpsListener(routes);
        try {
            InetSocketAddress address = bindAddress.isEmpty() ? new InetSocketAddress(config.https_port())
                    : new InetSocketAddress(bindAddress, config.https_port());
            port = l.start(address, tls.servingCert(), tls.servingKey(), tls.clientCa());
        } catch (IOException | RuntimeException e) {
            l.close();
            reportFatal(e, bindAddress, config.https_port());
            throw e;
        }
        url = "https://" + KubeApiServer.hostForUrl(nodeIp) + ":" + port;
        urlFile = SupervisorUrlFile.write(dataDir, url);
        try {
            if (kube != null) {
                kube.start(url); // only once the port is ours: a server that cannot serve writes nothing
            }
        } catch (RuntimeException e) {
            kube.close();
            l.close();
            fatal("apiserver_start_failed", "cannot start the Kubernetes API: " + e.getMessage(), e);
            throw e;
        }
        listener = l;
        server = kube;
        if (kube == null) {
            System.out.println("Cairn supervisor ready at " + url + " (Kubernetes API disabled)");
            return;
        }
        kubeconfig = dataDir.resolve("cairn.yaml");
        AdminKubeconfig.write(kubeconfig, url, tls.serverCa(), tls.adminCert(), tls.adminKey());
        System.out.println("Cairn Kubernetes API ready at " + url + " (node " + nodeName + ")");
        System.out.println("kubectl --kubeconfig " + kubeconfig + " get nodes");
    }

    private SupervisorRoutes supervisor(Config config, Path dataDir, NodeRegistration nodes, HttpRoutes next) {
        CriticalConfig critical = new CriticalConfig(config.cluster_cidr().trim(), config.service_cidr().trim(),
                config.cluster_dns().trim(), config.cluster_domain().trim(),
                CriticalConfig.normalizeDisable(config.disable()), config.disable_helm_controller(),
                config.disable_kube_proxy(), config.disable_network_policy(), config.secrets_encryption());
        return new SupervisorRoutes(tls.serverCa(), new BasicAuth(credentials), critical,
                new BootstrapFiles(dataDir.resolve("server")), new ClusterMembers(datastore), nodes,
                new SnapshotRequests(() -> snapshots),
                new ConversionRequests(() -> conversion), next);
    }

    /** The bound HTTPS port (the configured one, or the one picked for port 0). */
    int port() {
        return port;
    }

    /**
     * {@link ClusterTls#GENERATION} changed: new connections get the renewed serving certificate, and the kubeconfig
     * (which embeds the admin certificate) is written again.
     */
    void tlsUpdated(Map<String, Object> properties) {
        HttpsListener l = listener;
        if (l == null) {
            return;
        }
        try {
            l.reloadTls(tls.servingCert(), tls.servingKey(), tls.clientCa());
            LOG.info("event=apiserver_tls_reloaded cert={}", tls.servingCert());
            if (kubeconfig != null) {
                AdminKubeconfig.write(kubeconfig, url, tls.serverCa(), tls.adminCert(), tls.adminKey());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("event=apiserver_tls_reload_failed generation={} error=\"{}\"; the previous certificate stays"
                    + " in use", properties.get(ClusterTls.GENERATION), e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        SupervisorUrlFile.remove(urlFile);
        if (server != null) {
            server.close();
            server = null;
        }
        if (listener != null) {
            listener.close();
            listener = null;
            LOG.info("event=apiserver_stopped");
        }
    }

    /** The key file is read (or generated) before anything is served; a file that cannot be used stops startup. */
    private SecretsCipher secretsCipher(Path file, boolean encrypt) throws IOException {
        try {
            SecretsCipher secrets = SecretsCipher.forServer(file, encrypt,
                    () -> new ObjectStore(datastore, Clock.systemUTC()).anyEncryptedSecret());
            LOG.info("event=secrets_encryption enabled={} key={} file={}", encrypt,
                    secrets.writeKeyName().orElse("none"), file);
            return secrets;
        } catch (IOException | RuntimeException e) {
            String message = "cannot start the Kubernetes API: " + e.getMessage();
            LOG.error("event=secrets_encryption_failed file={} error=\"{}\"", file, message);
            Consumer<String> handler = fatal;
            if (handler != null) {
                handler.accept(message);
            }
            throw e;
        }
    }

    private void reportFatal(Exception e, String bindAddress, int httpsPort) {
        String where = (bindAddress.isEmpty() ? "*" : bindAddress) + ":" + httpsPort;
        String message = e instanceof BindException
                ? "the HTTPS port " + where + " cannot be bound: " + e.getMessage() + "; another process is"
                        + " listening there; stop it or choose another port with --https-listen-port"
                        + " (configuration https.port)"
                : "cannot serve the HTTPS port " + where + ": " + e.getMessage();
        fatal("apiserver_start_failed address=" + where, message, e);
    }

    private void fatal(String event, String message, Exception e) {
        LOG.error("event={} error=\"{}\"", event, message, e);
        Consumer<String> handler = fatal;
        if (handler != null) {
            handler.accept(message);
        }
    }

    /** Kubernetes node names are lowercase; without a configured name, the host's. */
    static String nodeName(String configured) {
        String name = configured == null ? "" : configured.trim();
        if (name.isEmpty()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** A duration with one unit: 500ms, 40s, 5m, 1h. */
    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException("node.monitor.grace.period: '" + text
                + "' is not a duration like 500ms, 40s, 5m or 1h");
    }
}
