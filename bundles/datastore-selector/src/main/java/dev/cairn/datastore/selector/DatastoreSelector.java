package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * Picks the backend the configuration asks for, opens it once its provider is present and publishes it as the
 * one active {@link Datastore} service. When the provider goes away (its bundle is stopped or updated) the store
 * is closed and unpublished first; when a provider comes back it is opened again, so consumers simply follow the
 * Datastore service.
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = SelectorConfig.class)
public final class DatastoreSelector {
    private static final Logger LOG = LoggerFactory.getLogger(DatastoreSelector.class);

    private static final Duration PROVIDER_GRACE = Duration.ofSeconds(10);

    private final Map<String, DatastoreProvider> providers = new ConcurrentHashMap<>();
    private volatile Consumer<String> fatal;

    private BundleContext context;
    private BackendChoice choice;
    private BackendSettings settings;
    private SelectorConfig config;
    private ActiveStore active;

    /** The open store with its service registration and compactor. */
    private record ActiveStore(Datastore store, ServiceRegistration<Datastore> registration,
            AutoCompactor compactor) {
        void close() {
            registration.unregister();
            if (compactor != null) {
                compactor.close();
            }
            store.close();
        }
    }

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
        if (active != null && choice != null && choice.type().equals(provider.type())) {
            LOG.info("datastore closing type={} reason=\"provider bundle went away\"", provider.type());
            closeActive();
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
        closeActive();
        context = null;
    }

    private void openIfChosen() {
        if (context == null || choice == null || active != null) {
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
        AutoCompactor compactor;
        try {
            compactor = AutoCompactor.start(store, config.auto_compaction_mode(), config.auto_compaction_retention());
        } catch (IllegalArgumentException e) {
            store.close();
            fail(e.getMessage(), e);
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(DatastoreProvider.TYPE, store.type());
        ServiceRegistration<Datastore> reg = context.registerService(Datastore.class, store, props);
        active = new ActiveStore(store, reg, compactor);
        LOG.info("datastore active type={} revision={} openMs={}", store.type(), store.currentRevision(),
                (System.nanoTime() - start) / 1_000_000);
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
                if (context != null && active == null && waitingFor.equals(choice)
                        && !providers.containsKey(waitingFor.type())) {
                    LOG.warn("datastore still waiting type={} installed={} reason=\"no backend bundle offers this"
                            + " type; install one or change --datastore-endpoint\"", waitingFor.type(),
                            providers.keySet());
                }
            }
        });
    }

    private void closeActive() {
        if (active != null) {
            ActiveStore a = active;
            active = null;
            a.close();
        }
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
