package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.follower;
import static dev.cairn.datastore.raft.ClusterCalls.get;
import static dev.cairn.datastore.raft.ClusterCalls.put;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.ProbeResult;
import dev.cairn.datastore.api.RaftMetrics;
import dev.cairn.datastore.api.StoreMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The Raft member's metrics and probes, on members in this JVM on 127.0.0.70-72: the log's fsyncs (with the fsyncDelay
 * failpoint reaching the Raft log), the followers' lag, leader changes, failed proposals, and readiness that follows
 * quorum while liveness does not.
 */
public class RaftMetricsTest {
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(1);

    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aSlowLogDiskIsReportedWithTheElectionTimeoutAdviceAndItsFsyncsAreMeasured() throws Exception {
        // election timeout 500 ms in these tests: the log may take 125 ms per fsync (p99); inject 150
        try (TestCluster c = TestCluster.startOn(70, Duration.ofMillis(150), dirs.newFolder().toPath(), 1,
                Map.of())) {
            RaftDatastore m = c.member(0);
            DiskCheck disk = m.metrics().disk();
            assertTrue("the start-up probe saw the delay: " + disk, disk.probeP99Ms() >= 150);
            assertEquals(125, disk.toleratedMs(), 0);
            assertTrue(disk.warning(), disk.slow());
            assertTrue(disk.warning(), disk.warning().contains("--etcd-election-timeout (now 500 ms"));
            assertTrue(disk.warning(), disk.warning().contains("/server/db/etcd is above"));

            long before = m.metrics().walFsync().count();
            long start = System.nanoTime();
            get(m.put(put("k", "v")));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue("a put waits for its log fsync, took " + tookMs + " ms", tookMs >= 150);
            StoreMetrics metrics = m.metrics();
            assertTrue("log flushes measured", metrics.walFsync().count() > before);
            assertTrue("log flush p50 " + metrics.walFsync().quantile(0.5), metrics.walFsync().quantile(0.5) >= 0.128);
            assertTrue(metrics.writeBatch().count() >= 1);
        }
    }

    @Test
    public void readinessFollowsQuorumWhileLivenessDoesNot() throws Exception {
        try (TestCluster c = TestCluster.startOn(70, null, dirs.newFolder().toPath(), 3, Map.of())) {
            int leader = c.awaitLeaderIndex();
            for (int i = 0; i < 3; i++) {
                get(c.member(i).put(put("k" + i, "v")));
            }
            RaftDatastore led = c.member(leader);
            TestCluster.await("both followers caught up in the leader's figures", () -> {
                Map<String, Long> lag = led.metrics().raft().followerLag();
                return lag.size() == 2 && lag.values().stream().allMatch(l -> l == 0);
            });
            RaftMetrics raft = led.metrics().raft();
            assertTrue(raft.leaderChanges() >= 1);
            assertTrue(raft.term() >= 1);
            assertTrue(raft.appliedIndex() <= raft.commitIndex() && raft.appliedIndex() > 0);
            assertEquals(0, raft.proposalsPending());
            assertTrue(led.metrics().walFsync().count() > 0);
            for (int i = 0; i < 3; i++) {
                assertTrue("member " + i + " ready", get(c.member(i).ready(PROBE_DEADLINE)).ok());
                assertTrue(c.member(i).metrics().raft().followerLag().isEmpty() == (i != leader));
            }

            int survivor = follower(c, leader);
            for (int i = 0; i < 3; i++) {
                if (i != survivor) {
                    c.stop(i);
                }
            }
            RaftDatastore alone = c.member(survivor);
            ProbeResult[] ready = new ProbeResult[1];
            TestCluster.await("the member without quorum to be not ready",
                    () -> !(ready[0] = alone.ready(PROBE_DEADLINE).join()).ok());
            assertTrue(ready[0].reason(), ready[0].reason().contains("no leader")
                    || ready[0].reason().contains("linearizable read failed"));
            ProbeResult live = get(alone.live(PROBE_DEADLINE));
            assertTrue("alive without quorum: " + live.reason(), live.ok());

            long failedBefore = alone.metrics().raft().proposalsFailed();
            assertFalse(alone.put(put("lost", "x")).handle((r, e) -> e == null).get(30, TimeUnit.SECONDS));
            assertEquals(failedBefore + 1, alone.metrics().raft().proposalsFailed());
            assertFalse(get(alone.ready(PROBE_DEADLINE)).ok());
            assertTrue(get(alone.live(PROBE_DEADLINE)).ok());
        }
    }
}
