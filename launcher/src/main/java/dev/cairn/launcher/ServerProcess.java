package dev.cairn.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code cairn server} process: takes the data dir lock, starts the framework with the bundles, writes the
 * configuration, then waits until a signal (SIGTERM/SIGINT: stop within 5 s, exit 0), a bundle's fatal error
 * (print it, stop, exit 1), a bundle's one-shot job finishing (print its message, stop, exit 0) or the framework
 * stopping on its own (exit 0). With {@code --server} and no etcd database yet, it joins the cluster
 * ({@link ClusterJoin}) while the bundles start, and writes the configuration once the join succeeded.
 */
final class ServerProcess implements ServerRunner {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final LauncherLog LOG = LauncherLog.of(ServerProcess.class);

    private final PrintStream out;
    private final PrintStream err;
    private volatile EmbeddedFramework framework;
    /** Set once main decided the exit status itself; the shutdown hook then leaves the exit alone. */
    private volatile boolean exiting;

    ServerProcess(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public int run(ServerSettings settings) throws SettingsException, StartupException {
        long started = System.nanoTime();
        LauncherLog.setDebug(settings.debug());
        quietJavaLogging(settings.debug());
        Path bundleDir = cairnHome().resolve("bundle");
        try (DataDirLock lock = DataDirLock.acquire(settings.dataDir())) {
            announce(settings);
            FatalErrors fatal = new FatalErrors();
            ExitMessages exit = new ExitMessages();
            // before the join, whose retries may last a minute: a signal then also exits 0 at once
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnSignal, "cairn-shutdown"));
            try {
                int bundles = launchJoiningMeanwhile(settings, bundleDir, fatal, exit);
                LOG.info("started bundles=" + bundles + " home=" + bundleDir.getParent() + " in "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
            } catch (StartupException e) {
                stopFramework();
                throw e;
            }
            return awaitExit(fatal, exit);
        }
    }

    /**
     * Starts the framework and, when this server has to join the cluster of {@code --server} first, registers it
     * meanwhile on another thread: loading and starting the bundles takes a second or two, about as long as the
     * join's requests, and no bundle acts before the configuration, which is written once the join returned its
     * settings. A join that fails still ends the start with its own error; a framework that fails ends the join.
     */
    private int launchJoiningMeanwhile(ServerSettings settings, Path bundleDir, FatalErrors fatal, ExitMessages exit)
            throws StartupException {
        Tombstone.clearForRejoin(settings);
        if (!ClusterJoin.isNeeded(settings)) {
            return launch(settings, bundleDir, fatal, exit, CompletableFuture.completedFuture(settings));
        }
        CompletableFuture<ServerSettings> join = new CompletableFuture<>();
        Thread joining = new Thread(() -> {
            try {
                join.complete(new ClusterJoin().join(settings));
            } catch (StartupException | RuntimeException | Error e) {
                join.completeExceptionally(e);
            } catch (InterruptedException e) {
                join.completeExceptionally(new StartupException(
                        "interrupted while joining the cluster at " + settings.cluster().serverUrl()));
            }
        }, "cairn-join");
        joining.setDaemon(true);
        joining.start();
        try {
            return launch(settings, bundleDir, fatal, exit, join);
        } finally {
            joining.interrupt(); // ends the join's retries when the framework failed; nothing once it returned
        }
    }

