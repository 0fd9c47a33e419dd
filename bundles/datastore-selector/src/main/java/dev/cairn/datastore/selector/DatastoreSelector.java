package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.conversion.ConversionException;
import dev.cairn.datastore.conversion.ConversionReport;
import dev.cairn.datastore.conversion.LiveConversion;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
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
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the backend the configuration asks for, opens it once its provider is present and publishes it, behind a
 * {@link SwappableDatastore}, as the one {@link Datastore} service. That service stays registered while the backend
 * underneath changes, so consumers (the etcd API, the Kubernetes-style API) and their clients stay connected:
 * <ul>
 * <li>when the backend's provider goes away (its bundle is stopped or updated) the store is closed and requests are
 * held; when a provider of the type comes back the store opens again and they go on;</li>
 * <li>a {@link LiveConversion} turns the SQLite store into the embedded etcd while the server runs.</li>
 * </ul>
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = LiveConversion.class)
@Designate(ocd = SelectorConfig.class)
public final class DatastoreSelector implements LiveConversion {
    private static final Logger LOG = LoggerFactory.getLogger(DatastoreSelector.class);

    private static final Duration PROVIDER_GRACE = Duration.ofSeconds(10);
    /** How long a request waits for a backend while one is swapped (a bundle update takes a few seconds). */
    private static final Duration HOLD = Duration.ofSeconds(8);
    /** How long a swap waits for the requests the old backend has; later ones fail with UNAVAILABLE. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /** In {@code server/db/etcd}: the copy a live conversion takes while the SQLite store still serves. */
    static final String CONVERSION_BASE = "converting-base.db";

