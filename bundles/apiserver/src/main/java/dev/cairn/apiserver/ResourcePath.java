package dev.cairn.apiserver;

import java.util.List;

/**
 * A parsed resource URL: {@code /api/v1/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]} or the same under
 * {@code /apis/<group>/<version>}.
 *
 * @param type        the resource
 * @param namespace   the namespace of the URL, null for cluster-wide
 * @param name        the object name, null for a collection
 * @param subresource {@code status}, or null
 */
record ResourcePath(ResourceType type, String namespace, String name, String subresource) {

    /** The resource URL or null when the path is not one. */
    static ResourcePath parse(String path) {
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        String group;
        String version;
        List<String> rest;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            rest = parts.subList(2, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            rest = parts.subList(3, parts.size());
        } else {
            return null;
        }
        String namespace = null;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces") && !isNamespaceSubresource(rest.get(2))) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        ResourceType type = ResourceType.find(group, version, rest.get(0));
        if (type == null || rest.size() > 3 || namespace != null && !type.namespaced()) {
            return null;
        }
        return new ResourcePath(type, namespace, rest.size() > 1 ? rest.get(1) : null,
                rest.size() > 2 ? rest.get(2) : null);
    }

    private static boolean isNamespaceSubresource(String s) {
        return s.equals("status") || s.equals("finalize");
    }
}
