package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.Kubectl;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.After;
import org.junit.Test;

/**
 * kubectl against a three-server cluster of real processes (127.0.0.11–13): every server is a Ready node with the
 * roles {@code control-plane,etcd,master}, and {@code kubectl delete node} of a server removes its etcd member; the
 * removed server stops with a message saying how to rejoin, and restarted with {@code --server} it joins again
 * with a fresh store (the old one moved to {@code server/db/etcd-backup-<unix time>}).
 */
public class ClusterKubectlIT {

    private CairnCluster cluster;

    @After
    public void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void serversAreEtcdNodesAndDeletingOneRemovesItsMember() throws Exception {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn() && Kubectl.installed());
        cluster = new CairnCluster("kube-", 11, 3);
        cluster.start();
        Kubectl kubectl = new Kubectl(cluster.server(1));
        kubectl.awaitApi();
        Await.until("three Ready etcd nodes", Duration.ofSeconds(60), () -> {
            String out = kubectl.run("get", "nodes", "--no-headers").stdout();
            return out.lines().filter(l -> l.contains(" Ready ") && l.contains("control-plane,etcd,master"))
                    .count() == 3;
        }, () -> kubectl.run("get", "nodes").stdout());

        Kubectl.Result deleted = kubectl.run("delete", "node", "s3");
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
                () -> kubectl.run("get", "node", "s3", "--no-headers").stdout().contains(" Ready "),
                () -> kubectl.run("get", "nodes").stdout());
    }
}
