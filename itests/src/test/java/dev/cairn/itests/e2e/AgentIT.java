package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnAgent;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Kubectl;
import dev.cairn.itests.e2e.support.ManagedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Agents against one SQLite server, with the real processes and the real kubectl: both agents register and show
 * Ready with no role beside the server's control-plane,master; a killed agent turns NotReady after the (lowered)
 * grace period; a second agent with a taken node name and another password is refused with K3s's message; and a
 * node's client certificate may not touch another node's Node or any Secret.
 */
public class AgentIT {
    private static final String SERVER_ADDRESS = "127.0.0.46";
    private static final String SERVER_URL = "https://" + SERVER_ADDRESS + ":6443";
    private static final Duration READY = Duration.ofSeconds(60);
    /**
     * The server's grace period, above the agents' 10 s heartbeat (Kubernetes: 40 s): a killed agent is NotReady
     * 15-30 s after its last renewal (the check runs every 5 s), a live one never.
     */
    private static final String GRACE = "15s";

    private final List<ManagedServer> processes = new ArrayList<>();

    @BeforeClass
    public static void requireKubectl() {
        assumeTrue("kubectl is installed at " + Kubectl.BINARY, Kubectl.installed());
    }

    @After
    public void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private CairnProcess startServer() {
        CairnProcess server = CairnProcess.create("agent-it-s1", SERVER_ADDRESS, "--node-monitor-grace-period", GRACE);
        processes.add(server);
        server.start();
        new Kubectl(server).awaitApi();
        return server;
    }

    private static String token(CairnProcess server) throws Exception {
        return Files.readString(server.dataDir().resolve("server/token")).strip();
    }

    private CairnAgent agent(String name, String address, String token) {
        CairnAgent agent = CairnAgent.create(name, address, SERVER_URL, token);
        processes.add(agent);
        return agent;
    }

