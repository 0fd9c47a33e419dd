package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import java.util.List;

/** The namespaces every Kubernetes cluster has, created when missing. */
final class DefaultNamespaces {
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    /** The namespaces Kubernetes refuses to delete. */
    static final List<String> PROTECTED = List.of("default", "kube-system", "kube-public");

    private DefaultNamespaces() {
    }

    static void ensure(ObjectStore store) {
        for (String name : NAMES) {
            if (store.find(ResourceType.NAMESPACES, null, name) == null) {
                JsonObject ns = new JsonObject();
                JsonObject meta = new JsonObject();
                meta.addProperty("name", name);
                ns.add("metadata", meta);
                try {
                    store.create(ResourceType.NAMESPACES, null, ns);
                } catch (ApiException e) {
                    if (!e.reason().equals("AlreadyExists")) {
                        throw e;
                    }
                    // another server created it first
                }
            }
        }
    }
}
