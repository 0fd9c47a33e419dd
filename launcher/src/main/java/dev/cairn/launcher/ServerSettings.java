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
 * @param fsyncDelay fault injection ({@code CAIRN_FAILPOINTS=fsyncDelay=50ms}), "" when off
 */
record ServerSettings(Path dataDir, Path configFile, String nodeName, String nodeIp, String bindAddress,
        List<String> tlsSans, int httpsPort, int clientPort, int peerPort, int metricsPort, String datastoreEndpoint,
        long quotaBackendBytes, String autoCompactionMode, String autoCompactionRetention, int maxRequestBytes,
        boolean debug, String fsyncDelay, boolean disableApiserver, boolean secretsEncryption) {

    ServerSettings {
        tlsSans = List.copyOf(tlsSans);
    }

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
        properties.put(Flag.QUOTA_BACKEND_BYTES.property(), quotaBackendBytes);
        properties.put(Flag.AUTO_COMPACTION_MODE.property(), autoCompactionMode);
        properties.put(Flag.AUTO_COMPACTION_RETENTION.property(), autoCompactionRetention);
        properties.put(Flag.MAX_REQUEST_BYTES.property(), maxRequestBytes);
        properties.put(Failpoints.FSYNC_DELAY_PROPERTY, fsyncDelay);
        if (disableApiserver) {
            // only when set: bundles read an absent property as false
            properties.put(Flag.DISABLE_APISERVER.property(), true);
        }
        if (secretsEncryption) {
            properties.put(Flag.SECRETS_ENCRYPTION.property(), true);
        }
        return properties;
    }
}
