package dev.cairn.security.tls;

import dev.cairn.security.api.ClusterTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares {@code <data.dir>/server/tls} when {@code cairn.server} is configured, then registers the
 * {@link ClusterTls} service; the service therefore only exists while every file in it is usable. While it runs it
 * checks the leaf certificates every {@link #CHECK_INTERVAL}, re-issues those near expiry and tells consumers by
 * incrementing {@link ClusterTls#GENERATION}, so a long-running server never serves an expired certificate.
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

    /** Twice a day: a renewal is due 90 days ahead, so a missed check or two changes nothing. */
    static final Duration CHECK_INTERVAL = Duration.ofHours(12);
    /** System property overriding {@link #CHECK_INTERVAL} (a duration such as 500ms, 5s, 10m or 12h), for tests. */
    static final String CHECK_INTERVAL_PROPERTY = "cairn.tls.renewal-check-interval";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterTlsComponent.class);

    /** Time as the certificates see it; tests move it forward to make a renewal due. */
    Clock clock = Clock.systemUTC();

    private ServiceRegistration<ClusterTls> registration;
    private final Dictionary<String, Object> properties = new Hashtable<>();
    private TlsLayout layout;
    private ServerIdentity identity;
    private ScheduledExecutorService renewals;

    @Activate
    void activate(BundleContext context, Config config) throws IOException {
        try {
            long period = checkInterval().toMillis();
            identity = identity(config);
            layout = new ServerCertificates(new TlsLayout(dataDir(config)), identity, clock).ensure();
            properties.put("tls.dir", layout.tlsDir().toString());
            properties.put(ClusterTls.GENERATION, 0L);
            synchronized (this) {
                registration = context.registerService(ClusterTls.class, layout, properties);
            }
            renewals = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "cairn-tls-renewal");
                thread.setDaemon(true);
                return thread;
            });
            renewals.scheduleWithFixedDelay(this::renewDue, period, period, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            if (fatal == null) {
                throw e; // embedded without the launcher: SCR logs it, the component stays without a service
            }
            fatal.accept(e.getMessage()); // the launcher prints it once and stops the process with status 1
        }
    }

    /**
     * The periodic check: re-issues the leaves that are due from the existing CAs, then increments
     * {@link ClusterTls#GENERATION} so consumers reload. A failure keeps the current files in service (they are
     * still valid for weeks) and is retried at the next check.
     */
    synchronized void renewDue() {
        if (registration == null) {
            return;
        }
        try {
            List<String> renewed = new ServerCertificates(layout, identity, clock).renew();
            if (renewed.isEmpty()) {
                return;
            }
            long generation = (Long) properties.get(ClusterTls.GENERATION) + 1;
            properties.put(ClusterTls.GENERATION, generation);
            registration.setProperties(properties);
            LOG.info("tls renewed certificates={} generation={}", String.join(",", renewed), generation);
        } catch (IOException | RuntimeException e) {
            LOG.error("tls renewal failed dir={} error=\"{}\"; the current certificates stay in use, next check in {}",
                    layout.tlsDir(), e.getMessage(), checkInterval());
        }
    }

    @Deactivate
    void deactivate() {
        if (renewals != null) {
            renewals.shutdownNow();
            try {
                renewals.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            renewals = null;
        }
        synchronized (this) {
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
        }
    }

    /** {@link #CHECK_INTERVAL}, or the system property {@value #CHECK_INTERVAL_PROPERTY} when set. */
    static Duration checkInterval() {
        String value = System.getProperty(CHECK_INTERVAL_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return CHECK_INTERVAL;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(CHECK_INTERVAL_PROPERTY + ": '" + value
                    + "' is not a positive duration like 500ms, 5s, 10m or 12h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
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
