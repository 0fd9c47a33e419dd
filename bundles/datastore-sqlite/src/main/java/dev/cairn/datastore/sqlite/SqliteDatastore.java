package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.TxnRules;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.spi.BackendSettings;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node datastore on SQLite: one writer thread with group commit and an fsync per commit, reads on a
 * pool of read connections, watches fed in-process by the writer, leases with in-memory deadlines. Open it with
 * {@link #open(BackendSettings)}; it needs no OSGi.
 *
 * <p>The same engine is the local store of a Raft replica (see {@link ReplicaStore}): then commits are not fsynced
 * one by one, expired leases and an exceeded quota are reported to the replica instead of being acted on, and
 * writes arrive only as applied log entries.
 */
public final class SqliteDatastore implements Datastore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatastore.class);
    public static final String TYPE = "sqlite";
    private static final long EXPIRY_CHECK_MILLIS = 250;
    /**
     * The fsync 99th percentile a single server tolerates. There is no Raft timing to break: every write waits for
     * one fsync (shared by the writes of its group commit), so the disk's latency is the writes' latency. etcd's
     * guidance is a p99 under 10 ms and it logs "slow fdatasync" at 1 s; at 100 ms writes are slow enough for
     * Kubernetes clients to notice (a controller's update round trips stack up), which is worth a warning.
     */
    static final double TOLERATED_FSYNC_MS = 100;
    private static final String SLOW_DISK_ADVICE = "move the data dir (--data-dir) to a faster local disk (an SSD,"
            + " not network storage) or stop what else writes to that disk";

    final DatabaseFile file;
    private final BackendSettings settings;
    final Statements writerDb;
    final StoreState state;
    private final RevisionLog log;
    final TxnExecutor writerTxns;
    final ReaderPool readers;
    final LeaseTable leases;
    final Lessor lessor;
    final SpaceQuota quota;
    private final WatchHub hub;
    final Compactor compactor;
    final WriteBatcher writer;
    final Maintenance maintenance;
    /** The durable log's fsyncs (the WAL commits); null for a Raft replica, whose durable log is the Raft log. */
    private final FsyncLatency fsyncs;
    private final HistogramRecorder commitSeconds = new HistogramRecorder(HistogramRecorder.FSYNC_SECONDS);
    private final HistogramRecorder batchSizes = new HistogramRecorder(HistogramRecorder.BATCH_SIZES);
    /** Non-null for a Raft replica's store: who hears about expired leases and an exceeded quota. */
    private final ReplicaStore.Events replica;
    /** A replica reports expired leases only while its member leads (the leader owns the lease deadlines). */
    volatile boolean leasesOwned;
    private final ExecutorService completer;
    private final ExecutorService maintenanceExecutor;
    private final ScheduledExecutorService expiry;
    private final long clusterId;
    private final long memberId;
    private volatile boolean closed;

    private SqliteDatastore(DatabaseFile file, BackendSettings settings, Statements writerDb, Meta meta,
            ReplicaStore.Events replica, FsyncLatency fsyncs) throws SQLException {
        this.file = file;
        this.fsyncs = fsyncs;
        this.replica = replica;
        this.settings = settings;
        this.writerDb = writerDb;
        this.clusterId = meta.clusterId();
        this.memberId = meta.memberId();
        String path = file.path().toString();
        this.state = new StoreState();
        state.load(meta);
        this.log = new RevisionLog(writerDb);
        log.load();
        RangeReader writerReads = new RangeReader(writerDb);
        this.writerTxns = new TxnExecutor(writerReads, log);
        this.readers = new ReaderPool(file::openReader, path,
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        this.leases = new LeaseTable(System::nanoTime);
        leases.load(RevisionLog.leases(writerDb));
        this.quota = new SpaceQuota(settings.quotaBytes(), path);
        quota.load(meta.alarms());
        this.lessor = new Lessor(leases, log, writerReads, writerTxns, quota);
        this.hub = new WatchHub(readers, state, 2);
        this.compactor = new Compactor(writerDb, state, hub);
        compactor.load(meta);
        this.completer = Executors.newSingleThreadExecutor(daemon("cairn-sqlite-completer"));
        this.writer = new WriteBatcher(writerDb, state, path, settings.fsyncDelay(), completer, hub,
                this::checkQuota, this::reload, replica != null, this::committed);
        this.maintenanceExecutor = Executors.newSingleThreadExecutor(daemon("cairn-sqlite-maintenance"));
        this.maintenance = new Maintenance(file, writer, readers, maintenanceExecutor);
        this.expiry = Executors.newSingleThreadScheduledExecutor(daemon("cairn-lease-expiry"));
    }

    /**
     * Opens (creating if needed) the store of {@code settings}: {@code dbDir/state.db}, or the file of a
     * {@code sqlite:<path>} endpoint. A file that is not a sound Cairn store is refused and left untouched.
     */
    public static SqliteDatastore open(BackendSettings settings) {
        return open(settings, null);
    }

    /** Opens a store; {@code replica} non-null makes it a Raft replica's local store. */
    static SqliteDatastore open(BackendSettings settings, ReplicaStore.Events replica) {
        long start = System.nanoTime();
        DatabaseFile file = DatabaseFile.of(settings);
        file.prepareDirectory();
        file.checkBeforeOpen();
        int version;
        try {
            version = file.isNew() ? 0 : file.probeSchemaVersion();
        } catch (java.io.IOException e) {
            throw file.refused("it cannot be read: " + DatabaseFile.describe(e), e);
        }
        Statements db;
        try {
            db = file.openWriter(replica != null);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the SQLite datastore " + file.path() + " for writing: "
                    + e.getMessage() + "; check the permissions and free space of " + file.directory(), e);
        }
        SqliteDatastore store;
        long keys;
        try {
            if (version == 0) {
                Schema.create(db);
            } else if (version < Schema.VERSION) {
                Schema.migrate(db, version);
            }
            keys = db.queryLong("SELECT COUNT(*) FROM latest");
            // a single server's WAL commits are its durable log: probe their disk; a replica's is the Raft log's
            FsyncLatency fsyncs = replica != null ? null
                    : FsyncLatency.probe(file.directory(), settings.fsyncDelay(), TOLERATED_FSYNC_MS,
                            SLOW_DISK_ADVICE);
            // the constructor's SQL runs before it starts any thread, so a failure here leaks none
            store = new SqliteDatastore(file, settings, db, Meta.read(db), replica, fsyncs);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw new IllegalStateException("cannot open the SQLite datastore " + file.path() + ": "
                    + e.getMessage(), e);
        }
        store.start();
        if (!settings.fsyncDelay().isZero()) {
            LOG.warn("failpoint enabled name=fsyncDelay delayMs={} file={} effect=\"every commit waits before"
                    + " its fsync\"", settings.fsyncDelay().toMillis(), file.path());
        }
        LOG.info("sqlite datastore opened file={} revision={} compactRevision={} keys={} leases={} created={}"
                + " replica={} tookMs={}", file.path(), store.state.revision, store.state.compactRevision, keys,
                store.leases.size(), version == 0, replica != null, (System.nanoTime() - start) / 1_000_000);
        return store;
    }

    private void start() {
        writer.start();
        compactor.start(writer);
        Runnable check = replica == null ? () -> lessor.expire(writer) : this::reportExpiredLeases;
        expiry.scheduleWithFixedDelay(check, EXPIRY_CHECK_MILLIS, EXPIRY_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A replica's leader proposes the revokes of its expired leases; followers wait for them. */
    private void reportExpiredLeases() {
        if (!leasesOwned) {
            return;
        }
        List<Long> expired = leases.takeExpired();
        if (!expired.isEmpty()) {
            try {
                replica.leasesExpired(expired);
            } catch (RuntimeException e) {
                expired.forEach(leases::expiryFailed);
                LOG.warn("lease expiry report failed leases={} cause=\"{}\"", expired.size(), e.toString());
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The database file this store keeps its data in. */
    public java.nio.file.Path file() {
        return file.path();
    }

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request) {
        return read(() -> {
            TxnRules.checkRange(request);
            return readers.read(r -> r.ranges.range(request, r.revision, r.compactRevision));
        });
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        return write(() -> {
            TxnRules.checkPut(request);
            return WriteTask.of(scope -> {
                if (quota.noSpace()) {
                    throw StoreError.NO_SPACE.exception();
                }
                return writerTxns.put(request, scope);
            });
        });
    }

    @Override
    public CompletableFuture<DeleteResult> delete(DeleteRequest request) {
        return write(() -> {
            TxnRules.checkDelete(request);
            return WriteTask.of(scope -> writerTxns.delete(request, scope));
        });
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        try {
            TxnRules.checkTxn(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!request.mayWrite()) {
            // read-only: one read snapshot, no trip through the writer
            return read(() -> readers.read(r -> r.txns.txn(request, new RevisionScope(r.revision,
                    r.compactRevision))));
        }
        return write(() -> WriteTask.of(scope -> {
            if (quota.noSpace() && TxnExecutor.hasPut(request)) {
                throw StoreError.NO_SPACE.exception();
            }
            return writerTxns.txn(request, scope);
        }));
    }

    @Override
    public CompletableFuture<Long> compact(long revision, boolean physical) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        return compactor.compact(revision, physical);
    }

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        return hub.watch(request, listener);
    }

    @Override
    public CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds) {
        if (ttlSeconds > Lease.MAX_TTL) {
            return CompletableFuture.failedFuture(StoreError.LEASE_TTL_TOO_LARGE.exception());
        }
        return write(() -> lessor.grant(id, ttlSeconds));
    }

    @Override
    public CompletableFuture<Long> leaseRevoke(long id) {
        return write(() -> lessor.revoke(id));
    }

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return read(() -> leases.keepAlive(id));
    }

    @Override
    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        return read(() -> lessor.timeToLive(id, withKeys, readers));
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return read(() -> {
            List<Long> ids = leases.ids();
            Collections.sort(ids);
            return ids;
        });
    }

    @Override
    public long currentRevision() {
        return state.revision;
    }

    @Override
    public StoreStatus status() {
        checkOpen();
        return readers.read(r -> {
            long pageSize = r.db.queryLong("PRAGMA page_size");
            long pages = r.db.queryLong("PRAGMA page_count");
            long free = r.db.queryLong("PRAGMA freelist_count");
            return new StoreStatus(r.revision, r.compactRevision, pages * pageSize,
                    Math.max(1, pages - free) * pageSize, quota.quotaBytes());
        });
    }

    private void committed(int requests, long nanos) {
        double seconds = nanos / 1e9;
        commitSeconds.observe(seconds);
        if (fsyncs != null) {
            // synchronous=FULL: the commit is the WAL's fsync
            fsyncs.observe(seconds);
            batchSizes.observe(requests);
        }
    }

    /**
     * The write path (a single server's commits are its WAL fsyncs, and each commit is one group-commit batch), the
     * disk check, watches and leases. A Raft replica's store reports only its commits, watches and leases; the Raft
     * layer adds the rest.
     */
    @Override
    public StoreMetrics metrics() {
        return new StoreMetrics(fsyncs == null ? null : fsyncs.histogram(), commitSeconds.snapshot(),
                fsyncs == null ? null : batchSizes.snapshot(), fsyncs == null ? null : fsyncs.check(), null,
                hub.watchCount(), hub.pendingEvents(), leases.size());
    }

    @Override
    public ClusterState cluster() {
        long applied = state.appliedIndex;
        Member me = new Member(memberId, settings.nodeName() == null ? "" : settings.nodeName(),
                settings.peerUrls(), settings.clientUrls(), false);
        return new ClusterState(clusterId, memberId, memberId, 1, applied, applied, false, List.of(me));
    }

    @Override
    public List<Alarm> alarms() {
        List<Alarm> list = new ArrayList<>();
        for (Alarm.Type t : quota.alarms()) {
            list.add(new Alarm(memberId, t));
        }
        return list;
    }

    @Override
    public void disarm(Alarm.Type type) {
        checkOpen();
        try {
            writer.submit(WriteTask.of(scope -> {
                Set<Alarm.Type> remaining = quota.without(type);
                Meta.writeAlarms(writerDb, remaining);
                scope.markChanged();
                scope.afterCommit(() -> quota.set(remaining));
                return null;
            })).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw DatastoreException.of(e);
        }
        LOG.info("alarm disarmed alarm={} file={}", type, file.path());
    }

    @Override
    public CompletableFuture<Void> defragment() {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        return maintenance.defragment();
    }

    @Override
    public CompletableFuture<HashResult> hashKV(long revision) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        return maintenance.hashKV(revision);
    }

    @Override
    public CompletableFuture<Long> snapshot(OutputStream out) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        return maintenance.snapshot(out);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long start = System.nanoTime();
        expiry.shutdownNow();
        writer.close();
        compactor.close();
        hub.close();
        completer.shutdown();
        maintenanceExecutor.shutdown();
        try {
            completer.awaitTermination(5, TimeUnit.SECONDS);
            maintenanceExecutor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.close();
        writerDb.close();
        LOG.info("sqlite datastore closed file={} revision={} tookMs={}", file.path(), state.revision,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs on the writer thread after every commit that changed something. */
    private void checkQuota() {
        try {
            if (replica != null) {
                long size = quota.oversize(writerDb);
                if (size > 0) {
                    replica.spaceExceeded(size);
                }
                return;
            }
            quota.check(writerDb);
        } catch (SQLException e) {
            LOG.error("quota check failed file={} cause=\"{}\"", file.path(), e.getMessage());
        }
    }

    /** On the writer thread, after a failed commit: the in-memory state follows the database again. */
    private void reload() {
        try {
            Meta meta = Meta.read(writerDb);
            state.load(meta);
            log.load();
            leases.load(RevisionLog.leases(writerDb));
            quota.load(meta.alarms());
            compactor.load(meta);
            LOG.warn("state reloaded after a failed write file={} revision={}", file.path(), meta.revision());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reload " + file.path() + ": " + e.getMessage(), e);
        }
    }

    /** Test hook: runs {@code task} on the writer thread, in a batch transaction. */
    <T> CompletableFuture<T> onWriter(WriteTask.Apply<T> task) {
        return writer.submit(WriteTask.of(task));
    }

    /** Test hook: the writer's connection (use only from {@link #onWriter}). */
    Statements writerStatements() {
        return writerDb;
    }

    long commits() {
        return writer.commits();
    }

    private <T> CompletableFuture<T> read(Supplier<T> read) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        try {
            return CompletableFuture.completedFuture(read.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(DatastoreException.of(e));
        }
    }

    private <T> CompletableFuture<T> write(Supplier<WriteTask<T>> task) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        try {
            return writer.submit(task.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(DatastoreException.of(e));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw StoreError.STOPPED.exception();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
