package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * Five real server processes on 127.0.0.11–15 form one cluster by joining through different servers, two of them
 * at the same time; every server serves reads and writes, all agree on the leader and the raft index, and each
 * server restarted in turn (one of them while the server it joined through is down) comes back as a voter.
 */
public class ClusterFormationIT {

    private static final Duration SETTLE = Duration.ofSeconds(60);

    private CairnCluster cluster;

    @After
    public void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void fiveServersJoinThroughDifferentServersAndSurviveRestarts() throws Exception {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        cluster = new CairnCluster(5, "--disable-apiserver");
        cluster.startServer(1, 0);
        cluster.awaitStartedVoters(1, CairnCluster.MEMBERSHIP_TIMEOUT);
        cluster.startServer(2, 1);
        cluster.awaitStartedVoters(2, CairnCluster.MEMBERSHIP_TIMEOUT);
        cluster.startServer(3, 2);
        cluster.awaitStartedVoters(3, CairnCluster.MEMBERSHIP_TIMEOUT);
        // two servers join at the same time, through different servers
        CompletableFuture<Void> fourth = CompletableFuture.runAsync(() -> cluster.startServer(4, 3));
        CompletableFuture<Void> fifth = CompletableFuture.runAsync(() -> cluster.startServer(5, 1));
        CompletableFuture.allOf(fourth, fifth).get(5, TimeUnit.MINUTES);
        cluster.awaitStartedVoters(5, CairnCluster.MEMBERSHIP_TIMEOUT);

        for (int i = 1; i <= 5; i++) {
            put(i, "formation/" + i, "written-through-s" + i);
        }
        awaitOneLeaderAndEqualRaftIndex();
        for (int i = 1; i <= 5; i++) {
            assertEquals("written-through-s3", get(i, "formation/3"));
        }

        // s3 joined through s2: it restarts from its own disk while s2 is down
        cluster.stop(2);
        cluster.stop(3);
        cluster.restart(3);
        cluster.restart(2);
        cluster.awaitStartedVoters(5, CairnCluster.MEMBERSHIP_TIMEOUT);
        for (int i : List.of(1, 4, 5)) {
            cluster.stop(i);
            cluster.restart(i);
            cluster.awaitStartedVoters(5, CairnCluster.MEMBERSHIP_TIMEOUT);
            put(i, "restarted/" + i, "ok");
        }
        awaitOneLeaderAndEqualRaftIndex();
        for (int i = 1; i <= 5; i++) {
            assertEquals("ok", get(i, "restarted/5"));
            assertEquals("written-through-s1", get(i, "formation/1"));
        }
        membershipThroughEtcdctl();
    }

    /** etcd's Cluster API through the real etcdctl: add a learner that never starts, fail to promote it, remove it. */
    private void membershipThroughEtcdctl() {
        String url = "https://127.0.0.19:2380";
        EtcdctlResult added = cluster.etcdctl(2).run("member", "add", "extra", "--learner", "--peer-urls=" + url);
        assertTrue(added.describe(), added.succeeded());
        EtcdctlResult listed = cluster.etcdctl(4).run("member", "list");
        String line = listed.stdout().lines().filter(l -> l.contains(url)).findFirst().orElse("");
        assertTrue(listed.describe(), line.endsWith(", unstarted, , " + url + ", , true"));
        String id = line.substring(0, line.indexOf(','));
        EtcdctlResult promoted = cluster.etcdctl(1).run("member", "promote", id);
        assertTrue(promoted.describe(), promoted.stderr().contains(
                "etcdserver: can only promote a learner member which is in sync with leader"));
        EtcdctlResult removed = cluster.etcdctl(5).run("member", "remove", id);
        assertTrue(removed.describe(), removed.succeeded());
        // as in etcd 3.4, a member list is the answering server's own view: a follower shows the removal once it
        // has applied it
        Await.until("server 3 to list the members without the removed learner", SETTLE,
                () -> !cluster.etcdctl(3).run("member", "list").stdout().contains(url),
                () -> cluster.etcdctl(3).run("member", "list").describe());
    }

    /** Every member reports the same leader, and, once writes stop, the same raft index. */
    private void awaitOneLeaderAndEqualRaftIndex() {
        List<String> last = new ArrayList<>();
        Await.until("one leader and one raft index on all five", SETTLE, () -> {
            Set<Long> leaders = new HashSet<>();
            Set<Long> indexes = new HashSet<>();
            last.clear();
            for (int i = 1; i <= 5; i++) {
                StatusResponse s;
                try {
                    s = cluster.client(i).getMaintenanceClient().statusMember(cluster.server(i).clientUrl())
                            .get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return false;
                }
                leaders.add(s.getLeader());
                indexes.add(s.getRaftIndex());
                last.add("s" + i + " leader=" + Long.toHexString(s.getLeader()) + " index=" + s.getRaftIndex());
            }
            return leaders.size() == 1 && !leaders.contains(0L) && indexes.size() == 1;
        }, () -> last + "\n" + cluster.describe());
    }

    private void put(int server, String key, String value) throws Exception {
        cluster.client(server).getKVClient().put(bytes(key), bytes(value)).get(30, TimeUnit.SECONDS);
    }

    private String get(int server, String key) throws Exception {
        var kvs = cluster.client(server).getKVClient().get(bytes(key)).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
