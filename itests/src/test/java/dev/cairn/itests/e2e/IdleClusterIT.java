package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * An idle three-server cluster at the default election settings keeps its leader: no leader change and no new term
 * for ten minutes (the servers run their Kubernetes-style API, so each renews its node Lease as an idle K3s server
 * does). {@code -Dcairn.idle.minutes=N} shortens the watch for a local run.
 */
public class IdleClusterIT {

    private static final Duration WATCH = Duration.ofMinutes(Long.getLong("cairn.idle.minutes", 10));
    private static final long PROBE_MS = 2_000;

    private CairnCluster cluster;

    @After
    public void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void anIdleClusterHasNoLeaderChange() throws Exception {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        cluster = new CairnCluster("idle-", 56, 3);
        cluster.start();
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        StatusResponse first = status(leader);
        long leaderId = first.getLeader();
        long term = first.getRaftTerm();
        long end = System.nanoTime() + WATCH.toNanos();
        long probes = 0;
        while (System.nanoTime() < end) {
            for (int i = 1; i <= 3; i++) {
                StatusResponse s = status(i);
                if (s.getLeader() != leaderId || s.getRaftTerm() != term) {
                    fail("after " + probes + " probes s" + i + " reports leader " + Long.toHexString(s.getLeader())
                            + " term " + s.getRaftTerm() + "; at the start leader " + Long.toHexString(leaderId)
                            + " term " + term + "\n" + cluster.describe());
                }
            }
            probes++;
            // pacing of the watch (a probe every two seconds for the whole period), not a wait for a condition
            Thread.sleep(PROBE_MS);
        }
        assertEquals(term, status(1).getRaftTerm());
    }

    private StatusResponse status(int i) throws Exception {
        return cluster.client(i).getMaintenanceClient().statusMember(cluster.server(i).clientUrl())
                .get(10, TimeUnit.SECONDS);
    }
}