    private final Map<String, DatastoreProvider> providers = new ConcurrentHashMap<>();
    private final ExecutorService conversions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-live-conversion");
        t.setDaemon(true);
        return t;
    });
    private volatile Consumer<String> fatal;

    private BundleContext context;
    private BackendChoice choice;
    private BackendSettings settings;
    private SelectorConfig config;
    /** The published service; created with the first backend, kept until deactivation. */
    private SwappableDatastore published;
    private ServiceRegistration<Datastore> registration;
    /** The backend serving now, with its compactor; null while none is open. */
    private Datastore backend;
    private AutoCompactor compactor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(cairn.fatal=true)")
    void setFatal(Consumer<String> handler) {
        fatal = handler;
    }

    void unsetFatal(Consumer<String> handler) {
        if (fatal == handler) {
            fatal = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addProvider(DatastoreProvider provider) {
        providers.put(provider.type(), provider);
        openIfChosen();
    }

    synchronized void removeProvider(DatastoreProvider provider) {
        providers.remove(provider.type(), provider);
        if (backend != null && choice != null && choice.type().equals(provider.type())) {
            LOG.info("datastore closing type={} reason=\"provider bundle went away\" action=\"requests wait up to"
                    + " {} ms for it to come back\"", provider.type(), HOLD.toMillis());
            swapOut();
        }
    }

    @Activate
    synchronized void activate(BundleContext ctx, SelectorConfig cfg) {
        context = ctx;
        config = cfg;
        try {
            choice = BackendChoice.decide(new BackendChoice.Request(Path.of(cfg.data_dir()),
                    cfg.datastore_endpoint(), cfg.cluster_init(), cfg.server_url(), cfg.raft_join(),
                    cfg.cluster_reset()));
            for (String flag : choice.ignored()) {
                LOG.info("flag ignored: {}", flag);
            }
            settings = settingsFrom(cfg, choice);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage(), e);
            return;
        }
        openIfChosen();
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (published != null) {
            swapOut();
            published.close();
            published = null;
        }
        conversions.shutdownNow();
        context = null;
    }

    @Override
    public CompletableFuture<ConversionReport> convert(String target) {
        return CompletableFuture.supplyAsync(() -> convertNow(target), conversions);
    }

    private void openIfChosen() {
        if (context == null || choice == null || backend != null) {
            return;
        }
        DatastoreProvider provider = providers.get(choice.type());
        if (provider == null) {
            LOG.info("datastore waiting type={} reason=\"no backend bundle offers it yet\"", choice.type());
            warnIfStillWaiting(choice);
            return;
        }
        long start = System.nanoTime();
        Datastore store;
        try {
            store = provider.open(settings);
        } catch (Exception e) {
            fail("cannot open the " + choice.type() + " datastore: " + e.getMessage(), e);
            return;
        }
        if (choice.converts()) {
            ConversionCrash.at("opened", config.failpoint_conversion_crash());
            retireConvertedStore(Path.of(choice.options().get(BackendChoice.CONVERT_FROM)));
        }
        if (serve(store)) {
            LOG.info("datastore active type={} revision={} openMs={}", store.type(), store.currentRevision(),
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Publishes {@code store} (first time) or hands it to the published service; false if it could not serve. */
    private boolean serve(Datastore store) {
        try {
            compactor = AutoCompactor.start(store, config.auto_compaction_mode(), config.auto_compaction_retention());
        } catch (IllegalArgumentException e) {
            store.close();
            fail(e.getMessage(), e);
            return false;
        }
        backend = store;
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(DatastoreProvider.TYPE, store.type());
        if (published == null) {
            published = new SwappableDatastore(HOLD);
            published.resume(store);
            registration = context.registerService(Datastore.class, published, props);
        } else {
            published.resume(store);
            registration.setProperties(props);
        }
        return true;
    }

    /** Holds new requests, lets the backend finish those it has, detaches the watches and closes it. */
    private void swapOut() {
        if (backend == null) {
            return;
        }
        awaitDrained(published.pause());
        Datastore old = published.release();
        stopCompactor();
        backend = null;
        if (old != null) {
            old.close();
        }
    }

    private void awaitDrained(CompletableFuture<Void> drained) {
        try {
            drained.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("datastore swap: requests still running after {} ms; closing the store fails them with"
                    + " UNAVAILABLE (retryable)", DRAIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("datastore swap: waiting for running requests failed: {}", e.getCause().toString());
        }
    }

    private void stopCompactor() {
        if (compactor != null) {
            compactor.close();
            compactor = null;
        }
    }

    /**
     * The live conversion: a copy of the SQLite store taken while it serves, then a short switch in which requests
     * are held, the store is closed, the embedded etcd is founded on the copy brought up to date, and watches and
     * requests go on on it. If the embedded etcd does not come up, the SQLite store serves again, unchanged.
     */
    private synchronized ConversionReport convertNow(String target) {
        long start = System.nanoTime();
        checkConvertible(target);
        Path dataDir = Path.of(config.data_dir());
        Path sqlite = BackendChoice.sqliteStore(dataDir);
        Path base = BackendChoice.etcdDir(dataDir).resolve(CONVERSION_BASE);
        String from = backend.type();
        stopCompactor(); // a compaction between the copy and the switch would make the copy's catch-up a full copy
        long baseRevision;
        try {
            baseRevision = writeBase(base);
        } catch (ConversionException e) {
            compactor = AutoCompactor.start(backend, config.auto_compaction_mode(), config.auto_compaction_retention());
            throw e;
        }
        LOG.info("live conversion: copy taken file={} revision={} tookMs={}", base, baseRevision, millisSince(start));
        BackendChoice raft = BackendChoice.liveConversion(sqlite, base);
        DatastoreProvider embeddedEtcd = providers.get(BackendChoice.RAFT);
        try {
            embeddedEtcd.prepare(settingsFrom(config, raft));
        } catch (Exception e) {
            LOG.warn("live conversion: the embedded etcd could not be prepared ahead ({}); the switch will take"
                    + " longer", e.toString());
        }
        long paused = System.nanoTime();
        awaitDrained(published.pause());
        Datastore old = published.release();
        backend = null;
        long revision = old.currentRevision();
        old.close();
        Datastore store;
        try {
            store = embeddedEtcd.open(settingsFrom(config, raft));
        } catch (Exception e) {
            throw rollBack(e, dataDir);
        }
        retireConvertedStore(sqlite);
        choice = BackendChoice.embeddedEtcd();
        settings = settingsFrom(config, choice);
        serve(store);
        long end = System.nanoTime();
        ConversionReport report = new ConversionReport(from, store.type(), revision, (end - start) / 1_000_000,
                (end - paused) / 1_000_000);
        LOG.info("live conversion done from={} to={} revision={} tookMs={} unavailableMs={}", report.from(),
                report.to(), report.revision(), report.totalMillis(), report.unavailableMillis());
        return report;
    }

    private void checkConvertible(String target) {
        if (!LiveConversion.EMBEDDED_ETCD.equals(target)) {
            throw new ConversionException("cannot convert to '" + target + "': the only target is "
                    + LiveConversion.EMBEDDED_ETCD + " (the embedded etcd)");
        }
        if (backend == null || choice == null) {
            throw new ConversionException("the datastore is not open (the server is starting, or its backend bundle"
                    + " is stopped); try again once it serves");
        }
        if (choice.type().equals(BackendChoice.RAFT)) {
            throw new ConversionException("this server already runs on the embedded etcd");
        }
        if (!choice.type().equals(BackendChoice.SQLITE) || !choice.endpoint().isEmpty()) {
            throw new ConversionException("this server runs on the " + choice.type() + " datastore at"
                    + " --datastore-endpoint " + BackendChoice.redact(choice.endpoint()) + "; only the default SQLite"
                    + " store in the data dir converts to the embedded etcd");
        }
        if (!providers.containsKey(BackendChoice.RAFT)) {
            throw new ConversionException("the embedded etcd backend is not available: install and start the"
                    + " bundle dev.cairn.datastore-raft (it also waits for the cluster certificates)");
        }
    }

    /** Phase one, while the store serves: its consistent copy, fsynced, for the embedded etcd to start from. */
    private long writeBase(Path base) {
        try {
            Files.createDirectories(base.getParent());
            long revision;
            try (OutputStream out = Files.newOutputStream(base)) {
                revision = backend.snapshot(out).get();
            }
            try (FileChannel ch = FileChannel.open(base, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            return revision;
        } catch (IOException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ConversionException("cannot copy the SQLite store to " + base + ": " + cause.getMessage()
                    + "; nothing was changed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionException("interrupted while copying the SQLite store; nothing was changed", e);
        }
    }

    /**
     * The embedded etcd did not come up: its storage is moved aside (it never accepted a write, requests were
     * held) and the SQLite store, untouched, serves again.
     */
    private ConversionException rollBack(Exception cause, Path dataDir) {
        LOG.error("live conversion failed: {}; serving from SQLite again", cause.getMessage(), cause);
        Path etcd = BackendChoice.etcdDir(dataDir);
        try {
            if (Files.exists(etcd)) {
                Path aside = etcd.resolveSibling("etcd-failed-" + System.currentTimeMillis() / 1000);
                Files.move(etcd, aside, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("live conversion: moved the unfinished embedded etcd to {}", aside);
            }
            choice = BackendChoice.decide(new BackendChoice.Request(dataDir, config.datastore_endpoint(), false, "",
                    false, false));
            settings = settingsFrom(config, choice);
            Datastore again = providers.get(choice.type()).open(settings);
            serve(again);
        } catch (Exception e) {
            fail("live conversion failed (" + cause.getMessage() + ") and the SQLite store could not be opened again: "
                    + e.getMessage(), e);
        }
        return new ConversionException("the conversion to the embedded etcd failed: " + cause.getMessage()
                + "; the server serves from its SQLite store again, nothing was lost", cause);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * Renames {@code state.db} (and its WAL files) to {@code state.db.migrated} once its content is the embedded
     * etcd's, as K3s does, so that the conversion never runs twice; the file stays for the operator.
     */
    private static void retireConvertedStore(Path sqlite) {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path file = Path.of(sqlite + suffix);
            if (Files.exists(file)) {
                try {
                    Files.move(file, Path.of(sqlite + suffix + ".migrated"),
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    LOG.warn("datastore converted but {} could not be renamed: {}; delete or rename it by hand", file,
                            e.toString());
                }
            }
        }
        LOG.info("datastore converted from={} renamedTo={}.migrated", sqlite, sqlite);
    }

    /** Bundles start in any order, so a short wait is normal; a long one means the backend is not installed. */
    private void warnIfStillWaiting(BackendChoice waitingFor) {
        CompletableFuture.delayedExecutor(PROVIDER_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            synchronized (this) {
                if (context != null && backend == null && waitingFor.equals(choice)
                        && !providers.containsKey(waitingFor.type())) {
                    LOG.warn("datastore still waiting type={} installed={} reason=\"no backend bundle offers this"
                            + " type; install one or change --datastore-endpoint\"", waitingFor.type(),
                            providers.keySet());
                }
            }
        });
    }

    private void fail(String message, Exception cause) {
        LOG.error("datastore failed: {}", message, cause);
        Consumer<String> handler = fatal;
        if (handler != null) {
            handler.accept(message);
        }
    }

    private static BackendSettings settingsFrom(SelectorConfig cfg, BackendChoice choice) {
        String nodeIp = cfg.node_ip();
        String host = nodeIp.contains(":") ? "[" + nodeIp + "]" : nodeIp;
        Duration fsyncDelay = Durations.parse(cfg.failpoint_fsync_delay(), "failpoint fsyncDelay",
                ChronoUnit.MILLIS);
        return new BackendSettings(Path.of(cfg.data_dir()), choice.endpoint(), cfg.node_name(),
                List.of("https://" + host + ":" + cfg.client_port()),
                List.of("https://" + host + ":" + cfg.peer_port()), cfg.quota_backend_bytes(), fsyncDelay,
                options(cfg, choice));
    }

    /** The choice's own options, the Raft tunables for the Raft backend, the TLS files for an external etcd. */
    private static Map<String, String> options(SelectorConfig cfg, BackendChoice choice) {
        Map<String, String> options = new LinkedHashMap<>(choice.options());
        if (choice.type().equals(BackendChoice.ETCD)) {
            // option names of the etcd backend (datastore-etcd's TlsFiles)
            options.put("etcd.cafile", cfg.datastore_cafile().trim());
            options.put("etcd.certfile", cfg.datastore_certfile().trim());
            options.put("etcd.keyfile", cfg.datastore_keyfile().trim());
        }
        if (choice.type().equals(BackendChoice.RAFT)) {
            options.put("bind.address", cfg.bind_address().trim());
            options.put("cluster.reset", String.valueOf(cfg.cluster_reset()));
            if (cfg.cluster_reset() && !cfg.cluster_reset_restore_path().isBlank()) {
                options.put("cluster.reset.restore.path", cfg.cluster_reset_restore_path().trim());
            }
            if (cfg.raft_election_timeout_ms() > 0) {
                options.put("raft.election.timeout.ms", String.valueOf(cfg.raft_election_timeout_ms()));
            }
            if (!cfg.failpoint_conversion_crash().isEmpty()) {
                options.put(ConversionCrash.OPTION, cfg.failpoint_conversion_crash());
            }
            if (cfg.raft_heartbeat_interval_ms() > 0) {
                options.put("raft.heartbeat.interval.ms", String.valueOf(cfg.raft_heartbeat_interval_ms()));
            }
        }
        return options;
    }
}
