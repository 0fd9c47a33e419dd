package dev.cairn.apiserver;

import java.util.List;

/**
 * One served resource: where it lives in the URL space and in the datastore.
 *
 * @param group      API group, "" for core
 * @param version    API version
 * @param resource   plural name used in URLs and under {@code /registry}
 * @param singular   singular name
 * @param kind       the object kind
 * @param namespaced true for namespaced resources
 * @param shortNames kubectl short names
 */
record ResourceType(String group, String version, String resource, String singular, String kind,
        boolean namespaced, List<String> shortNames) {

    static final ResourceType NODES = new ResourceType("", "v1", "nodes", "node", "Node", false, List.of("no"));
    static final ResourceType NAMESPACES = new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false,
            List.of("ns"));
    static final ResourceType CONFIGMAPS = new ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", true,
            List.of("cm"));
    static final ResourceType SECRETS = new ResourceType("", "v1", "secrets", "secret", "Secret", true, List.of());
    static final ResourceType EVENTS = new ResourceType("", "v1", "events", "event", "Event", true, List.of("ev"));
    static final ResourceType LEASES = new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease",
            true, List.of());

    static final List<ResourceType> ALL = List.of(NODES, NAMESPACES, CONFIGMAPS, SECRETS, EVENTS, LEASES);

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The name Kubernetes uses in messages: {@code configmaps}, {@code leases.coordination.k8s.io}. */
    String qualifiedName() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    /** The URL prefix of the group version: {@code /api/v1} or {@code /apis/<group>/<version>}. */
    String groupVersionPath() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    static ResourceType find(String group, String version, String resource) {
        for (ResourceType t : ALL) {
            if (t.group.equals(group) && t.version.equals(version) && t.resource.equals(resource)) {
                return t;
            }
        }
        return null;
    }

    static List<ResourceType> inGroup(String group, String version) {
        return ALL.stream().filter(t -> t.group.equals(group) && t.version.equals(version)).toList();
    }
}