    /** The settings the completed join returned, or the error that ended it. */
    private static ServerSettings joined(CompletableFuture<ServerSettings> join) throws StartupException {
        try {
            return join.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StartupException) {
                throw (StartupException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw (RuntimeException) cause;
        }
    }

    /** The one line every start prints, and a warning when fault injection is on. */
    private void announce(ServerSettings settings) {
        out.println("cairn " + CairnVersion.version() + " starting: data-dir=" + settings.dataDir() + " node-name="
                + settings.nodeName() + " node-ip=" + settings.nodeIp() + " pid=" + ProcessHandle.current().pid());
        if (!settings.fsyncDelay().isEmpty()) {
            LOG.warn("fault injection enabled by " + Failpoints.ENV + ": " + Failpoints.FSYNC_DELAY_PROPERTY + "="
                    + settings.fsyncDelay() + " (every fsync is delayed; never use this in production)");
        }
        if (!settings.conversionCrash().isEmpty()) {
            LOG.warn("fault injection enabled by " + Failpoints.ENV + ": " + Failpoints.CONVERSION_CRASH_PROPERTY + "="
                    + settings.conversionCrash() + " (a conversion halts the process at that step)");
        }
    }

    /**
     * Framework up, fatal-error and exit sinks registered, bundles started, then the configuration written from
     * the settings {@code effective} completes with, unless a bundle reported a fatal error or a finished job
     * first; returns the bundle count.
     */
    private int launch(ServerSettings settings, Path bundleDir, FatalErrors fatal, ExitMessages exit,
            CompletableFuture<ServerSettings> effective) throws StartupException {
        framework = EmbeddedFramework.init(EmbeddedFramework.properties(settings.dataDir(), settings.debug()));
        framework.controlLogLevel(settings.debug());
        framework.registerFatalErrors(fatal);
        framework.registerExitMessages(exit);
        int bundles = framework.installAndStart(bundleDir).size();
        CompletableFuture.anyOf(effective, fatal.first(), exit.first()).exceptionally(e -> null).join();
        if (effective.isDone()) {
            framework.configure(joined(effective).toConfiguration());
        } // else a bundle failed or finished during the join: awaitExit reports it, and the join ends
        return bundles;
    }

    private int awaitExit(FatalErrors fatal, ExitMessages exit) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread watcher = new Thread(() -> {
            try {
                framework.awaitStop();
                stopped.complete(null);
            } catch (InterruptedException e) {
                stopped.completeExceptionally(e);
            }
        }, "cairn-framework-watch");
        watcher.setDaemon(true);
        watcher.start();
        CompletableFuture.anyOf(fatal.first(), exit.first(), stopped).join();
        if (fatal.first().isDone()) {
            err.println("cairn: " + fatal.first().join());
            stopFramework();
            return 1;
        }
        if (exit.first().isDone()) {
            out.println(exit.first().join());
            out.flush();
            stopFramework();
            LOG.info("framework stopped: one-shot job done");
            return 0;
        }
        exiting = true;
        LOG.info("framework stopped");
        return 0;
    }

    private void stopFramework() {
        exiting = true;
        EmbeddedFramework current = framework;
        if (current != null && !current.stop(STOP_TIMEOUT)) {
            LOG.warn("framework did not stop within " + STOP_TIMEOUT.toSeconds() + " s; exiting anyway");
        }
    }

    /** The shutdown hook: SIGTERM or SIGINT stop the framework (at most 5 s) and exit 0. */
    private void stopOnSignal() {
        if (exiting) {
            return;
        }
        LOG.info("stopping on signal");
        EmbeddedFramework current = framework;
        if (current != null && !current.stop(STOP_TIMEOUT)) {
            LOG.warn("framework did not stop within " + STOP_TIMEOUT.toSeconds() + " s; exiting anyway");
        }
        out.flush();
        err.flush();
        // a stop on request is a clean exit, not the JVM's 128+signal status
        Runtime.getRuntime().halt(0);
    }

    /**
     * gRPC and other libraries log through java.util.logging: keep them at WARNING (INFO with --debug), on one
     * line each.
     */
    private static void quietJavaLogging(boolean debug) {
        Logger root = Logger.getLogger("");
        Level level = debug ? Level.INFO : Level.WARNING;
        root.setLevel(level);
        for (Handler handler : root.getHandlers()) {
            handler.setLevel(level);
        }
    }

    /** {@code -Dcairn.home} from bin/cairn, else the directory above the launcher's {@code lib/}. */
    static Path cairnHome() throws StartupException {
        String property = System.getProperty("cairn.home");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = jar.getParent();
            if (lib != null && lib.getFileName() != null && lib.getFileName().toString().equals("lib")
                    && Files.isDirectory(lib.resolveSibling("bundle"))) {
                return lib.getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the error below
        }
        throw new StartupException("cairn.home is not set; start cairn with the distribution's bin/cairn");
    }
}
