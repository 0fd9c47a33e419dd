package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.TreeSet;

/**
 * The configuration every server of a cluster must share (K3s's {@code CriticalControlArgs}); a joining server
 * compares its own with this one from {@code /v1-cairn/config} and refuses to join on any difference.
 *
 * @param disable the components disabled with {@code --disable}, sorted, each once
 */
record CriticalConfig(String clusterCidr, String serviceCidr, String clusterDns, String clusterDomain,
        List<String> disable, boolean disableHelmController, boolean disableKubeProxy, boolean disableNetworkPolicy,
        boolean secretsEncryption) {

    CriticalConfig {
        disable = List.copyOf(disable);
    }

    /**
     * The {@code disable} property as compared: each value may be a comma list (as {@code --disable a,b}), blanks
     * are dropped, the names sorted and each kept once, so that the order of the flags does not matter.
     */
    static List<String> normalizeDisable(String[] values) {
        TreeSet<String> names = new TreeSet<>();
        for (String value : values == null ? new String[0] : values) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.strip());
                }
            }
        }
        return List.copyOf(names);
    }

    /** {@code {"critical":{...}}} with the flag names as keys. */
    JsonObject json() {
        JsonObject critical = new JsonObject();
        critical.addProperty("cluster-cidr", clusterCidr);
        critical.addProperty("service-cidr", serviceCidr);
        critical.addProperty("cluster-dns", clusterDns);
        critical.addProperty("cluster-domain", clusterDomain);
        JsonArray names = new JsonArray();
        disable.forEach(names::add);
        critical.add("disable", names);
        critical.addProperty("disable-helm-controller", disableHelmController);
        critical.addProperty("disable-kube-proxy", disableKubeProxy);
        critical.addProperty("disable-network-policy", disableNetworkPolicy);
        critical.addProperty("secrets-encryption", secretsEncryption);
        JsonObject body = new JsonObject();
        body.add("critical", critical);
        return body;
    }
}
