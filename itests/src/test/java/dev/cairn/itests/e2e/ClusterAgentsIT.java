package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnAgent;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.Kubectl;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Three servers and two agents, the picture with the real processes and the real kubectl: {@code kubectl
 * get nodes} lists the servers as {@code control-plane,etcd,master} and the agents with no role, all Ready; every
 * server writes its own admin kubeconfig; a Secret written through one server is ciphertext in the store of another
 * (the encryption key travels with the bootstrap data) and plaintext through that server's API; when the server
 * both agents registered through is killed, they switch to another one within 10 s and stay Ready; a killed agent
 * turns NotReady.
 */
public class ClusterAgentsIT {
    private static final int FIRST_HOST = 62;
    private static final String PREFIX = "ka-";
    private static final Duration READY = Duration.ofSeconds(60);
    /** Above the agents' 10 s heartbeat, below Kubernetes' 40 s so the NotReady check ends sooner. */
    private static final String GRACE = "20s";
    private static final Duration FAILOVER = Duration.ofSeconds(10);

    private CairnCluster cluster;
    private final List<CairnAgent> agents = new ArrayList<>();

    @BeforeClass
    public static void requireKubectl() {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        assumeTrue("kubectl is installed at " + Kubectl.BINARY, Kubectl.installed());
    }

