package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.function.BooleanSupplier;

/**
 * This server as a Node, the way a kubelet keeps itself: the Node object (roles, addresses, node info, Ready),
 * and its Lease in {@code kube-node-lease}, renewed on every beat.
 */
final class NodeHeartbeat {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;
    static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ObjectStore store;
    private final Clock clock;
    private final String name;
    private final String address;
    private final BooleanSupplier etcdMember;
    private final String apiServerUrl;

    /**
     * @param etcdMember   whether this server is a Raft member (etcd role) now; a live conversion makes it one
     * @param apiServerUrl this server's HTTPS URL, listed to agents (annotation
     *                     {@value NodeRegistration#APISERVER_URL_ANNOTATION})
     */
    NodeHeartbeat(ObjectStore store, Clock clock, String name, String address, BooleanSupplier etcdMember,
            String apiServerUrl) {
        this.store = store;
        this.apiServerUrl = apiServerUrl;
        this.clock = clock;
        this.name = name;
        this.address = address;
        this.etcdMember = etcdMember;
    }

    /** Registers (or refreshes) the Node and renews its Lease; called at start and on every beat. */
    void beat() {
        if (store.find(ResourceType.NODES, null, name) == null) {
            try {
                store.create(ResourceType.NODES, null, describe(new JsonObject()));
            } catch (ApiException e) {
                if (!e.reason().equals("AlreadyExists")) {
                    throw e;
                }
            }
        }
        store.patch(ResourceType.NODES, null, name, this::describe);
        renewLease();
    }

    /** The node as this server reports it, over whatever others wrote (labels they added stay). */
    JsonObject describe(JsonObject node) {
        String now = store.timestamp();
        JsonObject meta = ObjectStore.metadata(node);
        meta.addProperty("name", name);
        JsonObject labels = child(meta, "labels");
        String arch = NodeInfo.goArch();
        String os = NodeInfo.operatingSystem();
        labels.addProperty("beta.kubernetes.io/arch", arch);
        labels.addProperty("beta.kubernetes.io/os", os);
        labels.addProperty("kubernetes.io/arch", arch);
        labels.addProperty("kubernetes.io/hostname", name);
        labels.addProperty("kubernetes.io/os", os);
        labels.addProperty("node-role.kubernetes.io/control-plane", "true");
        labels.addProperty("node-role.kubernetes.io/master", "true");
        JsonObject annotations = child(meta, "annotations");
        annotations.addProperty(NodeRegistration.APISERVER_URL_ANNOTATION, apiServerUrl);
        if (etcdMember.getAsBoolean()) {
            labels.addProperty("node-role.kubernetes.io/etcd", "true");
            annotations.addProperty("etcd.k3s.cattle.io/node-name", name);
            annotations.addProperty("etcd.k3s.cattle.io/node-address", address);
        } else {
            labels.remove("node-role.kubernetes.io/etcd");
            annotations.remove("etcd.k3s.cattle.io/node-name");
            annotations.remove("etcd.k3s.cattle.io/node-address");
        }
        child(node, "spec");
        JsonObject status = child(node, "status");
        JsonArray addresses = new JsonArray();
        addresses.add(address("InternalIP", address));
        addresses.add(address("Hostname", name));
        status.add("addresses", addresses);
        JsonObject info = child(status, "nodeInfo");
        info.addProperty("architecture", arch);
        info.addProperty("operatingSystem", os);
        info.addProperty("osImage", NodeInfo.osImage(Path.of("/etc/os-release")));
        info.addProperty("kernelVersion", NodeInfo.kernelVersion());
        info.addProperty("kubeletVersion", Discovery.GIT_VERSION);
        info.addProperty("kubeProxyVersion", "");
        info.addProperty("containerRuntimeVersion", "none");
        for (String f : new String[] {"bootID", "machineID", "systemUUID"}) {
            if (!info.has(f)) {
                info.addProperty(f, "");
            }
        }
        status.add("conditions", readyConditions(status.get("conditions"), now));
        return node;
    }

    /** Ready=True with a fresh heartbeat; the transition time moves only when the status changes. */
    private static JsonArray readyConditions(JsonElement existing, String now) {
        JsonArray out = new JsonArray();
        String transition = now;
        if (existing != null && existing.isJsonArray()) {
            for (JsonElement c : existing.getAsJsonArray()) {
                JsonObject co = c.getAsJsonObject();
                if ("Ready".equals(ObjectStore.string(co, "type"))) {
                    if ("True".equals(ObjectStore.string(co, "status"))) {
                        transition = ObjectStore.string(co, "lastTransitionTime");
                    }
                } else {
                    out.add(co);
                }
            }
        }
        JsonObject ready = new JsonObject();
        ready.addProperty("type", "Ready");
        ready.addProperty("status", "True");
        ready.addProperty("lastHeartbeatTime", now);
        ready.addProperty("lastTransitionTime", transition.isEmpty() ? now : transition);
        ready.addProperty("reason", "KubeletReady");
        ready.addProperty("message", "cairn server is posting ready status");
        out.add(ready);
        return out;
    }

    private void renewLease() {
        String renewTime = MICRO_TIME.format(Instant.now(clock).truncatedTo(ChronoUnit.MICROS));
        if (store.find(ResourceType.LEASES, LEASE_NAMESPACE, name) == null) {
            JsonObject lease = new JsonObject();
            JsonObject meta = new JsonObject();
            meta.addProperty("name", name);
            lease.add("metadata", meta);
            JsonObject spec = new JsonObject();
            spec.addProperty("holderIdentity", name);
            spec.addProperty("leaseDurationSeconds", LEASE_DURATION_SECONDS);
            spec.addProperty("renewTime", renewTime);
            lease.add("spec", spec);
            try {
                store.create(ResourceType.LEASES, LEASE_NAMESPACE, lease);
                return;
            } catch (ApiException e) {
                if (!e.reason().equals("AlreadyExists")) {
                    throw e;
                }
            }
        }
        store.patch(ResourceType.LEASES, LEASE_NAMESPACE, name, lease -> {
            JsonObject spec = child(lease, "spec");
            spec.addProperty("holderIdentity", name);
            spec.addProperty("leaseDurationSeconds", LEASE_DURATION_SECONDS);
            spec.addProperty("renewTime", renewTime);
            return lease;
        });
    }

    private static JsonObject address(String type, String value) {
        JsonObject a = new JsonObject();
        a.addProperty("type", type);
        a.addProperty("address", value);
        return a;
    }

    static JsonObject child(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonObject()) {
            JsonObject c = new JsonObject();
            o.add(field, c);
            return c;
        }
        return e.getAsJsonObject();
    }
}
