package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * What Kubernetes' node lifecycle controller does for readiness: a Node whose Lease has not been renewed within the
 * grace period gets Ready=Unknown ("Kubelet stopped posting node status."), so {@code kubectl get nodes} shows it
 * NotReady. The node's own heartbeat sets it back to True.
 */
final class NodeLifecycle {
    private final ObjectStore store;
    private final Clock clock;
    private final Duration grace;

    NodeLifecycle(ObjectStore store, Clock clock, Duration grace) {
        this.store = store;
        this.clock = clock;
        this.grace = grace;
    }

    /** One pass over every node; returns how many were marked NotReady. */
    int check() {
        Map<String, Instant> renewals = new HashMap<>();
        JsonObject leases = store.list(ResourceType.LEASES, NodeHeartbeat.LEASE_NAMESPACE,
                LabelSelector.parse(""), FieldSelector.parse(""), 0, null);
        for (JsonElement l : leases.getAsJsonArray("items")) {
            JsonObject lease = l.getAsJsonObject();
            Instant renewed = parse(ObjectStore.string(NodeHeartbeat.child(lease, "spec"), "renewTime"));
            if (renewed != null) {
                renewals.put(ObjectStore.string(ObjectStore.metadata(lease), "name"), renewed);
            }
        }
        JsonObject nodes = store.list(ResourceType.NODES, null, LabelSelector.parse(""), FieldSelector.parse(""), 0,
                null);
        Instant now = Instant.now(clock);
        int marked = 0;
        for (JsonElement n : nodes.getAsJsonArray("items")) {
            JsonObject node = n.getAsJsonObject();
            String name = ObjectStore.string(ObjectStore.metadata(node), "name");
            Instant last = renewals.get(name);
            if (last == null) {
                last = parse(ObjectStore.string(ObjectStore.metadata(node), "creationTimestamp"));
            }
            if (last != null && Duration.between(last, now).compareTo(grace) > 0 && isReady(node)) {
                try {
                    store.patch(ResourceType.NODES, null, name, this::markUnknown);
                    marked++;
                } catch (ApiException e) {
                    if (!e.reason().equals("NotFound")) {
                        throw e;
                    }
                }
            }
        }
        return marked;
    }

    private JsonObject markUnknown(JsonObject node) {
        JsonElement conditions = NodeHeartbeat.child(node, "status").get("conditions");
        if (conditions != null && conditions.isJsonArray()) {
            for (JsonElement c : conditions.getAsJsonArray()) {
                JsonObject co = c.getAsJsonObject();
                if ("Ready".equals(ObjectStore.string(co, "type")) && !"Unknown".equals(ObjectStore.string(co,
                        "status"))) {
                    co.addProperty("status", "Unknown");
                    co.addProperty("reason", "NodeStatusUnknown");
                    co.addProperty("message", "Kubelet stopped posting node status.");
                    co.addProperty("lastTransitionTime", store.timestamp());
                }
            }
        }
        return node;
    }

    private static boolean isReady(JsonObject node) {
        return TableRenderer.nodeStatus(node).startsWith("Ready");
    }

    private static Instant parse(String time) {
        if (time.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