    @After
    public void stopAll() {
        agents.forEach(CairnAgent::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void threeServersAndTwoAgentsAreNodesAndAgentsFailOverWhenTheirServerDies() throws Exception {
        cluster = new CairnCluster(PREFIX, FIRST_HOST, 3, "--secrets-encryption", "--node-monitor-grace-period",
                GRACE);
        cluster.start();
        Kubectl viaFirst = new Kubectl(cluster.server(1));
        viaFirst.awaitApi();
        CairnAgent agent1 = agent(1);
        CairnAgent agent2 = agent(2);

        String version = viaFirst.run("get", "node", cluster.nodeName(1), "-o",
                "jsonpath={.status.nodeInfo.kubeletVersion}").requireSuccess("server's version").stdout();
        assertTrue(version, version.matches("v1\\.\\d+\\.\\d+\\+cairn"));
        Map<String, String> expected = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            expected.put(cluster.nodeName(i), "Ready control-plane,etcd,master " + version);
        }
        expected.put(agent1.nodeName(), "Ready <none> " + version);
        expected.put(agent2.nodeName(), "Ready <none> " + version);
        Await.until("kubectl get nodes to list three servers and two agents Ready", READY,
                () -> nodes(viaFirst).equals(expected), () -> viaFirst.run("get", "nodes").stdout());
        String table = viaFirst.run("get", "nodes").requireSuccess("get nodes").stdout();
        System.out.print(table);
        assertTrue(table, table.startsWith("NAME") && table.lines().findFirst().orElseThrow()
                .matches("NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION"));
        String wide = viaFirst.run("get", "nodes", "-o", "wide", "--no-headers").requireSuccess("-o wide").stdout();
        assertTrue(wide, wide.contains(" " + cluster.address(2) + " ") && wide.contains(" " + agent2.address() + " "));

        everyServerWritesItsOwnKubeconfig();
        secretsAreEncryptedWithTheSharedKey();
        agentsFailOverWhenTheirServerIsKilled(agent1, agent2);
        aKilledAgentTurnsNotReady(agent2);
    }

    private CairnAgent agent(int n) {
        CairnAgent agent = CairnAgent.create(PREFIX + "a" + n, "127.0.0." + (FIRST_HOST + 2 + n),
                cluster.supervisorUrl(1), CairnCluster.TOKEN);
        agents.add(agent);
        agent.start();
        return agent;
    }

    private void everyServerWritesItsOwnKubeconfig() throws Exception {
        for (int i = 1; i <= 3; i++) {
            String kubeconfig = Files.readString(cluster.server(i).dataDir().resolve("cairn.yaml"));
            assertTrue(kubeconfig, kubeconfig.contains("server: " + cluster.supervisorUrl(i)));
            new Kubectl(cluster.server(i)).run("get", "nodes").requireSuccess("get nodes through s" + i);
        }
    }

    /** Written through server 1; ciphertext in server 3's store, plaintext through server 3's API. */
    private void secretsAreEncryptedWithTheSharedKey() throws Exception {
        Kubectl viaFirst = new Kubectl(cluster.server(1));
        viaFirst.run("create", "secret", "generic", "ka-secret", "--from-literal=password=hunter2")
                .requireSuccess("create secret");
        GetResponse raw = cluster.client(3).getKVClient()
                .get(ByteSequence.from("/registry/secrets/default/ka-secret", StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS);
        assertEquals(1, raw.getKvs().size());
        String stored = raw.getKvs().get(0).getValue().toString(StandardCharsets.ISO_8859_1);
        assertTrue(stored, stored.startsWith("k8s:enc:aescbc:v1:"));
        assertFalse(stored, stored.contains("hunter2"));
        String data = new Kubectl(cluster.server(3)).run("get", "secret", "ka-secret", "-o",
                "jsonpath={.data.password}").requireSuccess("get secret through s3").stdout();
        assertEquals("hunter2", new String(Base64.getDecoder().decode(data.strip()), StandardCharsets.UTF_8));
    }

    /**
     * Both agents registered through server 1. Killed, the agents renew their Leases through another server within
     * {@link #FAILOVER}, and their Ready condition never changed.
     */
    private void agentsFailOverWhenTheirServerIsKilled(CairnAgent... registeredThroughFirst) {
        Kubectl viaSecond = new Kubectl(cluster.server(2));
        Map<String, String> readySince = new TreeMap<>();
        for (CairnAgent agent : registeredThroughFirst) {
            readySince.put(agent.nodeName(), readyTransition(viaSecond, agent.nodeName()));
        }
        Instant killed = Instant.now();
        cluster.kill(1);
        long start = System.nanoTime();
        Await.until("every agent to renew its Lease through another server", FAILOVER,
                () -> List.of(registeredThroughFirst).stream().allMatch(agent -> agent.outputOfLastLaunch()
                        .contains("switched server from=" + cluster.supervisorUrl(1))
                        && renewedAfter(viaSecond, agent.nodeName(), killed)),
                () -> List.of(registeredThroughFirst).stream().map(CairnAgent::logTail)
                        .collect(Collectors.joining("\n")));
        System.out.printf("agents failed over %d ms after the kill of their server%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        for (CairnAgent agent : registeredThroughFirst) {
            assertEquals(agent.nodeName() + " stayed Ready", readySince.get(agent.nodeName()),
                    readyTransition(viaSecond, agent.nodeName()));
            assertEquals("True", viaSecond.run("get", "node", agent.nodeName(), "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").stdout().strip());
        }
    }

    private void aKilledAgentTurnsNotReady(CairnAgent agent) {
        Kubectl viaSecond = new Kubectl(cluster.server(2));
        agent.kill();
        Await.until(agent.nodeName() + " to turn NotReady", Duration.ofSeconds(60),
                () -> nodes(viaSecond).getOrDefault(agent.nodeName(), "").startsWith("NotReady "),
                () -> viaSecond.run("get", "nodes").stdout());
    }

    /** The Ready condition's lastTransitionTime. */
    private static String readyTransition(Kubectl kubectl, String node) {
        return kubectl.run("get", "node", node, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}")
                .requireSuccess("Ready condition of " + node).stdout().strip();
    }

    private static boolean renewedAfter(Kubectl kubectl, String node, Instant instant) {
        Kubectl.Result lease = kubectl.run("get", "lease", "-n", "kube-node-lease", node, "-o",
                "jsonpath={.spec.renewTime}");
        return lease.exitCode() == 0 && !lease.stdout().isBlank()
                && Instant.parse(lease.stdout().strip()).isAfter(instant);
    }

    /** NAME -> "STATUS ROLES VERSION" of {@code kubectl get nodes}. */
    private static Map<String, String> nodes(Kubectl kubectl) {
        Map<String, String> nodes = new TreeMap<>();
        for (String line : kubectl.run("get", "nodes", "--no-headers").stdout().strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5) {
                nodes.put(f[0], f[1] + " " + f[2] + " " + f[4]);
            }
        }
        return nodes;
    }
}
