package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI v3 documents kubectl reads: the {@code /openapi/v3} index and one document per group version, with
 * Kubernetes' schema names, {@code x-kubernetes-group-version-kind} on schemas and operations, the
 * {@code fieldValidation} parameter (kubectl validates on the server only when it is there) and the patch
 * strategies and merge keys kubectl's strategic merge patches are computed from.
 */
final class OpenApi {
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final String CORE = "io.k8s.api.core.v1.";
    private static final String COORDINATION = "io.k8s.api.coordination.v1.";

    private final Map<String, JsonObject> documents = new LinkedHashMap<>();
    private final JsonObject index = new JsonObject();

    OpenApi() {
        JsonObject paths = new JsonObject();
        for (String gv : List.of("api/v1", "apis/coordination.k8s.io/v1")) {
            JsonObject doc = groupVersionDocument(gv);
            documents.put(gv, doc);
            JsonObject entry = new JsonObject();
            entry.addProperty("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash(doc));
            paths.add(gv, entry);
        }
        index.add("paths", paths);
    }

    /**
     * {@code fieldValidation=Strict}: refuses a body with a field its type does not have, at the top level and in
     * metadata, with Kubernetes' message.
     */
    static void checkStrict(ResourceType t, JsonObject body) {
        JsonObject known = kindSchema(t).getAsJsonObject("properties");
        JsonObject knownMeta = objectMetaSchema().getAsJsonObject("properties");
        for (String field : body.keySet()) {
            if (!known.has(field)) {
                throw unknownField(t, field);
            }
        }
        com.google.gson.JsonElement meta = body.get("metadata");
        if (meta != null && meta.isJsonObject()) {
            for (String field : meta.getAsJsonObject().keySet()) {
                if (!knownMeta.has(field)) {
                    throw unknownField(t, "metadata." + field);
                }
            }
        }
    }

    private static ApiException unknownField(ResourceType t, String field) {
        return ApiException.badRequest(t.kind() + " in version \"" + t.version() + "\" cannot be handled as a "
                + t.kind() + ": strict decoding error: unknown field \"" + field + "\"");
    }

    /** The document at {@code /openapi/v3[/<group version>]}, or null. */
    JsonObject document(String path) {
        if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
            return index;
        }
        return documents.get(path.substring("/openapi/v3/".length()));
    }

    private static JsonObject groupVersionDocument(String gv) {
        boolean core = gv.equals("api/v1");
        JsonObject doc = new JsonObject();
        doc.addProperty("openapi", "3.0.0");
        JsonObject info = new JsonObject();
        info.addProperty("title", "Kubernetes");
        info.addProperty("version", Discovery.GIT_VERSION);
        doc.add("info", info);
        JsonObject paths = new JsonObject();
        JsonObject schemas = new JsonObject();
        addMetaSchemas(schemas);
        for (ResourceType t : ResourceType.ALL) {
            if (t.group().isEmpty() == core) {
                addPaths(paths, t);
                schemas.add(schemaName(t), kindSchema(t));
                schemas.add(schemaName(t) + "List", listSchema(t));
            }
        }
        if (core) {
            addCoreSubSchemas(schemas);
        }
        doc.add("paths", paths);
        JsonObject components = new JsonObject();
        components.add("schemas", schemas);
        doc.add("components", components);
        return doc;
    }

    static String schemaName(ResourceType t) {
        return (t.group().isEmpty() ? CORE : COORDINATION) + t.kind();
    }

    private static void addPaths(JsonObject paths, ResourceType t) {
        String base = t.groupVersionPath() + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.resource();
        JsonObject collection = new JsonObject();
        collection.add("get", operation(t, "list", "list", t.kind() + "List", false));
        collection.add("post", operation(t, "create", "post", t.kind(), true));
        collection.add("parameters", pathParameters(t, false));
        paths.add(base, collection);
        JsonObject item = new JsonObject();
        item.add("get", operation(t, "read", "get", t.kind(), false));
        item.add("put", operation(t, "replace", "put", t.kind(), true));
        item.add("patch", operation(t, "patch", "patch", t.kind(), true));
        item.add("delete", operation(t, "delete", "delete", "Status", false));
        item.add("parameters", pathParameters(t, true));
        paths.add(base + "/{name}", item);
        if (t.namespaced()) {
            JsonObject all = new JsonObject();
            all.add("get", operation(t, "listForAllNamespaces", "list", t.kind() + "List", false));
            paths.add(t.groupVersionPath() + "/" + t.resource(), all);
        }
    }

