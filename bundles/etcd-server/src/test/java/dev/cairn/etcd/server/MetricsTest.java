package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.Histogram;
import dev.cairn.datastore.api.RaftMetrics;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A Raft member's figures as the metrics port writes them, read back by the strict parser. */
public class MetricsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore store;

    @Before
    public void open() {
        store = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(), List.of(),
                0, Duration.ZERO, Map.of()));
    }

    @After
    public void close() {
        store.close();
    }

    /** The store, reporting {@code metrics} as a Raft backend would. */
    private Datastore reporting(StoreMetrics metrics) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("metrics")) {
                return metrics;
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Datastore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Datastore.class}, h);
    }

    @Test
    public void aRaftLeadersFiguresUseEtcdsNamesAndEscapedLabels() {
        Histogram fsyncs = new Histogram(new double[] {0.001, 0.002}, new long[] {5, 3, 2}, 0.5);
        Histogram batches = new Histogram(new double[] {1, 2}, new long[] {7, 1, 0}, 9);
        RaftMetrics raft = new RaftMetrics(4, 120, 118, 3, 2, 1, Map.of("s2-ab12cd34", 0L, "odd \"name\"\\", 17L));
        DiskCheck disk = new DiskCheck("/var/lib/cairn/server/db/etcd", 0.6, 9.8, 250, 100, "fsync p99 250.0 ms ...");
        Map<String, PrometheusText.Family> m = PrometheusText.parse(new Metrics(reporting(
                new StoreMetrics(fsyncs, Histogram.EMPTY, batches, disk, raft, 4, 12, 6))).scrape());

        PrometheusText.Family wal = m.get("etcd_disk_wal_fsync_duration_seconds");
        assertEquals(5, PrometheusText.bucket(wal, "0.001"), 0);
        assertEquals(8, PrometheusText.bucket(wal, "0.002"), 0);
        assertEquals(10, PrometheusText.bucket(wal, "+Inf"), 0);
        assertEquals(0.5, wal.sample(wal.name() + "_sum", Map.of()).value(), 0);
        assertEquals(0, PrometheusText.bucket(m.get("etcd_disk_backend_commit_duration_seconds"), "+Inf"), 0);
        assertEquals(8, PrometheusText.bucket(m.get("cairn_write_batch_size"), "+Inf"), 0);

        assertEquals("counter", m.get("etcd_server_leader_changes_seen_total").type());
        assertEquals(3, m.get("etcd_server_leader_changes_seen_total").value(), 0);
        assertEquals(120, m.get("etcd_server_proposals_committed_total").value(), 0);
        assertEquals(118, m.get("etcd_server_proposals_applied_total").value(), 0);
        assertEquals(2, m.get("etcd_server_proposals_pending").value(), 0);
        assertEquals(1, m.get("etcd_server_proposals_failed_total").value(), 0);
        assertEquals(4, m.get("cairn_raft_term").value(), 0);
        PrometheusText.Family lag = m.get("cairn_raft_follower_lag_entries");
        assertEquals(17, lag.sample(lag.name(), Map.of("member", "odd \"name\"\\")).value(), 0);
        assertEquals(0, lag.sample(lag.name(), Map.of("member", "s2-ab12cd34")).value(), 0);

        Map<String, String> dir = Map.of("dir", "/var/lib/cairn/server/db/etcd");
        assertEquals(1, m.get("cairn_disk_slow").sample("cairn_disk_slow", dir).value(), 0);
        assertEquals(0.25, m.get("cairn_disk_fsync_recent_p99_seconds")
                .sample("cairn_disk_fsync_recent_p99_seconds", dir).value(), 1e-12);
        assertEquals(4, m.get("etcd_debugging_mvcc_watcher_total").value(), 0);
        assertEquals(12, m.get("etcd_debugging_mvcc_pending_events_total").value(), 0);
        assertEquals(6, m.get("cairn_lease_active").value(), 0);
    }

    @Test
    public void aBackendThatMeasuresNothingStillGivesAValidExposition() {
        Map<String, PrometheusText.Family> m = PrometheusText.parse(new Metrics(reporting(StoreMetrics.NONE))
                .scrape());
        assertEquals(0, PrometheusText.bucket(m.get("etcd_disk_wal_fsync_duration_seconds"), "+Inf"), 0);
        assertTrue("no disk figures without a disk", !m.containsKey("cairn_disk_slow"));
        assertTrue("no Raft figures without Raft", !m.containsKey("cairn_raft_term"));
    }

    @Test
    public void theNewestSnapshotsTimeAndAgeAreExported() {
        long taken = Instant.now().getEpochSecond() - 3600;
        List<SnapshotFile> files = List.of(
                new SnapshotFile("etcd-snapshot-s1-1", Path.of("/s/1"), 10,
                        Instant.ofEpochSecond(taken - 600), 5),
                new SnapshotFile("etcd-snapshot-s1-2", Path.of("/s/2"), 10,
                        Instant.ofEpochSecond(taken), 9));
        Map<String, PrometheusText.Family> m = PrometheusText.parse(new Metrics(reporting(StoreMetrics.NONE),
                () -> files).scrape());
        assertEquals(2, m.get("cairn_snapshot_files").value(), 0);
        assertEquals(taken, m.get("cairn_snapshot_latest_timestamp_seconds").value(), 0);
        assertEquals(3600, m.get("cairn_snapshot_latest_age_seconds").value(), 5);

        Map<String, PrometheusText.Family> none = PrometheusText.parse(new Metrics(reporting(StoreMetrics.NONE))
                .scrape());
        assertEquals(0, none.get("cairn_snapshot_files").value(), 0);
        assertTrue("no age without a snapshot", !none.containsKey("cairn_snapshot_latest_age_seconds"));
    }
}
