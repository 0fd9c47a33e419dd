package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code meta.k8s.io/v1 Table} answers, the columns and cells Kubernetes' printers produce, so that {@code kubectl
 * get} prints what it prints against Kubernetes.
 */
final class TableRenderer {
    private record Column(String name, String type, String format, int priority, String description) {
    }

    private final Clock clock;

    TableRenderer(Clock clock) {
        this.clock = clock;
    }

    /** A table of the list's items (or of one object), keeping the list's resourceVersion and continue. */
    JsonObject render(ResourceType type, JsonObject listOrObject, boolean withColumns) {
        JsonObject table = new JsonObject();
        table.addProperty("kind", "Table");
        table.addProperty("apiVersion", "meta.k8s.io/v1");
        JsonObject meta = new JsonObject();
        List<JsonObject> objects = new ArrayList<>();
        if (listOrObject.has("items")) {
            JsonObject listMeta = listOrObject.getAsJsonObject("metadata");
            listMeta.entrySet().forEach(e -> meta.add(e.getKey(), e.getValue()));
            listOrObject.getAsJsonArray("items").forEach(i -> objects.add(i.getAsJsonObject()));
        } else {
            meta.add("resourceVersion", ObjectStore.metadata(listOrObject).get("resourceVersion"));
            objects.add(listOrObject);
        }
        table.add("metadata", meta);
        JsonArray defs = new JsonArray();
        if (withColumns) {
            for (Column c : columns(type)) {
                JsonObject d = new JsonObject();
                d.addProperty("name", c.name);
                d.addProperty("type", c.type);
                d.addProperty("format", c.format);
                d.addProperty("description", c.description);
                d.addProperty("priority", c.priority);
                defs.add(d);
            }
        }
        table.add("columnDefinitions", defs);
        JsonArray rows = new JsonArray();
        for (JsonObject o : objects) {
            JsonObject row = new JsonObject();
            JsonArray cells = new JsonArray();
            cells(type, o).forEach(c -> {
                if (c instanceof Number n) {
                    cells.add(n);
                } else {
                    cells.add(String.valueOf(c));
                }
            });
            row.add("cells", cells);
            JsonObject partial = new JsonObject();
            partial.addProperty("kind", "PartialObjectMetadata");
            partial.addProperty("apiVersion", "meta.k8s.io/v1");
            partial.add("metadata", ObjectStore.metadata(o).deepCopy());
            row.add("object", partial);
            rows.add(row);
        }
        table.add("rows", rows);
        return table;
    }

    private static List<Column> columns(ResourceType type) {
        List<Column> cols = new ArrayList<>();
        if (type == ResourceType.EVENTS) {
            cols.add(new Column("Last Seen", "string", "", 0, "Time of the last occurrence."));
            cols.add(new Column("Type", "string", "", 0, "Type of this event."));
            cols.add(new Column("Reason", "string", "", 0, "Why the event was emitted."));
            cols.add(new Column("Object", "string", "", 0, "The object this event is about."));
            cols.add(new Column("Subobject", "string", "", 1, "The field of the object this event is about."));
            cols.add(new Column("Source", "string", "", 1, "The component reporting this event."));
            cols.add(new Column("Message", "string", "", 0, "A human-readable description."));
            cols.add(new Column("First Seen", "string", "", 1, "Time of the first occurrence."));
            cols.add(new Column("Count", "string", "", 1, "How many times this event occurred."));
            cols.add(new Column("Name", "string", "name", 1, "Name of the event."));
            return cols;
        }
        cols.add(new Column("Name", "string", "name", 0, "Name must be unique within a namespace."));
        if (type == ResourceType.NODES) {
            cols.add(new Column("Status", "string", "", 0, "The status of the node"));
            cols.add(new Column("Roles", "string", "", 0, "The roles of the node"));
            cols.add(new Column("Age", "string", "", 0, "Time since the object was created."));
            cols.add(new Column("Version", "string", "", 0, "Kubelet Version reported by the node."));
            cols.add(new Column("Internal-IP", "string", "", 1, "List of internal IPs for the node."));
            cols.add(new Column("External-IP", "string", "", 1, "List of external IPs for the node."));
            cols.add(new Column("OS-Image", "string", "", 1, "OS Image reported by the node from /etc/os-release."));
            cols.add(new Column("Kernel-Version", "string", "", 1, "Kernel Version reported by the node."));
            cols.add(new Column("Container-Runtime", "string", "", 1, "Container Runtime Version reported by the"
                    + " node."));
        } else if (type == ResourceType.CONFIGMAPS) {
            cols.add(new Column("Data", "integer", "", 0, "Number of entries in data and binaryData."));
            cols.add(new Column("Age", "string", "", 0, "Time since the object was created."));
        } else if (type == ResourceType.SECRETS) {
            cols.add(new Column("Type", "string", "", 0, "The type of the secret."));
            cols.add(new Column("Data", "integer", "", 0, "Number of entries in data."));
            cols.add(new Column("Age", "string", "", 0, "Time since the object was created."));
        } else if (type == ResourceType.NAMESPACES) {
            cols.add(new Column("Status", "string", "", 0, "The status of the namespace"));
            cols.add(new Column("Age", "string", "", 0, "Time since the object was created."));
        } else if (type == ResourceType.LEASES) {
            cols.add(new Column("Holder", "string", "", 0, "The holder of the lease."));
            cols.add(new Column("Age", "string", "", 0, "Time since the object was created."));
        } else {
            cols.add(new Column("Age", "string", "", 0, "Time since the object was created."));
        }
        return cols;
    }

