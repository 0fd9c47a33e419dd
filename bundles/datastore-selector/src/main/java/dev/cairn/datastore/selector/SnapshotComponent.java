package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.snapshot.SnapshotImage;
import dev.cairn.datastore.snapshot.SnapshotService;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the active datastore as files (K3s's {@code etcd-snapshot}): on demand through the supervisor API's
 * {@code /db/snapshot} ({@code cairn etcd-snapshot save|ls|delete|prune}), and on the {@code
 * --etcd-snapshot-schedule-cron} schedule on an embedded-etcd server (K3s takes no scheduled snapshots of SQLite),
 * each followed by pruning to {@code --etcd-snapshot-retention}.
 *
 * <p>A save asks the datastore for a consistent copy at one revision (writes go on meanwhile), writes it to a
 * hidden partial file with its checksum computed on the way ({@link SnapshotImage}), fsyncs it and renames it into
 * place, so a listed snapshot is always complete.
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = SnapshotService.class)
public final class SnapshotComponent implements SnapshotService {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotComponent.class);
    private static final long SAVE_TIMEOUT_MINUTES = 10;

    @Reference
    Datastore datastore;

    @Reference(service = Consumer.class, target = "(cairn.fatal=true)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Consumer<String> fatal;

    private final AtomicBoolean saving = new AtomicBoolean();
    private SnapshotDirectory directory;
    private SnapshotSchedule schedule;

    @Activate
    void activate(SelectorConfig config) {
        Path dataDir = Path.of(config.data_dir()).toAbsolutePath();
        String configured = config.etcd_snapshot_dir().trim();
        Path dir = configured.isEmpty() ? dataDir.resolve("server").resolve("db").resolve("snapshots")
                : Path.of(configured).toAbsolutePath();
        try {
            if (configured.isEmpty()) {
                Files.createDirectories(dir);
            } else if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("etcd-snapshot-dir: " + dir + " does not exist or is not a"
                        + " directory; create it first (only the default directory is created)");
            }
            directory = new SnapshotDirectory(dir, nodeName(config.node_name()));
            if (config.etcd_disable_snapshots()) {
                LOG.info("event=snapshot_schedule_disabled reason=etcd-disable-snapshots dir={}", dir);
            } else {
                // scheduled snapshots are for the embedded etcd: a server still on SQLite skips the ticks until a
                // live conversion makes it a member
                CronSchedule cron = CronSchedule.parse(config.etcd_snapshot_schedule_cron());
                schedule = SnapshotSchedule.start(cron, () -> scheduled(config));
                LOG.info("event=snapshot_schedule cron=\"{}\" retention={} compress={} dir={} datastore={}{}", cron,
                        config.etcd_snapshot_retention(), config.etcd_snapshot_compress(), dir, datastore.type(),
                        onEmbeddedEtcd() ? "" : " note=\"skipped until this server runs on the embedded etcd\"");
            }
        } catch (IOException | RuntimeException e) {
            Consumer<String> f = fatal;
            String message = "cannot set up datastore snapshots: " + e.getMessage();
            LOG.error("event=snapshot_setup_failed error=\"{}\"", e.getMessage());
            if (f != null) {
                f.accept(message);
            }
            throw new IllegalStateException(message, e);
        }
    }

    @Deactivate
    void deactivate() {
        if (schedule != null) {
            schedule.close();
        }
    }

    private boolean onEmbeddedEtcd() {
        return datastore.type().equals(BackendChoice.RAFT);
    }

    private void scheduled(SelectorConfig config) {
        if (!onEmbeddedEtcd()) {
            return;
        }
        String name = config.etcd_snapshot_name().isBlank() ? "etcd-snapshot" : config.etcd_snapshot_name().trim();
        try {
            save(name, config.etcd_snapshot_compress());
            List<String> pruned = prune(name, config.etcd_snapshot_retention());
            if (!pruned.isEmpty()) {
                LOG.info("event=snapshot_retention retention={} deleted={}", config.etcd_snapshot_retention(),
                        pruned);
            }
        } catch (RuntimeException e) {
            LOG.error("event=scheduled_snapshot_failed name={} error=\"{}\"", name, e.getMessage());
        }
    }

    @Override
    public SnapshotFile save(String name, boolean compress) {
        String base = name == null || name.isBlank() ? ON_DEMAND : name.trim();
        if (base.contains("/") || base.startsWith(".")) {
            throw new SnapshotException("invalid snapshot name '" + base + "': it must not contain '/' or start with"
                    + " '.'");
        }
        if (datastore.cluster().learner()) {
            throw new SnapshotException("Unable to take snapshot: not supported for learner");
        }
        if (!saving.compareAndSet(false, true)) {
            throw new SnapshotException("snapshot save already in progress");
        }
        try {
            return write(base, compress);
        } finally {
            saving.set(false);
        }
    }

    private SnapshotFile write(String base, boolean compress) {
        long start = System.nanoTime();
        String fileName = directory.newName(base, Instant.now());
        Path file = directory.path().resolve(fileName);
        Path partial = directory.path().resolve("." + fileName + ".partial");
        try {
            long revision;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                    SnapshotImage.Sealer sealer = SnapshotImage.sealing(out)) {
                revision = datastore.snapshot(sealer).get(SAVE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
                sealer.seal();
            }
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            if (compress) {
                file = SnapshotImage.compress(file);
            }
            syncDirectory(directory.path());
            SnapshotFile saved = SnapshotDirectory.describe(file, revision);
            LOG.info("event=snapshot_saved name={} revision={} bytes={} tookMs={}", saved.name(), revision,
                    saved.size(), (System.nanoTime() - start) / 1_000_000);
            return saved;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + file + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new SnapshotException("snapshot " + fileName + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new SnapshotException("snapshot " + fileName + " did not finish within " + SAVE_TIMEOUT_MINUTES
                    + " minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException("snapshot " + fileName + " interrupted");
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                LOG.warn("event=snapshot_partial_left file={} error=\"{}\"", partial, e.getMessage());
            }
        }
    }

    @Override
    public List<SnapshotFile> list() {
        return directory.list();
    }

    @Override
    public List<String> delete(List<String> names) {
        List<String> deleted = directory.delete(names);
        LOG.info("event=snapshots_deleted names={}", deleted);
        return deleted;
    }

    @Override
    public List<String> prune(String name, int retention) {
        return directory.prune(name == null || name.isBlank() ? ON_DEMAND : name.trim(), retention);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static String nodeName(String configured) {
        if (!configured.isBlank()) {
            return configured.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
