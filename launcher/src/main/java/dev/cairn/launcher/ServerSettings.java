package dev.cairn.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated settings of {@code cairn server}, after CLI, environment, config file and defaults were merged.
 *
 * @param disableApiserver {@code --disable-apiserver}: a datastore-only server
 * @param secretsEncryption {@code --secrets-encryption}: Secrets are stored encrypted
 * @param nodeMonitorGracePeriod {@code --node-monitor-grace-period}: "" for the apiserver's default
 * @param fsyncDelay fault injection ({@code CAIRN_FAILPOINTS=fsyncDelay=50ms}), "" when off
 * @param conversionCrash fault injection ({@code CAIRN_FAILPOINTS=conversionCrash=copied}), "" when off
 * @param datastoreTls the TLS files for an external etcd ({@code --datastore-cafile/certfile/keyfile})
 * @param cluster how this server founds, joins or resets an embedded-etcd cluster
 * @param kubernetes the settings every server of a cluster must share
 * @param snapshots scheduled snapshots
 */
record ServerSettings(Path dataDir, Path configFile, String nodeName, String nodeIp, String bindAddress,
        List<String> tlsSans, int httpsPort, int clientPort, int peerPort, int metricsPort, String datastoreEndpoint,
        DatastoreTls datastoreTls,
        long quotaBackendBytes, String autoCompactionMode, String autoCompactionRetention, int maxRequestBytes,
        boolean debug, String fsyncDelay, String conversionCrash, boolean disableApiserver, boolean secretsEncryption,
        String nodeMonitorGracePeriod, ClusterSettings cluster, KubernetesSettings kubernetes,
        SnapshotSettings snapshots) {

    /** The PEM files for an external etcd's TLS; "" for each one not set. */
    record DatastoreTls(String caFile, String certFile, String keyFile) {
        static final DatastoreTls NONE = new DatastoreTls("", "", "");
    }

    ServerSettings {
        tlsSans = List.copyOf(tlsSans);
        java.util.Objects.requireNonNull(datastoreTls, "datastoreTls");
        java.util.Objects.requireNonNull(cluster, "cluster");
        java.util.Objects.requireNonNull(kubernetes, "kubernetes");
        java.util.Objects.requireNonNull(snapshots, "snapshots");
    }

    /** {@code <data-dir>/server}: where the bundles keep this server's state. */
    Path serverDir() {
        return dataDir.resolve("server");
    }

    /** This server's Raft peer URL, {@code https://<node-ip>:<peer-port>}, as other members reach it. */
    String peerUrl() {
        String host = nodeIp.contains(":") ? "[" + nodeIp + "]" : nodeIp;
        return "https://" + host + ":" + peerPort;
    }

    /** The same settings, once the launcher registered this server with the cluster it joins. */
    ServerSettings withRaftJoin() {
        return new ServerSettings(dataDir, configFile, nodeName, nodeIp, bindAddress, tlsSans, httpsPort, clientPort,
                peerPort, metricsPort, datastoreEndpoint, datastoreTls, quotaBackendBytes, autoCompactionMode,
                autoCompactionRetention, maxRequestBytes, debug, fsyncDelay, conversionCrash, disableApiserver,
                secretsEncryption, nodeMonitorGracePeriod, cluster.withRaftJoin(), kubernetes, snapshots);
    }

    /** Set by the launcher, not by a flag: this server was registered with the cluster and waits to be added. */
    static final String RAFT_JOIN_PROPERTY = "raft.join";

    /** The {@code cairn.server} configuration, with the property names and types every bundle reads. */
    Map<String, Object> toConfiguration() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(Flag.DATA_DIR.property(), dataDir.toString());
        properties.put(Flag.NODE_NAME.property(), nodeName);
        properties.put(Flag.NODE_IP.property(), nodeIp);
        properties.put(Flag.BIND_ADDRESS.property(), bindAddress);
        properties.put(Flag.TLS_SAN.property(), tlsSans.toArray(String[]::new));
        properties.put(Flag.ETCD_CLIENT_PORT.property(), clientPort);
        properties.put(Flag.ETCD_PEER_PORT.property(), peerPort);
        properties.put(Flag.HTTPS_LISTEN_PORT.property(), httpsPort);
        properties.put(Flag.METRICS_PORT.property(), metricsPort);
        properties.put(Flag.DEBUG.property(), debug);
        properties.put(Flag.DATASTORE_ENDPOINT.property(), datastoreEndpoint);
        properties.put(Flag.DATASTORE_CAFILE.property(), datastoreTls.caFile());
        properties.put(Flag.DATASTORE_CERTFILE.property(), datastoreTls.certFile());
        properties.put(Flag.DATASTORE_KEYFILE.property(), datastoreTls.keyFile());
        properties.put(Flag.QUOTA_BACKEND_BYTES.property(), quotaBackendBytes);
        properties.put(Flag.AUTO_COMPACTION_MODE.property(), autoCompactionMode);
        properties.put(Flag.AUTO_COMPACTION_RETENTION.property(), autoCompactionRetention);
        properties.put(Flag.MAX_REQUEST_BYTES.property(), maxRequestBytes);
        properties.put(Failpoints.FSYNC_DELAY_PROPERTY, fsyncDelay);
        if (!conversionCrash.isEmpty()) {
            properties.put(Failpoints.CONVERSION_CRASH_PROPERTY, conversionCrash);
        }
        if (disableApiserver) {
            // only when set: bundles read an absent property as false
            properties.put(Flag.DISABLE_APISERVER.property(), true);
        }
        if (secretsEncryption) {
            properties.put(Flag.SECRETS_ENCRYPTION.property(), true);
        }
        if (!nodeMonitorGracePeriod.isEmpty()) {
            properties.put(Flag.NODE_MONITOR_GRACE_PERIOD.property(), nodeMonitorGracePeriod);
        }
        putCluster(properties);
        putKubernetes(properties);
        snapshots.putInto(properties);
        return properties;
    }

    private void putCluster(Map<String, Object> properties) {
        properties.put(Flag.CLUSTER_INIT.property(), cluster.clusterInit());
        properties.put(Flag.SERVER.property(), cluster.serverUrl());
        properties.put(Flag.TOKEN.property(), cluster.token());
        properties.put(Flag.CLUSTER_RESET.property(), cluster.clusterReset());
        if (!cluster.restorePath().isEmpty()) {
            properties.put(Flag.CLUSTER_RESET_RESTORE_PATH.property(), cluster.restorePath());
        }
        properties.put(RAFT_JOIN_PROPERTY, cluster.raftJoin());
        if (cluster.electionTimeoutMs() > 0) {
            // only when set: the datastore keeps its own default otherwise
            properties.put(Flag.ETCD_ELECTION_TIMEOUT.property(), cluster.electionTimeoutMs());
        }
        if (cluster.heartbeatIntervalMs() > 0) {
            properties.put(Flag.ETCD_HEARTBEAT_INTERVAL.property(), cluster.heartbeatIntervalMs());
        }
    }

    private void putKubernetes(Map<String, Object> properties) {
        properties.put(Flag.CLUSTER_CIDR.property(), kubernetes.clusterCidr());
        properties.put(Flag.SERVICE_CIDR.property(), kubernetes.serviceCidr());
        properties.put(Flag.CLUSTER_DNS.property(), kubernetes.clusterDns());
        properties.put(Flag.CLUSTER_DOMAIN.property(), kubernetes.clusterDomain());
        properties.put(Flag.DISABLE.property(), kubernetes.disable().toArray(String[]::new));
        properties.put(Flag.DISABLE_HELM_CONTROLLER.property(), kubernetes.disableHelmController());
        properties.put(Flag.DISABLE_KUBE_PROXY.property(), kubernetes.disableKubeProxy());
        properties.put(Flag.DISABLE_NETWORK_POLICY.property(), kubernetes.disableNetworkPolicy());
    }
}
