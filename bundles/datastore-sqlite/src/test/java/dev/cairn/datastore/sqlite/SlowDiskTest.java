package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.tck.RecordingWatchListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A slow disk, simulated by the fsyncDelay failpoint, is reported by the start-up probe and by the store's own
 * fsyncs, with the figures in the store's metrics.
 */
public class SlowDiskTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void theProbeIsBoundedAndSeesTheInjectedDelay() throws Exception {
        Path dir = tmp.newFolder("db").toPath();
        long start = System.nanoTime();
        DiskProbe.Result r = DiskProbe.run(dir, Duration.ofMillis(150));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue("the probe took " + tookMs + " ms", tookMs < 1500);
        assertTrue(r.fsyncs() >= 1);
        assertTrue("p50 " + r.p50Ms(), r.p50Ms() >= 150);
        assertTrue("p99 " + r.p99Ms(), r.p99Ms() >= r.p50Ms());
        assertFalse("the probe file is removed", Files.exists(dir.resolve(DiskProbe.FILE_NAME)));
    }

    @Test
    public void aHealthyProbeTakesAFewDozenFsyncs() {
        DiskProbe.Result r = DiskProbe.run(tmp.getRoot().toPath(), Duration.ZERO);
        assertTrue("fsyncs " + r.fsyncs(), r.fsyncs() >= 10 && r.fsyncs() <= DiskProbe.MAX_FSYNCS);
        assertTrue(r.p50Ms() >= 0 && r.p99Ms() >= r.p50Ms());
    }

    @Test
    public void aSlowDiskIsReportedAtStartAndItsFsyncsAreInTheMetrics() throws Exception {
        Duration delay = Duration.ofMillis(130); // above the 100 ms a single server tolerates
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(tmp.getRoot().toPath(), delay, 0))) {
            DiskCheck disk = store.metrics().disk();
            assertTrue(disk.slow());
            assertTrue(disk.warning(), disk.warning().contains(store.file().getParent().toString()));
            assertTrue(disk.warning(), disk.warning().contains("--data-dir"));
            assertTrue(disk.probeP99Ms() >= 130);
            assertEquals(SqliteDatastore.TOLERATED_FSYNC_MS, disk.toleratedMs(), 0);

            // a first put takes along the compactor's first pass, which the store's start queued on the writer (it
            // once shared the first put's commit, which then counted two requests); the three after it are counted
            get(store.put(PutRequest.of(b("first"), b("v"))));
            StoreMetrics before = store.metrics();
            for (int i = 0; i < 3; i++) {
                get(store.put(PutRequest.of(b("k" + i), b("v"))));
            }
            StoreMetrics m = store.metrics();
            assertEquals(3, m.walFsync().count() - before.walFsync().count());
            assertTrue("fsync p50 " + m.walFsync().quantile(0.5), m.walFsync().quantile(0.5) >= 0.128);
            assertEquals(3, m.backendCommit().count() - before.backendCommit().count());
            assertEquals("one request per commit", 3, m.writeBatch().counts()[0] - before.writeBatch().counts()[0]);
            assertTrue(m.raft() == null);
        }
    }

    @Test
    public void watchesAndLeasesAreCounted() throws Exception {
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(tmp.getRoot().toPath()))) {
            assertEquals(0, store.metrics().watchers());
            RecordingWatchListener listener = new RecordingWatchListener();
            var watch = store.watch(WatchRequest.of(KeyRange.prefix(b("k")), 0), listener);
            get(store.leaseGrant(7, 60));
            StoreMetrics m = store.metrics();
            assertEquals(1, m.watchers());
            assertEquals(1, m.leases());
            assertEquals(0, m.pendingEvents());
            watch.close();
            StoreFixture.await("the watch to close", () -> store.metrics().watchers() == 0);
        }
    }
}
