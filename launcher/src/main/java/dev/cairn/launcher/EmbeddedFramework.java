package dev.cairn.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Felix, embedded: its bundle cache in the data dir, the Config Admin API shared with the launcher through the
 * system bundle, every jar of {@code <cairn.home>/bundle} installed and started, and the {@code cairn.server}
 * configuration written once Config Admin is up.
 */
final class EmbeddedFramework {

    static final String SERVER_PID = "cairn.server";
    /** The Config Admin API on the launcher's class path, exported by the system bundle so both sides share it. */
    static final String SHARED_PACKAGES = "org.osgi.service.cm;version=1.6.1";

    private static final LauncherLog LOG = LauncherLog.of(EmbeddedFramework.class);
    private static final String PAX_LOG_LEVEL = "org.ops4j.pax.logging.DefaultServiceLog.level";
    /** pax-logging runs at level 1, every other bundle at 2: it starts first and stops last. */
    private static final int LOGGING_START_LEVEL = 1;
    private static final int BUNDLE_START_LEVEL = 2;

    private final Framework framework;

    private EmbeddedFramework(Framework framework) {
        this.framework = framework;
    }

    static final String GOSH_ARGS = "gosh.args";

    /**
     * The Gogo shell's arguments: a {@code g!} console only on a terminal, where leaving it (Ctrl-D, {@code exit})
     * leaves the server running; without a terminal (systemd, tests, {@code < /dev/null}) no console, because the
     * shell stops the whole framework when its input ends.
     */
    static String shellArgs(boolean terminal) {
        return terminal ? "--noshutdown" : "--nointeractive";
    }

