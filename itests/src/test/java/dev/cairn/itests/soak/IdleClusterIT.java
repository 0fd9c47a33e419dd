package dev.cairn.itests.soak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
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
 *
 * <p>The ten minutes overlap the other integration tests: {@link IdleClusterListener} starts the cluster
 * ({@link IdleClusterWatch}, 127.0.0.56–58) and its prober when the test run begins, and this class, ordered last
 * (the itests pom runs test classes in alphabetical order, and this package sorts after {@code e2e} and
 * {@code osgi}), takes the watch over, waits for whatever is left of the ten minutes and checks what the prober saw.
 * Meanwhile the machine is loaded by the other tests, among them clusters whose leaders are killed with
 * {@code kill -9}; so that the watch stays a fair test of Cairn (of its election settings, not of the CPU
 * scheduler), the idle cluster's servers run under {@code nice -n -10}, a higher CPU priority than every other test
 * process, which is checked on each server process. Lowering the nice value needs root (or CAP_SYS_NICE), as in CI;
 * where it is not allowed, or when this class runs without the listener, the test starts its cluster itself and
 * watches it alone for the whole ten minutes, as the only test running.
 */
public class IdleClusterIT {

    private static final Duration WATCH = Duration.ofMinutes(Long.getLong("cairn.idle.minutes", 10));

    private IdleClusterWatch watch;
    private CairnCluster cluster;

    @After
    public void stopCluster() {
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    public void anIdleClusterHasNoLeaderChange() throws Exception {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        watch = IdleClusterWatch.takeShared().orElse(null);
        boolean shared = watch != null;
        if (!shared) {
            watch = IdleClusterWatch.startAlone();
        }
        Duration before = watch.watched();
        int testsBefore = IdleClusterListener.testsFinished();
        watch.awaitWatched(WATCH);
        cluster = watch.cluster();
        System.out.println("idle watch: " + (shared ? "shared, under nice -n " + IdleClusterWatch.NICE
                + "; " + before.toSeconds() + " s watched beside " + testsBefore + " other tests, then "
                : "alone, at the test's priority; ") + "waited here until " + watch.watched().toSeconds()
                + " s; " + watch.rounds() + " rounds of probes, the slowest " + watch.slowestRoundMs() + " ms");
        watch.failure().ifPresent(failure -> {
            throw new AssertionError(failure);
        });
        assertTrue("the watch ran its period: " + watch.watched(), watch.watched().compareTo(WATCH) >= 0);
        for (int i = 1; i <= 3; i++) {
            StatusResponse s = status(i);
            assertEquals(cluster.nodeName(i) + "'s leader after the watch", watch.leaderId(), s.getLeader());
            assertEquals(cluster.nodeName(i) + "'s term after the watch", watch.term(), s.getRaftTerm());
        }
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
        // the whole output: the server's shutdown logs come after the message
        assertTrue(cluster.server(3).logTail(), cluster.server(3).outputOfLastLaunch()
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
