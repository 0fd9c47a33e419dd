package dev.cairn.security.tls;

import dev.cairn.security.api.ClusterTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Prepares {@code <data.dir>/server/tls} when {@code cairn.server} is configured, then registers the
 * {@link ClusterTls} service; the service therefore only exists while every file in it is usable.
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ClusterTlsComponent.Config.class)
public final class ClusterTlsComponent {

    @ObjectClassDefinition(name = "Cairn cluster TLS",
            description = "Cluster CAs and this server's certificates under <data.dir>/server/tls.")
    @interface Config {
        @AttributeDefinition(description = "The server's data directory; TLS files live in <data.dir>/server/tls.")
        String data_dir();

        @AttributeDefinition(description = "Node name; a SAN of the serving certificates. Default: the host name.")
        String node_name() default "";

        @AttributeDefinition(description = "The advertised address; a SAN of the serving certificates.")
        String node_ip() default "";

        @AttributeDefinition(description = "The listen address; a SAN unless empty or a wildcard.")
        String bind_address() default "";

        @AttributeDefinition(description = "Extra SANs (IP addresses or DNS names) for the serving certificates.")
        String[] tls_san() default {};
    }

    /** The launcher's fatal-error sink: a TLS directory that cannot be used must stop the process loudly. */
    @Reference(target = "(cairn.fatal=true)", cardinality = ReferenceCardinality.OPTIONAL)
    private Consumer<String> fatal;

    private ServiceRegistration<ClusterTls> registration;

    @Activate
    void activate(BundleContext context, Config config) throws IOException {
        try {
            TlsLayout layout = new ServerCertificates(new TlsLayout(dataDir(config)), identity(config),
                    Clock.systemUTC()).ensure();
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("tls.dir", layout.tlsDir().toString());
            registration = context.registerService(ClusterTls.class, layout, properties);
        } catch (IOException | RuntimeException e) {
            if (fatal == null) {
                throw e; // embedded without the launcher: SCR logs it, the component stays without a service
            }
            fatal.accept(e.getMessage()); // the launcher prints it once and stops the process with status 1
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    private static Path dataDir(Config config) {
        String dir = config.data_dir();
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("configuration cairn.server has no data.dir; set it (--data-dir)");
        }
        return Path.of(dir).toAbsolutePath();
    }

    private static ServerIdentity identity(Config config) {
        String nodeName = config.node_name().isBlank() ? hostName() : config.node_name();
        return new ServerIdentity(nodeName, config.node_ip(), config.bind_address(), Arrays.asList(config.tls_san()));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
