package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.maintenance.HashKVResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Test;

/**
 * Faults on a three-server cluster of real processes (127.0.0.11–13): a leader killed with SIGKILL while clients
 * write loses no acknowledged write and the members end with equal HashKV; with two of three servers down writes
 * fail fast with {@code etcdserver: no leader} and work again once a majority is back; a cluster reset on a
 * survivor makes it the only member with all its data, and a wiped server rejoins it.
 */
public class ClusterFaultIT {

    private static final Duration FAILOVER = Duration.ofSeconds(30);
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(5);
    private static final int WRITERS = 4;

    private CairnCluster cluster;

    @After
    public void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Nodes {@code <name>-s1} ... on 127.0.0.11 ...: each test keeps its own log files. */
    private void startCluster(String name) {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        cluster = new CairnCluster(name + "-", 11, 3, "--disable-apiserver");
        cluster.start();
    }

    /** Two faults in turn on one cluster (a cluster start costs half a minute on two cores). */
    @Test
    public void leaderKillUnderWritesThenQuorumLossAndRecovery() throws Exception {
        startCluster("fault");
        killingTheLeaderUnderWritesLosesNoAcknowledgedWrite();
        withoutQuorumWritesFailFastAndRecoverWhenAMajorityIsBack();
    }

    private void killingTheLeaderUnderWritesLosesNoAcknowledgedWrite() throws Exception {
        int leader = cluster.awaitLeader(FAILOVER);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                // each writer talks to one server; the one on the leader loses it and keeps trying the others
                writers.submit(() -> write(writer, acknowledged, stop, failures));
            }
            Await.until("200 acknowledged writes before the kill", FAILOVER, () -> acknowledged.size() >= 200,
                    () -> "acknowledged " + acknowledged.size() + " failures " + failures.get());
            cluster.kill(leader);
            int before = acknowledged.size();
            int newLeader = cluster.awaitLeader(FAILOVER);
            Await.until("200 more acknowledged writes under s" + newLeader, FAILOVER,
                    () -> acknowledged.size() >= before + 200, cluster::describe);
        } finally {
            stop.set(true);
            writers.shutdown();
            assertTrue(writers.awaitTermination(30, TimeUnit.SECONDS));
        }
        cluster.restart(leader);
        cluster.awaitStartedVoters(3, CairnCluster.MEMBERSHIP_TIMEOUT);
        for (int i = 1; i <= 3; i++) {
            Map<String, String> stored = allKeys(i, "fault/");
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertEquals("acknowledged write of " + e.getKey() + " on s" + i, e.getValue(),
                        stored.get(e.getKey()));
            }
        }
        assertEqualHashes();
    }

    private void withoutQuorumWritesFailFastAndRecoverWhenAMajorityIsBack() throws Exception {
        put(1, "quorum/before", "1");
        cluster.kill(2);
        cluster.kill(3);
        Await.until("s1 to notice it lost the leader", FAILOVER, () -> {
            EtcdctlResult r = cluster.etcdctl(1).run("put", "quorum/during", "x");
            return !r.succeeded() && r.stderr().contains("etcdserver: no leader");
        }, cluster::describe);
        long start = System.nanoTime();
        EtcdctlResult refused = cluster.etcdctl(1).run("put", "quorum/during", "x");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(refused.stderr(), refused.stderr().contains("etcdserver: no leader"));
        assertTrue("a write without quorum fails fast instead of hanging (took " + tookMs + " ms)", tookMs < 5_000);

        cluster.restart(2);
        Await.until("writes to work again with s1 and s2", FAILOVER,
                () -> cluster.etcdctl(1).run("put", "quorum/after", "2").succeeded(), cluster::describe);
        cluster.restart(3);
        cluster.awaitStartedVoters(3, CairnCluster.MEMBERSHIP_TIMEOUT);
        assertEquals("1", allKeys(3, "quorum/").get("quorum/before"));
        assertEquals("2", allKeys(3, "quorum/").get("quorum/after"));
        assertEqualHashes();
    }

    @Test
    public void clusterResetMakesASurvivorTheOnlyMemberWithAllItsData() throws Exception {
        startCluster("reset");
        for (int k = 0; k < 50; k++) {
            put(1 + k % 3, "reset/" + k, "v" + k);
        }
        long revision = cluster.client(1).getKVClient().get(bytes("reset/0")).get(5, TimeUnit.SECONDS).getHeader()
                .getRevision();
        for (int i = 3; i >= 1; i--) {
            cluster.stop(i);
        }
        CairnProcess s1 = cluster.server(1);
        CairnProcess reset = CairnProcess.onDataDir(cluster.nodeName(1) + "-reset", s1.address(), s1.dataDir(), "--node-name",
                cluster.nodeName(1),
                "--cluster-reset", "--disable-apiserver");
        ManagedServer.Exit exit = reset.runUntilExit(Duration.ofSeconds(120));
        assertEquals(exit.output(), 0, exit.exitCode());
        assertTrue(exit.output(), exit.output().contains("Managed etcd cluster membership has been reset, restart"
                + " without --cluster-reset flag now"));

        cluster.restart(1);
        cluster.awaitStartedVoters(1, CairnCluster.MEMBERSHIP_TIMEOUT);
        Map<String, String> stored = allKeys(1, "reset/");
        assertEquals(50, stored.size());
        assertEquals("v7", stored.get("reset/7"));
        long after = cluster.client(1).getKVClient().get(bytes("reset/0")).get(5, TimeUnit.SECONDS).getHeader()
                .getRevision();
        assertTrue("revisions continue (" + revision + " before, " + after + " after)", after >= revision);
        put(1, "reset/after", "ok");

        // the K3s procedure for the other servers: wipe server/db, start again with --server
        deleteTree(cluster.server(2).dataDir().resolve("server").resolve("db"));
        cluster.restart(2);
        cluster.awaitStartedVoters(2, CairnCluster.MEMBERSHIP_TIMEOUT);
        assertEquals("ok", allKeys(2, "reset/").get("reset/after"));
        assertEqualHashes();
    }

    private void write(int writer, Map<String, String> acknowledged, AtomicBoolean stop, AtomicLong failures) {
        long n = 0;
        int server = 1 + writer % 3;
        while (!stop.get()) {
            String key = "fault/w" + writer + "/" + n;
            String value = "value-" + writer + "-" + n;
            try {
                cluster.client(server).getKVClient().put(bytes(key), bytes(value))
                        .get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                acknowledged.put(key, value);
                n++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // unknown outcome: a later key name keeps acknowledged values unambiguous
                failures.incrementAndGet();
                n++;
                server = 1 + server % 3;
            }
        }
    }

    private void put(int server, String key, String value) throws Exception {
        cluster.client(server).getKVClient().put(bytes(key), bytes(value))
                .get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Every key under {@code prefix}, read linearizably through server {@code i}. Right after a restart the
     * cluster may still be electing (a linearizable read then fails with "no leader" or "leader changed", as in
     * etcd): the read is asked again until it is answered.
     */
    private Map<String, String> allKeys(int i, String prefix) throws Exception {
        AtomicReference<List<KeyValue>> kvs = new AtomicReference<>();
        String[] lastFailure = {"none"};
        Await.until("a linearizable read through s" + i, FAILOVER, () -> {
            try {
                kvs.set(cluster.client(i).getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true)
                        .build()).get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getKvs());
                return true;
            } catch (ExecutionException e) {
                lastFailure[0] = e.getCause().toString();
                if (!lastFailure[0].contains("no leader") && !lastFailure[0].contains("leader changed")) {
                    throw new AssertionError("read through s" + i + ": " + e.getCause(), e.getCause());
                }
                return false;
            } catch (TimeoutException e) {
                lastFailure[0] = e.toString();
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }, () -> "last failure: " + lastFailure[0] + "\n" + cluster.describe());
        return toMap(kvs.get());
    }

    private static Map<String, String> toMap(List<KeyValue> kvs) {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : kvs) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** HashKV at one revision is the same on every running member (once each has applied it). */
    private void assertEqualHashes() throws Exception {
        List<Integer> running = cluster.runningServers();
        long revision = cluster.client(running.get(0)).getKVClient().get(bytes("any")).get(10, TimeUnit.SECONDS)
                .getHeader().getRevision();
        Set<Long> hashes = new HashSet<>();
        List<String> report = new ArrayList<>();
        for (int i : running) {
            HashKVResponse r = hashAt(i, revision);
            hashes.add(r.getHash() & 0xffffffffL);
            report.add("s" + i + "=" + Long.toHexString(r.getHash() & 0xffffffffL));
        }
        assertEquals("HashKV at revision " + revision + ": " + report, 1, hashes.size());
    }

    private HashKVResponse hashAt(int i, long revision) throws Exception {
        // a follower may not have applied the revision yet: ask again until it has
        HashKVResponse[] last = new HashKVResponse[1];
        Await.until("s" + i + " to apply revision " + revision, FAILOVER, () -> {
            try {
                last[0] = cluster.client(i).getMaintenanceClient().hashKV(cluster.server(i).clientUrl(), revision)
                        .get(10, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }, cluster::describe);
        return last[0];
    }

    private static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
