package dev.cairn.launcher;

import java.util.Optional;

/**
 * How this server takes part in an embedded-etcd (Raft) cluster.
 *
 * @param clusterInit       {@code --cluster-init}: found a new cluster
 * @param serverUrl         {@code --server}: the supervisor URL to join through, without a trailing slash; "" for none
 * @param token             {@code --token} or the content of {@code --token-file}; "" for none. A secret: never
 *                          printed, see {@link #toString()}
 * @param clusterReset      {@code --cluster-reset}
 * @param restorePath       {@code --cluster-reset-restore-path}: the absolute path of the snapshot a cluster reset
 *                          restores; "" for none
 * @param electionTimeoutMs {@code --etcd-election-timeout}; 0 for the datastore's default
 * @param heartbeatIntervalMs {@code --etcd-heartbeat-interval}; 0 for the datastore's default
 * @param raftJoin          set once the launcher registered this server with the cluster it joins
 */
record ClusterSettings(boolean clusterInit, String serverUrl, String token, boolean clusterReset,
        String restorePath, int electionTimeoutMs, int heartbeatIntervalMs, boolean raftJoin) {

    static final ClusterSettings NONE = new ClusterSettings(false, "", "", false, "", 0, 0, false);

    /** The URL to join through, if {@code --server} is set. */
    Optional<String> joinUrl() {
        return serverUrl.isEmpty() ? Optional.empty() : Optional.of(serverUrl);
    }

    ClusterSettings withRaftJoin() {
        return new ClusterSettings(clusterInit, serverUrl, token, clusterReset, restorePath, electionTimeoutMs,
                heartbeatIntervalMs, true);
    }

    /** Like the generated one, but the token is only said to be set: it is the cluster's password. */
    @Override
    public String toString() {
        return "ClusterSettings[clusterInit=" + clusterInit + ", serverUrl=" + serverUrl + ", token="
                + (token.isEmpty() ? "" : "<set>") + ", clusterReset=" + clusterReset + ", restorePath=" + restorePath + ", electionTimeoutMs="
                + electionTimeoutMs + ", heartbeatIntervalMs=" + heartbeatIntervalMs + ", raftJoin=" + raftJoin + "]";
    }
}