    /** The framework properties: cache under the data dir, cleaned on each start, log levels, the shell. */
    static Map<String, String> properties(Path dataDir, boolean debug) {
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, dataDir.resolve("felix-cache").toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SHARED_PACKAGES);
        properties.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, String.valueOf(BUNDLE_START_LEVEL));
        properties.put(PAX_LOG_LEVEL, PaxLogLevel.QUIET); // raised once pax-logging has started, see PaxLogLevel
        properties.put("felix.log.level", debug ? "3" : "2"); // framework: warnings, info with --debug
        properties.put("ds.loglevel", debug ? "info" : "warn"); // SCR's own log; its debug level drowns ours
        properties.put(GOSH_ARGS, shellArgs(System.console() != null));
        return properties;
    }

    /**
     * Creates and initialises the framework (not yet started), so that a shutdown hook can stop it even while
     * bundles are still being installed.
     */
    static EmbeddedFramework init(Map<String, String> properties) throws StartupException {
        Iterator<FrameworkFactory> factories = ServiceLoader.load(FrameworkFactory.class,
                EmbeddedFramework.class.getClassLoader()).iterator();
        if (!factories.hasNext()) {
            throw new StartupException("no OSGi framework on the class path (expected org.apache.felix.framework "
                    + "in lib/)");
        }
        Framework framework = factories.next().newFramework(properties);
        try {
            framework.init();
        } catch (BundleException e) {
            throw new StartupException("cannot initialise the OSGi framework: " + e.getMessage(), e);
        }
        return new EmbeddedFramework(framework);
    }

    /** Steers pax-logging's level from its start to its stop; call before starting bundles. */
    void controlLogLevel(boolean debug) {
        framework.getBundleContext().addBundleListener(new PaxLogLevel(debug));
    }

    /** Registers the fatal-error sink; call before starting bundles so none of them misses it. */
    void registerFatalErrors(Consumer<String> sink) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(FatalErrors.SERVICE_PROPERTY, Boolean.TRUE);
        properties.put(Constants.SERVICE_DESCRIPTION, "cairn launcher: fatal startup errors stop the process");
        framework.getBundleContext().registerService(Consumer.class, sink, properties);
    }

    /** Registers the sink of one-shot jobs' final messages; call before starting bundles, like the fatal one. */
    void registerExitMessages(Consumer<String> sink) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ExitMessages.SERVICE_PROPERTY, Boolean.TRUE);
        properties.put(Constants.SERVICE_DESCRIPTION, "cairn launcher: a finished one-shot job stops the process "
                + "(exit 0)");
        framework.getBundleContext().registerService(Consumer.class, sink, properties);
    }

    /** Installs every jar in {@code bundleDir}, fails naming each bundle that does not resolve, starts them all. */
    List<Bundle> installAndStart(Path bundleDir) throws StartupException {
        List<Bundle> bundles = install(bundleDir);
        try {
            framework.start(); // starts no bundle yet: none is marked started
        } catch (BundleException e) {
            throw new StartupException("cannot start the OSGi framework: " + e.getMessage(), e);
        }
        resolve(bundles);
        assignStartLevels(bundles);
        start(bundles);
        for (Bundle bundle : bundles) {
            LOG.debug("bundle id=" + bundle.getBundleId() + " name=" + bundle.getSymbolicName() + " version="
                    + bundle.getVersion() + " state=" + stateName(bundle.getState()));
        }
        return bundles;
    }

    /** Writes {@code cairn.server}; components requiring it activate as Config Admin delivers it. */
    void configure(Map<String, Object> properties) throws StartupException {
        BundleContext context = framework.getBundleContext();
        // getAllServiceReferences: also finds a Config Admin whose API class differs from ours, to say so
        ServiceReference<?>[] references;
        try {
            references = context.getAllServiceReferences(ConfigurationAdmin.class.getName(), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        ServiceReference<?> reference = references == null ? null : references[0];
        if (reference == null) {
            throw new StartupException("no Config Admin service after start: is org.apache.felix.configadmin in "
                    + "the bundle directory?");
        }
        Object service = context.getService(reference);
        if (!(service instanceof ConfigurationAdmin configAdmin)) {
            throw new StartupException("Config Admin does not share org.osgi.service.cm with the launcher ("
                    + cmProvider(reference.getBundle()) + "); the system bundle must export it ("
                    + Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA + "=" + SHARED_PACKAGES + ")");
        }
        try {
            Configuration configuration = configAdmin.getConfiguration(SERVER_PID, "?");
            configuration.update(new Hashtable<>(properties));
        } catch (IOException e) {
            throw new StartupException("cannot write configuration " + SERVER_PID + ": " + e.getMessage(), e);
        } finally {
            context.ungetService(reference);
        }
        LOG.debug("configuration pid=" + SERVER_PID + " written; org.osgi.service.cm wired from "
                + cmProvider(reference.getBundle()));
    }

    /**
     * Stops the framework and waits at most {@code timeout}. Returns false if it did not stop in time (the
     * process exits anyway; the kernel releases ports, files and the data dir lock).
     */
    boolean stop(Duration timeout) {
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(Math.max(1, timeout.toMillis()));
            return event.getType() != FrameworkEvent.WAIT_TIMEDOUT;
        } catch (BundleException e) {
            LOG.warn("framework stop failed: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Blocks until the framework has stopped, for whatever reason. */
    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    Framework framework() {
        return framework;
    }

    private List<Bundle> install(Path bundleDir) throws StartupException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(bundleDir, "*.jar")) {
            entries.forEach(jars::add);
        } catch (IOException e) {
            throw new StartupException("cannot list bundles in " + bundleDir + ": " + e.getMessage()
                    + " (is cairn.home a Cairn distribution?)", e);
        }
        if (jars.isEmpty()) {
            throw new StartupException("no bundles in " + bundleDir + " (is cairn.home a Cairn distribution?)");
        }
        jars.sort(null);
        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        for (Path jar : jars) {
            try {
                // "reference:": Felix reads the jar in place instead of copying it into the cache on every start
                // (~40 MB, a few hundred ms); the distribution must therefore not be replaced while running
                bundles.add(context.installBundle("reference:" + jar.toUri()));
            } catch (BundleException e) {
                throw new StartupException("cannot install bundle " + jar + ": " + e.getMessage(), e);
            }
        }
        return bundles;
    }

    /** pax-logging runs at a lower start level than the rest: it starts first and stops last. */
    private static void assignStartLevels(List<Bundle> bundles) {
        for (Bundle bundle : bundles) {
            boolean logging = PaxLogLevel.BUNDLE.equals(bundle.getSymbolicName());
            bundle.adapt(BundleStartLevel.class).setStartLevel(logging ? LOGGING_START_LEVEL : BUNDLE_START_LEVEL);
        }
    }

    /** Starts every bundle but fragments, pax-logging first; reports every one that fails, not just the first. */
    private static void start(List<Bundle> bundles) throws StartupException {
        List<String> failures = new ArrayList<>();
        for (Bundle bundle : startOrder(bundles)) {
            if (isFragment(bundle)) {
                continue;
            }
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                failures.add("bundle " + describe(bundle) + " failed to start: " + rootMessage(e));
            }
        }
        if (!failures.isEmpty()) {
            throw new StartupException(String.join("\ncairn: ", failures));
        }
    }

    /** pax-logging first, so every bundle's first log line already goes to a configured log. */
    private static List<Bundle> startOrder(List<Bundle> bundles) {
        List<Bundle> order = new ArrayList<>(bundles);
        order.sort(java.util.Comparator.comparing(b -> !PaxLogLevel.BUNDLE.equals(b.getSymbolicName())));
        return order;
    }

    private void resolve(List<Bundle> bundles) throws StartupException {
        FrameworkWiring wiring = framework.adapt(FrameworkWiring.class);
        if (wiring.resolveBundles(bundles)) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (Bundle bundle : bundles) {
            if (bundle.getState() != Bundle.INSTALLED) {
                continue;
            }
            failures.add("bundle " + describe(bundle) + " does not resolve: " + unresolvedReason(bundle));
        }
        throw new StartupException(String.join("\ncairn: ", failures));
    }

    /** Felix explains a resolution failure when asked to start the bundle (the framework must be active). */
    private static String unresolvedReason(Bundle bundle) {
        if (isFragment(bundle)) {
            return "its fragment host " + bundle.getHeaders().get(Constants.FRAGMENT_HOST) + " is missing";
        }
        try {
            bundle.start(Bundle.START_TRANSIENT);
            bundle.stop(Bundle.STOP_TRANSIENT);
            return "unknown reason (it resolved when started)";
        } catch (BundleException e) {
            return e.getMessage();
        }
    }

    private static String describe(Bundle bundle) {
        String location = bundle.getLocation();
        String file = location.substring(location.lastIndexOf('/') + 1);
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " (" + file + ")";
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    /** Which bundle Config Admin's import of org.osgi.service.cm is wired to. */
    private static String cmProvider(Bundle configAdmin) {
        BundleWiring wiring = configAdmin == null ? null : configAdmin.adapt(BundleWiring.class);
        if (wiring == null) {
            return "no wiring";
        }
        for (BundleWire wire : wiring.getRequiredWires("osgi.wiring.package")) {
            if ("org.osgi.service.cm".equals(wire.getCapability().getAttributes().get("osgi.wiring.package"))) {
                Bundle provider = wire.getProvider().getBundle();
                return provider.getBundleId() == 0 ? "the system bundle" : "bundle " + provider.getSymbolicName();
            }
        }
        return configAdmin.getSymbolicName() + " itself";
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + cause;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> String.valueOf(state);
        };
    }
}
