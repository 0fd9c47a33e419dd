package dev.cairn.launcher;

import java.util.List;

/**
 * The Kubernetes-level settings every server of a cluster must share (K3s's critical arguments, minus
 * {@code --secrets-encryption}, which lives in {@link ServerSettings}); a joining server compares them with the
 * cluster's, see {@link CriticalFlags}.
 *
 * @param clusterCidr canonical CIDR list, comma-separated
 * @param serviceCidr canonical CIDR list, comma-separated
 * @param clusterDns  canonical IP list, comma-separated
 * @param disable     sorted, without duplicates
 */
record KubernetesSettings(String clusterCidr, String serviceCidr, String clusterDns, String clusterDomain,
        List<String> disable, boolean disableHelmController, boolean disableKubeProxy,
        boolean disableNetworkPolicy) {

    static final KubernetesSettings DEFAULTS = new KubernetesSettings(Flag.CriticalDefaults.CLUSTER_CIDR,
            Flag.CriticalDefaults.SERVICE_CIDR, Flag.CriticalDefaults.CLUSTER_DNS,
            Flag.CriticalDefaults.CLUSTER_DOMAIN, List.of(), false, false, false);

    KubernetesSettings {
        disable = List.copyOf(disable);
    }
}
