package dev.cairn.itests.e2e;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.History;
import dev.cairn.itests.e2e.support.HistoryRecorder;
import dev.cairn.itests.e2e.support.Linearizability;
import dev.cairn.itests.e2e.support.ServerUnderTest;

import java.time.Duration;

import org.junit.After;
import org.junit.Test;

/**
 * Three Cairn servers, clients spread over all of them doing puts and linearizable gets while the leader is killed
 * with SIGKILL and restarted: the recorded history must be linearizable, and the cluster must keep serving.
 */
public class ClusterLinearizabilityIT {

    private static final int CLIENTS = 6;
    private static final int KEYS = 3;
    private static final Duration RECORDING = Duration.ofSeconds(30);
    private static final Duration FAILOVER = Duration.ofSeconds(30);

    private CairnCluster cluster;

    @After
    public void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void historyAcrossALeaderKillIsLinearizable() {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        cluster = new CairnCluster(3, "--disable-apiserver");
        cluster.start();
        int leader = cluster.awaitLeader(FAILOVER);

        History history;
        try (HistoryRecorder recorder = HistoryRecorder.start(cluster.servers(), CLIENTS, KEYS, RECORDING)) {
            Await.until("300 operations before the kill", RECORDING, () -> recorder.completed() >= 300,
                    recorder::summary);
            cluster.kill(leader);
            int newLeader = cluster.awaitLeader(FAILOVER);
            long beforeRestart = recorder.completed();
            Await.until("operations under the new leader s" + newLeader, FAILOVER,
                    () -> recorder.completed() >= beforeRestart + 100, () -> recorder.summary() + "\n"
                            + cluster.describe());
            cluster.restart(leader);
            cluster.awaitStartedVoters(3, CairnCluster.MEMBERSHIP_TIMEOUT);
            history = recorder.awaitHistory();
        }
        Linearizability.Result result = Linearizability.check(history);
        assertTrue(result + "\n" + history.summary() + "\n" + cluster.describe(), result.isLinearizable());
    }
}
