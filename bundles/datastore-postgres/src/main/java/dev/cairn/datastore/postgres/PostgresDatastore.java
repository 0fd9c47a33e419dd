package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.Op;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Datastore contract on PostgreSQL. Writes go through this server's {@link WriteBatcher} (one transaction per
 * batch, serialized with every other server's writers by a row lock); reads run on a small pool in repeatable-read
 * snapshots; watches are fed from the log by the {@link WatchHub}; leases live in their own table with deadlines in
 * the database's clock and are expired by whichever server notices first ({@link LeaseExpiry}).
 *
 * <p>Several Cairn servers may open the same store (the same database and schema), as K3s servers share an external
 * datastore: each reports itself as the one member and leader of its cluster, as kine does, and all of them see one
 * revision history.
 */
public final class PostgresDatastore implements Datastore {
    public static final String TYPE = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatastore.class);
    /** Connections for reads, lease calls and maintenance; the writer and the listener have their own. */
    private static final int POOL_SIZE = 4;
    private static final long EXPIRY_SCAN_MS = 500;
    private static final long SIZE_CHECK_MS = 1000;
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

    private final PostgresEndpoint endpoint;
    private final ConnectionPool pool;
    private final Tables t;
    private final StoreState state = new StoreState();
    private final RangeReader reader;
    private final Mutations mutations;
    private final LeaseTable leases;
    private final Compaction compaction;
    private final HistoryHash hasher;
    private final SnapshotDump dump;
    private final Vacuum vacuum;
    private final SpaceQuota quota;
    private final WriteBatcher writer;
    private final WatchHub hub;
    private final ChangeListener listener;
    private final LeaseExpiry expiry;
    private final ExecutorService readers;
    private final ExecutorService completer;
    private final ScheduledExecutorService maintenance;
    private final long clusterId;
    private final Member member;
    private final AtomicInteger maintenanceFailures = new AtomicInteger();
    private volatile boolean closed;

    private PostgresDatastore(PostgresEndpoint endpoint, ConnectionPool pool, BackendSettings settings,
            long revision, long compactRevision) {
        this.endpoint = endpoint;
        this.pool = pool;
        this.t = Tables.in(endpoint.schema());
        this.reader = new RangeReader(t);
        this.mutations = new Mutations(t, reader);
        this.leases = new LeaseTable(t);
        this.compaction = new Compaction(t);
        this.hasher = new HistoryHash(t);
        this.dump = new SnapshotDump(t);
        this.vacuum = new Vacuum(t);
        state.sawRevision(revision);
        state.sawCompaction(compactRevision);
        String name = settings.nodeName() == null || settings.nodeName().isBlank() ? "cairn" : settings.nodeName();
        long memberId = positiveHash("member:" + name + "@" + String.join(",", settings.clientUrls()));
        this.clusterId = positiveHash("cluster:" + endpoint.storeIdentity());
        this.member = new Member(memberId, name, settings.peerUrls(), settings.clientUrls(), false);
        this.quota = new SpaceQuota(t, settings.quotaBytes(), memberId, state, endpoint.redacted());
        this.readers = Executors.newFixedThreadPool(POOL_SIZE, daemon("cairn-postgres-reader"));
        this.completer = Executors.newSingleThreadExecutor(daemon("cairn-postgres-completer"));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(daemon("cairn-postgres-maintenance"));
        this.hub = new WatchHub(pool, t, state, revision);
        this.writer = new WriteBatcher(pool, t, state, completer, hub::wake);
        this.listener = new ChangeListener(pool, t, hub::wake);
        this.expiry = new LeaseExpiry(pool, leases, id -> writer.submit(v -> mutations.revoke(v, id, true)));
    }

    /**
     * Connects to the endpoint of {@code settings}, creates or migrates Cairn's tables, and starts serving.
     *
     * @throws IllegalArgumentException for an endpoint that cannot be parsed
     * @throws IllegalStateException    naming the endpoint (password hidden) when the server cannot be reached, the
     *                                  credentials are refused, the database is missing or the schema is too new
     */
    public static PostgresDatastore open(BackendSettings settings) {
        PostgresEndpoint endpoint = PostgresEndpoint.parse(settings.endpoint());
        Tables t = Tables.in(endpoint.schema());
        ConnectionPool pool = new ConnectionPool(endpoint, POOL_SIZE);
        long start = System.nanoTime();
        long revision;
        long compactRevision;
        try (Connection c = connect(pool)) {
            c.setAutoCommit(false);
            Schema.prepare(c, t);
            try (PreparedStatement s = c.prepareStatement("SELECT m.revision, k.revision FROM " + t.meta() + " m, "
                    + t.compaction() + " k WHERE m.id = 1 AND k.id = 1"); ResultSet rs = s.executeQuery()) {
                rs.next();
                revision = rs.getLong(1);
                compactRevision = rs.getLong(2);
            }
            c.commit();
        } catch (SQLException e) {
            pool.close();
            throw PostgresErrors.atOpen(endpoint, e);
        } catch (IllegalStateException e) {
            pool.close();
            throw new IllegalStateException("PostgreSQL at " + endpoint.redacted() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        PostgresDatastore store = new PostgresDatastore(endpoint, pool, settings, revision, compactRevision);
        store.start();
        LOG.info("datastore opened type=postgres endpoint={} schemaVersion={} revision={} compactRevision={}"
                + " openMs={}", endpoint.redacted(), Schema.VERSION, revision, compactRevision,
                (System.nanoTime() - start) / 1_000_000);
        return store;
    }

    /** A first connection; a server that is still starting up (as at boot) is waited for a while. */
    private static Connection connect(ConnectionPool pool) throws SQLException {
        long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
        while (true) {
            try {
                return pool.open();
            } catch (SQLException e) {
                if (!PostgresErrors.STARTING_UP.equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("waiting for PostgreSQL to finish starting endpoint={}", pool.endpoint().redacted());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void start() {
        checkSpace();
        hub.start();
        writer.start();
        listener.start();
        maintenance.scheduleWithFixedDelay(() -> maintain("lease expiry", expiry::scan), EXPIRY_SCAN_MS,
                EXPIRY_SCAN_MS, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::checkSpace, SIZE_CHECK_MS, SIZE_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    private void checkSpace() {
        maintain("space check", () -> pool.write(c -> {
            quota.check(c);
            state.setLeases(leases.count(c));
            return null;
        }));
    }

    private interface MaintenanceTask {
        void run() throws SQLException;
    }

    /** Background work logs its failures (the first, then every 60th) and tries again on its next turn. */
    private void maintain(String what, MaintenanceTask task) {
        if (closed) {
            return;
        }
        try {
            task.run();
            maintenanceFailures.set(0);
        } catch (SQLException | RuntimeException e) {
            if (!closed && maintenanceFailures.getAndIncrement() % 60 == 0) {
                LOG.warn("{} failed endpoint={} error=\"{}\"", what, endpoint.redacted(), e.getMessage());
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    // ---- KV ----

    @Override
    public CompletableFuture<RangeResult> range(RangeRequest request) {
        try {
            TxnRules.checkRange(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        return read("a range", c -> reader.range(snapshotView(c), request));
    }

    @Override
    public CompletableFuture<PutResult> put(PutRequest request) {
        try {
            TxnRules.checkPut(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (state.noSpace()) {
            return CompletableFuture.failedFuture(StoreError.NO_SPACE.exception());
        }
        return writer.submit(v -> mutations.put(v, request));
    }

    @Override
    public CompletableFuture<DeleteResult> delete(DeleteRequest request) {
        try {
            TxnRules.checkDelete(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(v -> mutations.delete(v, request));
    }

    @Override
    public CompletableFuture<TxnResult> txn(TxnRequest request) {
        try {
            TxnRules.checkTxn(request);
        } catch (DatastoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!request.mayWrite()) {
            // compares and ranges only: a snapshot read, no need to queue behind the writers
            return read("a read-only txn", c -> mutations.txn(snapshotView(c), request));
        }
        if (state.noSpace() && holdsPut(request)) {
            return CompletableFuture.failedFuture(StoreError.NO_SPACE.exception());
        }
        return writer.submit(v -> mutations.txn(v, request));
    }

    /** etcd's capped applier refuses a txn with a put in any branch, nested ones included. */
    private static boolean holdsPut(TxnRequest r) {
        for (List<Op> branch : List.of(r.success(), r.failure())) {
            for (Op op : branch) {
                if (op instanceof Op.Put || (op instanceof Op.Txn n && holdsPut(n.request()))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<Long> compact(long revision, boolean physical) {
        return async("a compaction", () -> {
            if (revision <= state.revision()) {
                // let this server's watches take the revisions before they are compacted away
                hub.awaitDispatched(revision, Duration.ofSeconds(5));
            }
            long current = pool.write(c -> compaction.compact(c, revision));
            state.sawCompaction(revision);
            LOG.info("compacted endpoint={} revision={} physical={}", endpoint.redacted(), revision, physical);
            if (physical) {
                pool.autocommit(c -> {
                    vacuum.afterCompaction(c);
                    return null;
                });
            }
            return current;
        });
    }

    // ---- watches ----

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        return hub.watch(request, listener);
    }

    // ---- leases ----

    @Override
    public CompletableFuture<Lease> leaseGrant(long id, long ttlSeconds) {
        if (ttlSeconds > Lease.MAX_TTL) {
            return CompletableFuture.failedFuture(StoreError.LEASE_TTL_TOO_LARGE.exception());
        }
        if (state.noSpace()) {
            return CompletableFuture.failedFuture(StoreError.NO_SPACE.exception());
        }
        long ttl = Math.max(ttlSeconds, Lease.MIN_TTL);
        return async("a lease grant", () -> pool.write(c -> leases.grant(c, id, ttl)));
    }

    @Override
    public CompletableFuture<Long> leaseRevoke(long id) {
        return writer.submit(v -> {
            if (!mutations.revoke(v, id, false)) {
                throw StoreError.LEASE_NOT_FOUND.exception();
            }
            return v.view();
        });
    }

    @Override
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return async("a lease keep-alive", () -> pool.write(c -> leases.keepAlive(c, id)));
    }

    @Override
    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        return read("a lease time-to-live", c -> leases.timeToLive(c, id, withKeys));
    }

    @Override
    public CompletableFuture<List<Long>> leases() {
        return read("a lease list", leases::ids);
    }

    // ---- status and maintenance ----

    @Override
    public long currentRevision() {
        return state.revision();
    }

    @Override
    public StoreStatus status() {
        return new StoreStatus(state.revision(), state.compactRevision(), state.dbSize(), state.dbSizeInUse(),
                quota.quotaBytes());
    }

    /** This server as the one member and leader of its cluster; the raft index follows the revision. */
    @Override
    public ClusterState cluster() {
        long index = state.revision();
        return new ClusterState(clusterId, member.id(), member.id(), 1, index, index, false, List.of(member));
    }

    @Override
    public StoreMetrics metrics() {
        return new StoreMetrics(null, null, null, null, null, hub.watchers(), hub.pendingEvents(), state.leases());
    }

    @Override
    public List<Alarm> alarms() {
        return state.alarms();
    }

    @Override
    public void disarm(Alarm.Type type) {
        if (closed) {
            throw StoreError.STOPPED.exception();
        }
        try {
            pool.write(c -> {
                quota.disarm(c, type);
                return null;
            });
        } catch (SQLException e) {
            throw PostgresErrors.during(endpoint, "disarming alarm " + type, e);
        }
        LOG.info("alarm disarmed alarm={} endpoint={}", type, endpoint.redacted());
    }

    @Override
    public CompletableFuture<Void> defragment() {
        return async("a defragmentation", () -> {
            long start = System.nanoTime();
            pool.autocommit(c -> {
                vacuum.full(c);
                return null;
            });
            pool.write(c -> {
                quota.check(c);
                return null;
            });
            LOG.info("defragmented endpoint={} dbSize={} tookMs={}", endpoint.redacted(), state.dbSize(),
                    (System.nanoTime() - start) / 1_000_000);
            return null;
        });
    }

    @Override
    public CompletableFuture<HashResult> hashKV(long revision) {
        return read("a hash of the history", c -> {
            long[] revisions = revisions(c);
            return hasher.hash(c, revision, revisions[0], revisions[1]);
        });
    }

    @Override
    public CompletableFuture<Long> snapshot(OutputStream out) {
        return read("a snapshot", c -> {
            long[] revisions = revisions(c);
            dump.write(c, out, revisions[0], revisions[1]);
            return revisions[0];
        });
    }

    /** Stops: queued writes finish, later ones are refused with STOPPED, watches are cancelled. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.close();
        listener.close();
        hub.close();
        maintenance.shutdownNow();
        shutdown(readers);
        shutdown(completer);
        pool.close();
        LOG.info("datastore closed type=postgres endpoint={} revision={}", endpoint.redacted(), state.revision());
    }

    private static void shutdown(ExecutorService executor) {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- plumbing ----

    /** The store at the revision of the caller's snapshot. */
    private StoreView snapshotView(Connection c) throws SQLException {
        long[] revisions = revisions(c);
        state.sawRevision(revisions[0]);
        return new StoreView(c, revisions[0], revisions[1], false);
    }

    private long[] revisions(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT m.revision, k.revision FROM " + t.meta() + " m, "
                + t.compaction() + " k WHERE m.id = 1 AND k.id = 1"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private <T> CompletableFuture<T> read(String what, SqlWork<T> work) {
        return async(what, () -> pool.read(work));
    }

    private interface Blocking<T> {
        T call() throws SQLException;
    }

    /** Runs blocking database work on a reader thread; errors complete the future, naming the endpoint. */
    private <T> CompletableFuture<T> async(String what, Blocking<T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            readers.execute(() -> {
                try {
                    future.complete(work.call());
                } catch (DatastoreException e) {
                    future.completeExceptionally(e);
                } catch (SQLException e) {
                    future.completeExceptionally(closed ? StoreError.STOPPED.exception()
                            : PostgresErrors.during(endpoint, what, e));
                } catch (RuntimeException e) {
                    future.completeExceptionally(DatastoreException.of(e));
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
        return future;
    }

    private static long positiveHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = h << 8 | (d[i] & 0xff);
            }
            h &= Long.MAX_VALUE;
            return h == 0 ? 1 : h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, name + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }
}
