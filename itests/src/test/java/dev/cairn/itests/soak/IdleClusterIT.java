package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.Kubectl;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * An idle three-server cluster at the default election settings keeps its leader: no leader change and no new term
 * for ten minutes (the servers run their Kubernetes-style API, so each renews its node Lease as an idle K3s server
 * does). {@code -Dcairn.idle.minutes=N} shortens the watch for a local run. The same cluster then serves kubectl:
 * its servers are etcd nodes, and deleting one removes its member.
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
        kubectlSeesEtcdNodesAndDeletingOneRemovesItsMember();
    }

    /**
     * Then, on the same cluster: every server is a Ready node with the roles {@code control-plane,etcd,master}, and
     * {@code kubectl delete node} of a server removes its etcd member; the removed server stops with a message
     * saying how to rejoin, and restarted with {@code --server} it joins again with a fresh store (the old one moved
     * to {@code server/db/etcd-backup-<unix time>}).
     */
    private void kubectlSeesEtcdNodesAndDeletingOneRemovesItsMember() throws Exception {
        if (!Kubectl.installed()) {
            return;
        }
        Kubectl kubectl = new Kubectl(cluster.server(1));
        kubectl.awaitApi();
        Await.until("three Ready etcd nodes", Duration.ofSeconds(60), () -> {
            String out = kubectl.run("get", "nodes", "--no-headers").stdout();
            return out.lines().filter(l -> l.contains(" Ready ") && l.contains("control-plane,etcd,master"))
                    .count() == 3;
        }, () -> kubectl.run("get", "nodes").stdout());

        Kubectl.Result deleted = kubectl.run("delete", "node", cluster.nodeName(3));
        assertEquals(deleted.stderr(), 0, deleted.exitCode());
        cluster.awaitStartedVoters(2, CairnCluster.MEMBERSHIP_TIMEOUT);
        assertEquals("the removed member is gone from the member list", 2,
                cluster.members().orElseThrow().size());
        Await.until("the removed server to stop", Duration.ofSeconds(60), () -> !cluster.server(3).isRunning(),
                cluster::describe);
        assertTrue(cluster.server(3).logTail(), cluster.server(3).logTail()
                .contains("This node has been removed from the cluster"));
        assertTrue(Files.exists(cluster.server(3).dataDir().resolve("server/db/etcd/tombstone")));

        // it was started with --server: the restart moves the old store aside and joins again
        cluster.restart(3);
        cluster.awaitStartedVoters(3, CairnCluster.MEMBERSHIP_TIMEOUT);
        try (var entries = Files.list(cluster.server(3).dataDir().resolve("server/db"))) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.toString(), names.stream().anyMatch(n -> n.startsWith("etcd-backup-")));
        }
        assertFalse(Files.exists(cluster.server(3).dataDir().resolve("server/db/etcd/tombstone")));
        Await.until("s3 Ready again", Duration.ofSeconds(60),
                () -> kubectl.run("get", "node", cluster.nodeName(3), "--no-headers").stdout().contains(" Ready "),
                () -> kubectl.run("get", "nodes").stdout());
    }

    private StatusResponse status(int i) throws Exception {
        return cluster.client(i).getMaintenanceClient().statusMember(cluster.server(i).clientUrl())
                .get(10, TimeUnit.SECONDS);
    }
}
