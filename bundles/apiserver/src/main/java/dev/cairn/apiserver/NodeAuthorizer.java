package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What a node (an agent's kubelet client certificate: CN {@code system:node:<name>}, O {@code system:nodes}) may
 * do, after Kubernetes' Node authorizer and NodeRestriction admission: read nodes, namespaces, leases and
 * configmaps and the discovery documents; create, update and patch only its own Node (and its status) and its own
 * Lease in {@code kube-node-lease}. Everything else, Secrets included, is 403 with Kubernetes' message.
 */
final class NodeAuthorizer {
    static final String NODE_PREFIX = "system:node:";
    static final String NODES_GROUP = "system:nodes";

    private static final Set<ResourceType> READABLE = Set.of(ResourceType.NODES, ResourceType.NAMESPACES,
            ResourceType.LEASES, ResourceType.CONFIGMAPS);
    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
    private static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch");

    private NodeAuthorizer() {
    }

    /**
     * Passes when node {@code node} may send {@code request}.
     *
     * @throws ApiException 403 Forbidden naming the user, the verb and the resource
     */
    static void authorize(ApiRequest request, String node) {
        ResourcePath path = ResourcePath.parse(request.path());
        if (path == null) {
            // discovery, OpenAPI and unknown paths: reading is harmless, and an unknown path answers 404 next
            if (!request.method().equals("GET")) {
                throw forbiddenPath(request, node);
            }
            return;
        }
        String verb = verb(request, path);
        if (READ_VERBS.contains(verb) && READABLE.contains(path.type())) {
            return;
        }
        String name = path.name() != null ? path.name() : verb.equals("create") ? bodyName(request) : null;
        if (WRITE_VERBS.contains(verb) && node.equals(name) && ownObject(path)) {
            return;
        }
        throw forbidden(path, verb, name, node);
    }

    /** Its Node (or the Node's status), or its Lease in kube-node-lease. */
    private static boolean ownObject(ResourcePath path) {
        if (path.type() == ResourceType.NODES) {
            return path.subresource() == null || path.subresource().equals("status");
        }
        return path.type() == ResourceType.LEASES && NodeHeartbeat.LEASE_NAMESPACE.equals(path.namespace())
                && path.subresource() == null;
    }

    /** The Kubernetes verb of a request. */
    static String verb(ApiRequest request, ResourcePath path) {
        boolean named = path.name() != null;
        return switch (request.method()) {
            case "GET", "HEAD" -> request.flag("watch") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> request.method().toLowerCase(Locale.ROOT);
        };
    }

    /** The name a create asks for, from its JSON or protobuf body; null when it has none. */
    private static String bodyName(ApiRequest request) {
        try {
            JsonObject object;
            if (request.contentType().startsWith("application/vnd.kubernetes.protobuf")) {
                object = ProtobufBody.decode(request.body());
            } else {
                JsonElement e = JsonParser.parseString(new String(request.body(), StandardCharsets.UTF_8));
                if (!e.isJsonObject()) {
                    return null;
                }
                object = e.getAsJsonObject();
            }
            String name = ObjectStore.string(ObjectStore.metadata(object), "name");
            return name.isEmpty() ? null : name;
        } catch (JsonParseException | ApiException | IllegalStateException e) {
            return null; // a body that cannot be read names no object of this node; the create is refused
        }
    }

    /**
     * Kubernetes' text: {@code nodes "x" is forbidden: User "system:node:y" cannot update resource "nodes" in API
     * group "" at the cluster scope}.
     */
    static ApiException forbidden(ResourcePath path, String verb, String name, String node) {
        ResourceType type = path.type();
        String resource = type.resource() + (path.subresource() == null ? "" : "/" + path.subresource());
        String subject = name == null ? type.qualifiedName() : type.qualifiedName() + " \"" + name + "\"";
        String scope = path.namespace() == null ? "at the cluster scope"
                : "in the namespace \"" + path.namespace() + "\"";
        JsonObject details = new JsonObject();
        if (name != null) {
            details.addProperty("name", name);
        }
        if (!type.group().isEmpty()) {
            details.addProperty("group", type.group());
        }
        details.addProperty("kind", type.resource());
        return new ApiException(403, "Forbidden", subject + " is forbidden: User \"" + NODE_PREFIX + node
                + "\" cannot " + verb + " resource \"" + resource + "\" in API group \"" + type.group() + "\" "
                + scope, details);
    }

    private static ApiException forbiddenPath(ApiRequest request, String node) {
        return new ApiException(403, "Forbidden", "forbidden: User \"" + NODE_PREFIX + node + "\" cannot "
                + request.method().toLowerCase(Locale.ROOT) + " path \"" + request.path() + "\"");
    }
}