    private static JsonObject operation(ResourceType t, String verb, String action, String responseKind,
            boolean hasBody) {
        JsonObject op = new JsonObject();
        op.addProperty("operationId", verb + t.kind());
        op.addProperty("x-kubernetes-action", action);
        op.add("x-kubernetes-group-version-kind", gvk(t.group(), t.version(), t.kind()));
        JsonArray params = new JsonArray();
        if (hasBody) {
            params.add(queryParameter("dryRun"));
            params.add(queryParameter("fieldManager"));
            params.add(queryParameter("fieldValidation"));
            JsonObject body = new JsonObject();
            body.addProperty("required", true);
            JsonObject content = new JsonObject();
            List<String> types = action.equals("patch")
                    ? List.of("application/json-patch+json", "application/merge-patch+json",
                            "application/strategic-merge-patch+json")
                    : List.of("*/*");
            for (String type : types) {
                content.add(type, schemaRef(action.equals("patch") ? META + "Patch" : schemaName(t)));
            }
            body.add("content", content);
            op.add("requestBody", body);
        } else if (action.equals("list")) {
            for (String p : List.of("continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
                    "timeoutSeconds", "watch")) {
                params.add(queryParameter(p));
            }
        }
        op.add("parameters", params);
        JsonObject responses = new JsonObject();
        JsonObject ok = new JsonObject();
        ok.addProperty("description", "OK");
        JsonObject okContent = new JsonObject();
        String ref = responseKind.equals("Status") ? META + "Status"
                : (t.group().isEmpty() ? CORE : COORDINATION) + responseKind;
        okContent.add("application/json", schemaRef(ref));
        ok.add("content", okContent);
        responses.add("200", ok);
        op.add("responses", responses);
        return op;
    }

    private static JsonArray pathParameters(ResourceType t, boolean named) {
        JsonArray a = new JsonArray();
        if (named) {
            a.add(pathParameter("name"));
        }
        if (t.namespaced()) {
            a.add(pathParameter("namespace"));
        }
        return a;
    }

    private static JsonObject pathParameter(String name) {
        JsonObject p = new JsonObject();
        p.addProperty("name", name);
        p.addProperty("in", "path");
        p.addProperty("required", true);
        p.add("schema", type("string"));
        return p;
    }

    private static JsonObject queryParameter(String name) {
        JsonObject p = new JsonObject();
        p.addProperty("name", name);
        p.addProperty("in", "query");
        p.add("schema", type(name.equals("limit") || name.equals("timeoutSeconds") ? "integer"
                : name.equals("watch") ? "boolean" : "string"));
        p.addProperty("uniqueItems", true);
        return p;
    }

    private static JsonObject kindSchema(ResourceType t) {
        Map<String, JsonObject> props = new LinkedHashMap<>();
        props.put("apiVersion", type("string"));
        props.put("kind", type("string"));
        props.put("metadata", ref(META + "ObjectMeta"));
        switch (t.kind()) {
            case "ConfigMap" -> {
                props.put("data", map(type("string")));
                props.put("binaryData", map(format("string", "byte")));
                props.put("immutable", type("boolean"));
            }
            case "Secret" -> {
                props.put("data", map(format("string", "byte")));
                props.put("stringData", map(type("string")));
                props.put("type", type("string"));
                props.put("immutable", type("boolean"));
            }
            case "Namespace" -> {
                props.put("spec", object(Map.of("finalizers", array(type("string"), null, null))));
                props.put("status", object(Map.of("phase", type("string"))));
            }
            case "Node" -> {
                props.put("spec", ref(CORE + "NodeSpec"));
                props.put("status", ref(CORE + "NodeStatus"));
            }
            case "Event" -> {
                for (String s : List.of("action", "message", "reason", "reportingComponent", "reportingInstance",
                        "type")) {
                    props.put(s, type("string"));
                }
                props.put("count", format("integer", "int32"));
                props.put("firstTimestamp", format("string", "date-time"));
                props.put("lastTimestamp", format("string", "date-time"));
                props.put("eventTime", format("string", "date-time"));
                props.put("involvedObject", ref(CORE + "ObjectReference"));
                props.put("related", ref(CORE + "ObjectReference"));
                props.put("series", object(Map.of("count", format("integer", "int32"), "lastObservedTime",
                        format("string", "date-time"))));
                props.put("source", object(Map.of("component", type("string"), "host", type("string"))));
            }
            case "Lease" -> props.put("spec", object(Map.of("holderIdentity", type("string"),
                    "leaseDurationSeconds", format("integer", "int32"), "acquireTime", format("string",
                            "date-time"), "renewTime", format("string", "date-time"), "leaseTransitions",
                    format("integer", "int32"))));
            default -> {
                // no kind-specific fields
            }
        }
        JsonObject s = object(props);
        s.add("x-kubernetes-group-version-kind", gvkArray(t.group(), t.version(), t.kind()));
        return s;
    }

    private static JsonObject listSchema(ResourceType t) {
        JsonObject s = object(Map.of("apiVersion", type("string"), "kind", type("string"), "metadata",
                ref(META + "ListMeta"), "items", array(ref(schemaName(t)), null, null)));
        s.add("x-kubernetes-group-version-kind", gvkArray(t.group(), t.version(), t.kind() + "List"));
        return s;
    }

