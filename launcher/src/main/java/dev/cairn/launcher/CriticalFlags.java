package dev.cairn.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings every server of a cluster must share, keyed by flag name as in the supervisor's
 * {@code GET /v1-cairn/config} answer ({@code {"critical":{"cluster-cidr":...}}}). A joining server compares its
 * own with the cluster's field by field, like K3s's {@code compareConfig}, and names every difference at once.
 */
final class CriticalFlags {

    static final String MISMATCH = "critical configuration value mismatch between servers";

    /** The flags compared, in the order a mismatch lists them. */
    private static final List<Flag> FLAGS = List.of(Flag.CLUSTER_CIDR, Flag.SERVICE_CIDR, Flag.CLUSTER_DNS,
            Flag.CLUSTER_DOMAIN, Flag.DISABLE, Flag.DISABLE_HELM_CONTROLLER, Flag.DISABLE_KUBE_PROXY,
            Flag.DISABLE_NETWORK_POLICY, Flag.SECRETS_ENCRYPTION);

    /** Values: String, Boolean or a sorted List of String. */
    private final Map<Flag, Object> values;

    private CriticalFlags(Map<Flag, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** This server's values. */
    static CriticalFlags of(ServerSettings settings) {
        KubernetesSettings kubernetes = settings.kubernetes();
        Map<Flag, Object> values = new LinkedHashMap<>();
        values.put(Flag.CLUSTER_CIDR, kubernetes.clusterCidr());
        values.put(Flag.SERVICE_CIDR, kubernetes.serviceCidr());
        values.put(Flag.CLUSTER_DNS, kubernetes.clusterDns());
        values.put(Flag.CLUSTER_DOMAIN, kubernetes.clusterDomain());
        values.put(Flag.DISABLE, kubernetes.disable());
        values.put(Flag.DISABLE_HELM_CONTROLLER, kubernetes.disableHelmController());
        values.put(Flag.DISABLE_KUBE_PROXY, kubernetes.disableKubeProxy());
        values.put(Flag.DISABLE_NETWORK_POLICY, kubernetes.disableNetworkPolicy());
        values.put(Flag.SECRETS_ENCRYPTION, settings.secretsEncryption());
        return new CriticalFlags(values);
    }

    /**
     * The cluster's values from a {@code /v1-cairn/config} answer. A flag the answer lacks (a server of an older
     * version) is left out, and so not compared; K3s likewise takes the local value for fields a down-level
     * server does not send.
     */
    static CriticalFlags fromConfigAnswer(Object document) {
        Map<?, ?> critical = Json.object(Json.member(document, "critical"), "\"critical\"");
        Map<Flag, Object> values = new LinkedHashMap<>();
        for (Flag flag : FLAGS) {
            Object value = critical.get(flag.key());
            if (value == null) {
                continue;
            }
            String what = "\"critical\".\"" + flag.key() + "\"";
            if (flag.isBoolean()) {
                if (!(value instanceof Boolean)) {
                    throw new IllegalArgumentException(what + " must be true or false, got " + value);
                }
                values.put(flag, value);
            } else if (flag.isList()) {
                List<String> items = new ArrayList<>();
                for (Object item : Json.array(value, what)) {
                    items.add(Json.string(item, what + " item"));
                }
                Collections.sort(items);
                values.put(flag, List.copyOf(items));
            } else {
                values.put(flag, canonical(flag, Json.string(value, what)));
            }
        }
        return new CriticalFlags(values);
    }

    /**
     * Each flag whose value differs from the cluster's, as {@code --cluster-cidr (this server 10.50.0.0/16, cluster
     * 10.42.0.0/16)}; empty when they agree.
     */
    List<String> differencesFrom(CriticalFlags cluster) {
        List<String> differences = new ArrayList<>();
        for (Flag flag : FLAGS) {
            Object ours = values.get(flag);
            Object theirs = cluster.values.get(flag);
            if (ours != null && theirs != null && !ours.equals(theirs)) {
                differences.add(flag.longName() + " (this server " + ours + ", cluster " + theirs + ")");
            }
        }
        return differences;
    }

    /** The error for a non-empty {@link #differencesFrom} result. */
    static String mismatch(List<String> differences) {
        return MISMATCH + ": " + String.join(", ", differences);
    }

    /** CIDRs and addresses in the launcher's canonical form, so spelling differences are not mismatches. */
    private static String canonical(Flag flag, String value) {
        Function<String, Optional<String>> canonical = switch (flag) {
            case CLUSTER_CIDR, SERVICE_CIDR -> IpLiterals::canonicalCidr;
            case CLUSTER_DNS -> IpLiterals::canonicalIp;
            default -> Optional::of;
        };
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            Optional<String> form = canonical.apply(item.trim());
            if (form.isEmpty()) {
                return value; // not ours to judge; compared as sent
            }
            items.add(form.get());
        }
        return String.join(",", items);
    }
}