    /** NAME -> "STATUS ROLES VERSION" of {@code kubectl get nodes}. */
    private static Map<String, String> nodes(Kubectl kubectl) {
        Map<String, String> nodes = new TreeMap<>();
        String out = kubectl.run("get", "nodes", "--no-headers").requireSuccess("kubectl get nodes").stdout();
        for (String line : out.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5) {
                nodes.put(f[0], f[1] + " " + f[2] + " " + f[4]);
            }
        }
        return nodes;
    }

    @Test
    public void agentsRegisterTurnNotReadyWhenKilledAndNodeCredentialsAreConfined() throws Exception {
        CairnProcess server = startServer();
        Kubectl kubectl = new Kubectl(server);
        String token = token(server);
        CairnAgent agent1 = agent("agent-it-a1", "127.0.0.47", token);
        CairnAgent agent2 = agent("agent-it-a2", "127.0.0.48", token);
        agent1.start();
        agent2.start();

        String version = kubectl.run("get", "node", server.name(), "-o", "jsonpath={.status.nodeInfo.kubeletVersion}")
                .requireSuccess("server's version").stdout();
        assertTrue(version, version.matches("v1\\.\\d+\\.\\d+\\+cairn"));
        Map<String, String> expected = new TreeMap<>(Map.of(server.name(), "Ready control-plane,master " + version,
                agent1.name(), "Ready <none> " + version, agent2.name(), "Ready <none> " + version));
        Await.until("kubectl get nodes to list the server and both agents Ready", READY,
                () -> nodes(kubectl).equals(expected), () -> nodes(kubectl).toString());
        String wide = kubectl.run("get", "node", agent1.name(), "-o", "wide", "--no-headers")
                .requireSuccess("get node -o wide").stdout();
        assertTrue(wide, wide.contains(" 127.0.0.47 "));

        // the agent's state: all under its data dir, the node password owner-only
        Path password = agent1.agentDir().resolve("node-password");
        assertTrue(Files.readString(password).strip().matches("[0-9a-f]{32}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(password)));
        assertTrue(Files.readString(agent1.agentDir().resolve("servers.json")).contains(SERVER_URL));
        String hashSecret = kubectl.run("get", "secret", "-n", "kube-system", agent1.name()
                + ".node-password.cairn", "-o", "jsonpath={.type}").requireSuccess("node password secret").stdout();
        assertEquals("cairn.io/node-password", hashSecret);

        // a node's certificate: reads nodes, writes only its own Node, never Secrets
        Path nodeConfig = agent1.writeNodeKubeconfig();
        List<String> asNode = List.of(Kubectl.BINARY.toString(), "--kubeconfig", nodeConfig.toString());
        Kubectl.Result list = Kubectl.command(concat(asNode, "get", "nodes"), null);
        assertEquals(list.stderr(), 0, list.exitCode());
        Kubectl.Result own = Kubectl.command(concat(asNode, "label", "node", agent1.name(), "own=yes"), null);
        assertEquals(own.stderr(), 0, own.exitCode());
        Kubectl.Result other = Kubectl.command(concat(asNode, "label", "node", agent2.name(), "x=y"), null);
        assertNotEquals(0, other.exitCode());
        assertTrue(other.stderr(), other.stderr().contains("Error from server (Forbidden): nodes \"" + agent2.name()
                + "\" is forbidden: User \"system:node:" + agent1.name() + "\" cannot patch resource \"nodes\" in API"
                + " group \"\" at the cluster scope"));
        Kubectl.Result secrets = Kubectl.command(concat(asNode, "get", "secrets", "-n", "kube-system"), null);
        assertNotEquals(0, secrets.exitCode());
        assertTrue(secrets.stderr(), secrets.stderr().contains("Error from server (Forbidden): secrets is forbidden:"
                + " User \"system:node:" + agent1.name() + "\" cannot list resource \"secrets\" in API group \"\" in"
                + " the namespace \"kube-system\""));
        Kubectl.Result create = Kubectl.command(concat(asNode, "create", "configmap", "x"), null);
        assertNotEquals(0, create.exitCode());
        assertTrue(create.stderr(), create.stderr().contains("configmaps \"x\" is forbidden: User \"system:node:"
                + agent1.name() + "\" cannot create resource \"configmaps\" in API group \"\" in the namespace"
                + " \"default\""));

        // the same node name from another data dir (another password) is refused, and changes nothing
        CairnAgent impostor = CairnAgent.create("agent-it-impostor", agent2.name(), "127.0.0.49", SERVER_URL,
                token);
        processes.add(impostor);
        ManagedServer.Exit refused = impostor.runUntilExit(Duration.ofSeconds(60));
        assertEquals(refused.output(), 1, refused.exitCode());
        assertTrue(refused.output(), refused.output().contains("cairn: Node password rejected, duplicate hostname or"
                + " contents of '" + impostor.agentDir().resolve("node-password") + "' may not match server"
                + " node-passwd entry, try a unique --node-name"));
        String address = kubectl.run("get", "node", agent2.name(), "-o",
                "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}").requireSuccess("agent2 IP").stdout();
        assertEquals("127.0.0.48", address);

        // a killed agent stops renewing its Lease: NotReady after the grace period; the other stays Ready
        agent2.kill();
        Await.until(agent2.name() + " to turn NotReady", Duration.ofSeconds(40),
                () -> nodes(kubectl).get(agent2.name()).startsWith("NotReady "), () -> nodes(kubectl).toString());
        assertTrue(nodes(kubectl).get(agent1.name()).startsWith("Ready "));

        // restarted on its data dir (same password), it registers again and is Ready
        agent2.restart();
        Await.until(agent2.name() + " to be Ready again", READY,
                () -> nodes(kubectl).get(agent2.name()).startsWith("Ready "), () -> nodes(kubectl).toString());

        // SIGTERM stops an agent within 5 s, exit 0
        ManagedServer.Stop stop = agent1.stop(Duration.ofSeconds(5));
        assertTrue("agent stopped within 5 s: " + stop, stop.withinGrace());
        assertEquals(0, stop.exitCode());
    }

    private static List<String> concat(List<String> base, String... args) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(args));
        return all;
    }
}
