package dev.cairn.itests.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real distribution's {@code bin/cairn agent} with a fresh data directory: joins the cluster of
 * {@code --server} with the token and keeps its Node Ready. It binds no port; {@code address} is the node IP it
 * reports. Ready once it printed that its node is registered.
 */
public final class CairnAgent extends ManagedServer {
    static final String READY_LINE = "Cairn agent ready";

    private final String nodeName;
    private final String serverUrl;
    private final String token;

    private CairnAgent(String name, String nodeName, String address, Path dataDir, String serverUrl, String token) {
        super(name, address, dataDir, true);
        this.nodeName = nodeName;
        this.serverUrl = serverUrl;
        this.token = token;
    }

    /** An agent of the cluster at {@code serverUrl}, with a fresh data directory deleted on close; not started. */
    public static CairnAgent create(String name, String address, String serverUrl, String token) {
        return create(name, name, address, serverUrl, token);
    }

    /**
     * An agent whose {@code --node-name} differs from its process name (which names its log and data dir): a second
     * agent that claims a node name already taken.
     */
    public static CairnAgent create(String name, String nodeName, String address, String serverUrl, String token) {
        return new CairnAgent(name, nodeName, address, WorkDirs.freshDir(name), serverUrl, token);
    }

    /** Its {@code --node-name}. */
    public String nodeName() {
        return nodeName;
    }

    @Override
    protected List<String> command() {
        return new ArrayList<>(List.of(CairnProcess.distributionDir().resolve("bin/cairn").toString(), "agent",
                "--server", serverUrl, "--token", token, "--node-name", nodeName, "--node-ip", address(),
                "--data-dir", dataDir().toString()));
    }

    @Override
    protected boolean isReady() {
        return outputOfLastLaunch().contains(READY_LINE);
    }

    /** {@code <data-dir>/agent/}: node password, client certificate, pinned CA, servers. */
    public Path agentDir() {
        return dataDir().resolve("agent");
    }

    /**
     * A kubeconfig that authenticates as this agent's node (its kubelet client certificate), for checking what a
     * node may do with the real kubectl.
     */
    public Path writeNodeKubeconfig() {
        Path file = dataDir().resolve("node.kubeconfig");
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: cairn\n  cluster:\n"
                + "    server: " + serverUrl + "\n    certificate-authority: " + agentDir().resolve("server-ca.crt")
                + "\nusers:\n- name: node\n  user:\n    client-certificate: " + agentDir().resolve("client-kubelet.crt")
                + "\n    client-key: " + agentDir().resolve("client-kubelet.key") + "\ncontexts:\n- name: node\n"
                + "  context:\n    cluster: cairn\n    user: node\ncurrent-context: node\n";
        try {
            Files.writeString(file, yaml);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public int clientPort() {
        throw new UnsupportedOperationException("an agent serves no etcd port");
    }

    @Override
    public Optional<ClientTls> tls() {
        return Optional.empty();
    }

    @Override
    public String kind() {
        return "cairn agent";
    }
}