    private List<Object> cells(ResourceType type, JsonObject o) {
        JsonObject meta = ObjectStore.metadata(o);
        String name = ObjectStore.string(meta, "name");
        String age = age(ObjectStore.string(meta, "creationTimestamp"));
        if (type == ResourceType.NODES) {
            JsonObject status = object(o, "status");
            JsonObject info = object(status, "nodeInfo");
            return List.of(name, nodeStatus(o), roles(ObjectStore.labelsOf(o)), age,
                    ObjectStore.string(info, "kubeletVersion"), address(status, "InternalIP"),
                    address(status, "ExternalIP"), orUnknown(ObjectStore.string(info, "osImage")),
                    orUnknown(ObjectStore.string(info, "kernelVersion")),
                    orUnknown(ObjectStore.string(info, "containerRuntimeVersion")));
        }
        if (type == ResourceType.CONFIGMAPS) {
            return List.of(name, size(o, "data") + size(o, "binaryData"), age);
        }
        if (type == ResourceType.SECRETS) {
            return List.of(name, ObjectStore.string(o, "type"), size(o, "data"), age);
        }
        if (type == ResourceType.NAMESPACES) {
            return List.of(name, ObjectStore.string(object(o, "status"), "phase"), age);
        }
        if (type == ResourceType.LEASES) {
            String holder = ObjectStore.string(object(o, "spec"), "holderIdentity");
            return List.of(name, holder, age);
        }
        if (type == ResourceType.EVENTS) {
            return eventCells(o, age);
        }
        return List.of(name, age);
    }

    private List<Object> eventCells(JsonObject o, String age) {
        String last = ObjectStore.string(o, "lastTimestamp");
        if (last.isEmpty()) {
            last = ObjectStore.string(o, "eventTime");
        }
        JsonObject involved = object(o, "involvedObject");
        String target = ObjectStore.string(involved, "kind").toLowerCase(java.util.Locale.ROOT) + "/"
                + ObjectStore.string(involved, "name");
        JsonObject source = object(o, "source");
        String reporter = ObjectStore.string(source, "component");
        if (reporter.isEmpty()) {
            reporter = ObjectStore.string(o, "reportingComponent");
        }
        String host = ObjectStore.string(source, "host");
        String first = ObjectStore.string(o, "firstTimestamp");
        String count = ObjectStore.string(o, "count");
        return List.of(last.isEmpty() ? age : age(last), ObjectStore.string(o, "type"),
                ObjectStore.string(o, "reason"), target, ObjectStore.string(involved, "fieldPath"),
                host.isEmpty() ? reporter : reporter + ", " + host, ObjectStore.string(o, "message"),
                first.isEmpty() ? age : age(first), count.isEmpty() ? "1" : count,
                ObjectStore.string(ObjectStore.metadata(o), "name"));
    }

    static String nodeStatus(JsonObject node) {
        String status = "Unknown";
        JsonElement conditions = object(node, "status").get("conditions");
        if (conditions != null && conditions.isJsonArray()) {
            for (JsonElement c : conditions.getAsJsonArray()) {
                JsonObject co = c.getAsJsonObject();
                if ("Ready".equals(ObjectStore.string(co, "type"))) {
                    status = "True".equals(ObjectStore.string(co, "status")) ? "Ready" : "NotReady";
                }
            }
        }
        JsonElement unschedulable = object(node, "spec").get("unschedulable");
        if (unschedulable != null && unschedulable.isJsonPrimitive() && unschedulable.getAsBoolean()) {
            status += ",SchedulingDisabled";
        }
        return status;
    }

    /** As kubectl's printer: every node-role.kubernetes.io/<role> label, and kubernetes.io/role. */
    static String roles(Map<String, String> labels) {
        TreeSet<String> roles = new TreeSet<>();
        labels.forEach((k, v) -> {
            if (k.startsWith("node-role.kubernetes.io/")) {
                roles.add(k.substring("node-role.kubernetes.io/".length()));
            } else if (k.equals("kubernetes.io/role") && !v.isEmpty()) {
                roles.add(v);
            }
        });
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String address(JsonObject status, String type) {
        JsonElement addresses = status.get("addresses");
        List<String> found = new ArrayList<>();
        if (addresses != null && addresses.isJsonArray()) {
            for (JsonElement a : addresses.getAsJsonArray()) {
                if (type.equals(ObjectStore.string(a.getAsJsonObject(), "type"))) {
                    found.add(ObjectStore.string(a.getAsJsonObject(), "address"));
                }
            }
        }
        return found.isEmpty() ? "<none>" : String.join(",", found);
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "<unknown>" : s;
    }

    private static int size(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonObject() ? e.getAsJsonObject().size() : 0;
    }

    private static JsonObject object(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
    }

    private String age(String timestamp) {
        if (timestamp.isEmpty()) {
            return "<unknown>";
        }
        try {
            return humanDuration(Duration.between(Instant.parse(timestamp), Instant.now(clock)));
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
    }

    /** Kubernetes' {@code duration.HumanDuration}: 45s, 3m20s, 15m, 5h30m, 2d3h, 400d, 3y20d. */
    static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = hours / 24 % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
