package dev.cairn.apiserver;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.security.api.ClusterTls;
import java.io.IOException;
import java.net.BindException;
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
 * Serves the Kubernetes-style API on the HTTPS port while the active datastore and the cluster TLS files are there,
 * and writes the admin kubeconfig. With {@code disable.apiserver} nothing starts: no port, no Node, nothing
 * written to the store.
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = ApiServerComponent.Config.class)
public final class ApiServerComponent {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerComponent.class);

    @ObjectClassDefinition(name = "Cairn apiserver",
            description = "The Kubernetes-style HTTPS API, this server's Node and the admin kubeconfig.")
    @interface Config {
        @AttributeDefinition(description = "The server's data directory.")
        String data_dir();

        @AttributeDefinition(description = "This server's node name.")
        String node_name() default "";

        @AttributeDefinition(description = "The address advertised to clients and other servers.")
        String node_ip() default "127.0.0.1";

        @AttributeDefinition(description = "The address to listen on; empty for all addresses.")
        String bind_address() default "";

        @AttributeDefinition(description = "The HTTPS port of the Kubernetes-style API.")
        int https_port() default 6443;

        @AttributeDefinition(description = "Run a datastore-only server: no Kubernetes-style API, no Node.")
        boolean disable_apiserver() default false;

        @AttributeDefinition(description = "Store Secrets encrypted (aescbc) with the key in"
                + " <data-dir>/" + EncryptionConfig.RELATIVE_PATH + ", generated on first start.")
        boolean secrets_encryption() default false;

        @AttributeDefinition(description = "How long a node may go without a heartbeat before it is NotReady,"
                + " a duration like 40s.")
        String node_monitor_grace_period() default "40s";
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

    private volatile KubeApiServer server;
    private volatile String url;
    private volatile Path kubeconfig;

    @Activate
    void activate(Config config) throws IOException {
        if (config.disable_apiserver()) {
            LOG.info("event=apiserver_disabled reason=disable.apiserver");
            return;
        }
        String nodeIp = config.node_ip().trim();
        String nodeName = nodeName(config.node_name());
        KubeApiServer.Settings settings = new KubeApiServer.Settings(config.bind_address().trim(),
                config.https_port(), nodeName, nodeIp, tls.servingCert(), tls.servingKey(), tls.clientCa(),
                parseDuration(config.node_monitor_grace_period()));
        Path dataDir = Path.of(config.data_dir()).toAbsolutePath();
        SecretsCipher secrets = secretsCipher(EncryptionConfig.location(dataDir), config.secrets_encryption());
        KubeApiServer s = new KubeApiServer(datastore, settings, secrets, Clock.systemUTC());
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.close();
            reportFatal(e, settings);
            throw e;
        }
        server = s;
        url = "https://" + KubeApiServer.hostForUrl(nodeIp) + ":" + s.port();
        kubeconfig = dataDir.resolve("cairn.yaml");
        AdminKubeconfig.write(kubeconfig, url, tls.serverCa(), tls.adminCert(), tls.adminKey());
        System.out.println("Cairn Kubernetes API ready at " + url + " (node " + nodeName + ")");
        System.out.println("kubectl --kubeconfig " + kubeconfig + " get nodes");
    }

    /**
     * {@link ClusterTls#GENERATION} changed: new connections get the renewed serving certificate, and the kubeconfig
     * (which embeds the admin certificate) is written again.
     */
    void tlsUpdated(Map<String, Object> properties) {
        KubeApiServer s = server;
        if (s == null) {
            return;
        }
        try {
            s.reloadTls();
            AdminKubeconfig.write(kubeconfig, url, tls.serverCa(), tls.adminCert(), tls.adminKey());
        } catch (IOException | RuntimeException e) {
            LOG.error("event=apiserver_tls_reload_failed generation={} error=\"{}\"; the previous certificate stays"
                    + " in use", properties.get(ClusterTls.GENERATION), e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
            server = null;
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

    private void reportFatal(Exception e, KubeApiServer.Settings settings) {
        String where = (settings.bindAddress().isEmpty() ? "*" : settings.bindAddress()) + ":" + settings.port();
        String message = e instanceof BindException
                ? "the Kubernetes API port " + where + " cannot be bound: " + e.getMessage() + "; another process is"
                        + " listening there; stop it or choose another port with --https-listen-port"
                        + " (configuration https.port)"
                : "cannot start the Kubernetes API on " + where + ": " + e.getMessage();
        LOG.error("event=apiserver_start_failed address={} error=\"{}\"", where, message, e);
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
