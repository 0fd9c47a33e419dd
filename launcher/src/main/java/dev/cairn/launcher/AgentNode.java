package dev.cairn.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's Node as a kubelet keeps it: registered with no role, addresses and node info, Ready; and its Lease
 * in {@code kube-node-lease}, renewed on every beat. The server's node lifecycle check turns the Node NotReady when
 * the Lease goes stale; the next beat that finds it so sets it Ready again.
 */
final class AgentNode {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final int NOT_FOUND = 404;
    private static final int CONFLICT = 409;

    private final String name;
    private final String ip;
    private final NodeApi api;
    private final Clock clock;
    /** The servers' version, which the Node reports as its kubelet's (read from the first server reached). */
    private String kubeletVersion;
    /** False until the Node was written by this process: the first beat always writes the full status. */
    private boolean described;

    AgentNode(String name, String ip, NodeApi api, Clock clock) {
        this.name = name;
        this.ip = ip;
        this.api = api;
        this.clock = clock;
    }

    /** Registers or refreshes the Node and renews the Lease through {@code server}; IOException when it fails. */
    void beat(String server) throws IOException, InterruptedException {
        if (kubeletVersion == null) {
            kubeletVersion = version(server);
        }
        String nodePath = "/api/v1/nodes/" + name;
        SupervisorClient.Answer node = api.get(server, nodePath);
        if (node.status() == NOT_FOUND) {
            createOrIgnoreRace(server, "/api/v1/nodes", Json.write(node(null)));
            described = true;
        } else {
            require(node, "GET " + nodePath);
            String readySince = readySince(node);
            if (!described || readySince == null) {
                require(api.mergePatch(server, nodePath, Json.write(node(readySince))), "PATCH " + nodePath);
                described = true;
            }
        }
        renewLease(server);
    }

    private void renewLease(String server) throws IOException, InterruptedException {
        String leases = "/apis/coordination.k8s.io/v1/namespaces/" + LEASE_NAMESPACE + "/leases";
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("holderIdentity", name);
        spec.put("leaseDurationSeconds", LEASE_DURATION_SECONDS);
        spec.put("renewTime", MICRO_TIME.format(Instant.now(clock).truncatedTo(ChronoUnit.MICROS)));
        SupervisorClient.Answer renewed = api.mergePatch(server, leases + "/" + name,
                Json.write(Map.of("spec", spec)));
        if (renewed.status() != NOT_FOUND) {
            require(renewed, "PATCH " + leases + "/" + name);
            return;
        }
        Map<String, Object> lease = new LinkedHashMap<>();
        lease.put("apiVersion", "coordination.k8s.io/v1");
        lease.put("kind", "Lease");
        lease.put("metadata", Map.of("name", name, "namespace", LEASE_NAMESPACE));
        lease.put("spec", spec);
        createOrIgnoreRace(server, leases, Json.write(lease));
    }

    private String version(String server) throws IOException, InterruptedException {
        SupervisorClient.Answer answer = api.get(server, "/version");
        require(answer, "GET /version");
        try {
            return Json.string(Json.member(Json.parse(answer.text()), "gitVersion"), "gitVersion");
        } catch (IllegalArgumentException e) {
            throw new IOException("GET " + server + "/version answered something unexpected: " + e.getMessage());
        }
    }

    private void createOrIgnoreRace(String server, String path, String json)
            throws IOException, InterruptedException {
        SupervisorClient.Answer created = api.post(server, path, json);
        if (created.status() != CONFLICT) {
            require(created, "POST " + path);
        }
    }

    private static void require(SupervisorClient.Answer answer, String what) throws IOException {
        if (answer.status() / 100 != 2) {
            throw new IOException(what + " answered " + answer.status() + ": " + answer.error());
        }
    }

    /** The lastTransitionTime of a Ready=True condition, null when the Node is not Ready. */
    private static String readySince(SupervisorClient.Answer node) {
        try {
            Object status = Json.member(Json.parse(node.text()), "status");
            if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
                return null;
            }
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> condition && "Ready".equals(condition.get("type"))
                        && "True".equals(condition.get("status"))) {
                    return condition.get("lastTransitionTime") instanceof String since ? since : "";
                }
            }
        } catch (IllegalArgumentException e) {
            // not a Node: written again
        }
        return null;
    }

    /**
     * The Node document: labels, addresses, node info and Ready since {@code readySince} (now when null or
     * empty: it becomes Ready with this write).
     */
    Map<String, Object> node(String readySince) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        String arch = goArch();
        String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", arch);
        labels.put("beta.kubernetes.io/os", os);
        labels.put("kubernetes.io/arch", arch);
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", os);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("architecture", arch);
        info.put("operatingSystem", os);
        info.put("osImage", osImage(Path.of("/etc/os-release")));
        info.put("kernelVersion", System.getProperty("os.version", ""));
        info.put("kubeletVersion", kubeletVersion == null ? "" : kubeletVersion);
        info.put("kubeProxyVersion", "");
        info.put("containerRuntimeVersion", "none");
        info.put("bootID", "");
        info.put("machineID", "");
        info.put("systemUUID", "");
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("type", "Ready");
        ready.put("status", "True");
        ready.put("lastHeartbeatTime", now);
        ready.put("lastTransitionTime", readySince == null || readySince.isEmpty() ? now : readySince);
        ready.put("reason", "KubeletReady");
        ready.put("message", "cairn agent is posting ready status");
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("addresses", List.of(Map.of("type", "InternalIP", "address", ip),
                Map.of("type", "Hostname", "address", name)));
        status.put("nodeInfo", info);
        status.put("conditions", List.of(ready));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        node.put("metadata", Map.of("name", name, "labels", labels));
        node.put("spec", Map.of());
        node.put("status", status);
        return node;
    }

    /** PRETTY_NAME from os-release, as the kubelet reports it. */
    static String osImage(Path osRelease) {
        try {
            for (String line : Files.readAllLines(osRelease)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "").trim();
                }
            }
        } catch (IOException e) {
            // no os-release: what the kubelet reports without one
        }
        return "Unknown";
    }

    /** Go's GOARCH name of the JVM's architecture. */
    static String goArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch;
        };
    }
}
