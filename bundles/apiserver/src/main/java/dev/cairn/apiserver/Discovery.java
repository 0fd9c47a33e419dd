package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/** {@code /version} and legacy discovery ({@code /api}, {@code /apis}, the group-version resource lists). */
final class Discovery {
    static final String GIT_VERSION = "v1.32.0+cairn";
    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    private final String serverAddress;

    /** @param serverAddress {@code host:port} clients reach this server at */
    Discovery(String serverAddress) {
        this.serverAddress = serverAddress;
    }

    static JsonObject version() {
        JsonObject v = new JsonObject();
        v.addProperty("major", "1");
        v.addProperty("minor", "32");
        v.addProperty("gitVersion", GIT_VERSION);
        v.addProperty("gitCommit", "0000000000000000000000000000000000000000");
        v.addProperty("gitTreeState", "clean");
        v.addProperty("buildDate", "2026-01-01T00:00:00Z");
        v.addProperty("goVersion", "java" + Runtime.version().feature());
        v.addProperty("compiler", "cairn");
        v.addProperty("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
                + NodeInfo.goArch());
        return v;
    }

    JsonObject apiVersions() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "APIVersions");
        JsonArray versions = new JsonArray();
        versions.add("v1");
        o.add("versions", versions);
        JsonArray cidrs = new JsonArray();
        JsonObject cidr = new JsonObject();
        cidr.addProperty("clientCIDR", "0.0.0.0/0");
        cidr.addProperty("serverAddress", serverAddress);
        cidrs.add(cidr);
        o.add("serverAddressByClientCIDRs", cidrs);
        return o;
    }

    static JsonObject apiGroupList() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "APIGroupList");
        o.addProperty("apiVersion", "v1");
        JsonArray groups = new JsonArray();
        groups.add(group("coordination.k8s.io", "v1"));
        o.add("groups", groups);
        return o;
    }

    static JsonObject group(String name, String version) {
        JsonObject g = new JsonObject();
        g.addProperty("kind", "APIGroup");
        g.addProperty("apiVersion", "v1");
        g.addProperty("name", name);
        JsonObject gv = new JsonObject();
        gv.addProperty("groupVersion", name + "/" + version);
        gv.addProperty("version", version);
        JsonArray versions = new JsonArray();
        versions.add(gv);
        g.add("versions", versions);
        g.add("preferredVersion", gv.deepCopy());
        return g;
    }

    /** The APIResourceList of a group version, or null when it is not served. */
    static JsonObject resourceList(String group, String version) {
        List<ResourceType> types = ResourceType.inGroup(group, version);
        if (types.isEmpty()) {
            return null;
        }
        JsonObject o = new JsonObject();
        o.addProperty("kind", "APIResourceList");
        o.addProperty("apiVersion", "v1");
        o.addProperty("groupVersion", types.get(0).apiVersion());
        JsonArray resources = new JsonArray();
        for (ResourceType t : types) {
            resources.add(resource(t, t.resource(), t == ResourceType.NAMESPACES
                    ? VERBS.stream().filter(v -> !v.equals("deletecollection")).toList() : VERBS));
            if (t == ResourceType.NODES || t == ResourceType.NAMESPACES) {
                resources.add(resource(t, t.resource() + "/status", List.of("get", "patch", "update")));
            }
        }
        o.add("resources", resources);
        return o;
    }

    private static JsonObject resource(ResourceType t, String name, List<String> verbs) {
        JsonObject r = new JsonObject();
        r.addProperty("name", name);
        r.addProperty("singularName", name.contains("/") ? "" : t.singular());
        r.addProperty("namespaced", t.namespaced());
        r.addProperty("kind", t.kind());
        JsonArray v = new JsonArray();
        verbs.forEach(v::add);
        r.add("verbs", v);
        if (!name.contains("/") && !t.shortNames().isEmpty()) {
            JsonArray s = new JsonArray();
            t.shortNames().forEach(s::add);
            r.add("shortNames", s);
        }
        r.addProperty("storageVersionHash", Integer.toHexString(t.qualifiedName().hashCode()));
        return r;
    }
}