    private static void addMetaSchemas(JsonObject schemas) {
        schemas.add(META + "ObjectMeta", objectMetaSchema());
        schemas.add(META + "OwnerReference", object(Map.of("apiVersion", type("string"), "kind", type("string"),
                "name", type("string"), "uid", type("string"), "controller", type("boolean"),
                "blockOwnerDeletion", type("boolean"))));
        schemas.add(META + "ListMeta", object(Map.of("continue", type("string"), "resourceVersion",
                type("string"), "remainingItemCount", format("integer", "int64"))));
        schemas.add(META + "Patch", object(Map.of()));
        JsonObject status = object(Map.of("apiVersion", type("string"), "kind", type("string"), "code",
                format("integer", "int32"), "message", type("string"), "reason", type("string"), "status",
                type("string")));
        status.add("x-kubernetes-group-version-kind", gvkArray("", "v1", "Status"));
        schemas.add(META + "Status", status);
    }

    private static JsonObject objectMetaSchema() {
        Map<String, JsonObject> meta = new LinkedHashMap<>();
        for (String s : List.of("name", "namespace", "generateName", "uid", "resourceVersion", "selfLink")) {
            meta.put(s, type("string"));
        }
        meta.put("generation", format("integer", "int64"));
        meta.put("creationTimestamp", format("string", "date-time"));
        meta.put("deletionTimestamp", format("string", "date-time"));
        meta.put("deletionGracePeriodSeconds", format("integer", "int64"));
        meta.put("labels", map(type("string")));
        meta.put("annotations", map(type("string")));
        meta.put("finalizers", array(type("string"), "merge", null));
        meta.put("ownerReferences", array(ref(META + "OwnerReference"), "merge", "uid"));
        meta.put("managedFields", array(object(Map.of()), null, null));
        return object(meta);
    }

    private static void addCoreSubSchemas(JsonObject schemas) {
        schemas.add(CORE + "ObjectReference", object(Map.of("apiVersion", type("string"), "kind",
                type("string"), "name", type("string"), "namespace", type("string"), "uid", type("string"),
                "fieldPath", type("string"), "resourceVersion", type("string"))));
        JsonObject taint = object(Map.of("key", type("string"), "value", type("string"), "effect",
                type("string"), "timeAdded", format("string", "date-time")));
        schemas.add(CORE + "Taint", taint);
        schemas.add(CORE + "NodeSpec", object(Map.of("podCIDR", type("string"), "podCIDRs",
                array(type("string"), "merge", null), "providerID", type("string"), "unschedulable",
                type("boolean"), "taints", array(ref(CORE + "Taint"), null, null))));
        schemas.add(CORE + "NodeCondition", object(Map.of("type", type("string"), "status", type("string"),
                "reason", type("string"), "message", type("string"), "lastHeartbeatTime", format("string",
                        "date-time"), "lastTransitionTime", format("string", "date-time"))));
        schemas.add(CORE + "NodeAddress", object(Map.of("type", type("string"), "address", type("string"))));
        schemas.add(CORE + "NodeStatus", object(Map.of("conditions", array(ref(CORE + "NodeCondition"), "merge",
                "type"), "addresses", array(ref(CORE + "NodeAddress"), "merge", "type"), "nodeInfo",
                object(Map.of()), "capacity", map(type("string")), "allocatable", map(type("string")))));
    }

    private static JsonObject object(Map<String, JsonObject> properties) {
        JsonObject s = type("object");
        JsonObject props = new JsonObject();
        properties.forEach(props::add);
        s.add("properties", props);
        return s;
    }

    private static JsonObject map(JsonObject values) {
        JsonObject s = type("object");
        s.add("additionalProperties", values);
        return s;
    }

    private static JsonObject array(JsonObject items, String strategy, String mergeKey) {
        JsonObject s = type("array");
        s.add("items", items);
        if (strategy != null) {
            s.addProperty("x-kubernetes-patch-strategy", strategy);
        }
        if (mergeKey != null) {
            s.addProperty("x-kubernetes-patch-merge-key", mergeKey);
        }
        return s;
    }

    private static JsonObject type(String type) {
        JsonObject s = new JsonObject();
        s.addProperty("type", type);
        return s;
    }

    private static JsonObject format(String type, String format) {
        JsonObject s = type(type);
        s.addProperty("format", format);
        return s;
    }

    /** A reference the way Kubernetes writes it in v3 documents. */
    private static JsonObject ref(String name) {
        JsonObject r = new JsonObject();
        r.addProperty("$ref", "#/components/schemas/" + name);
        JsonObject wrapped = new JsonObject();
        JsonArray all = new JsonArray();
        all.add(r);
        wrapped.add("allOf", all);
        return wrapped;
    }

    private static JsonObject schemaRef(String name) {
        JsonObject r = new JsonObject();
        r.addProperty("$ref", "#/components/schemas/" + name);
        JsonObject s = new JsonObject();
        s.add("schema", r);
        return s;
    }

    private static JsonObject gvk(String group, String version, String kind) {
        JsonObject g = new JsonObject();
        g.addProperty("group", group);
        g.addProperty("version", version);
        g.addProperty("kind", kind);
        return g;
    }

    private static JsonArray gvkArray(String group, String version, String kind) {
        JsonArray a = new JsonArray();
        a.add(gvk(group, version, kind));
        return a;
    }

    private static String hash(JsonObject doc) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-512").digest(doc.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every Java runtime", e);
        }
    }
}
