package dev.cairn.launcher;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting of {@code cairn server}: its flag, the {@code CAIRN_*} variable and the YAML key that may also set
 * it, the {@code cairn.server} configuration property it becomes, and its help text. One table, so the four ways
 * of naming a setting cannot drift apart.
 */
enum Flag {
    DATA_DIR("data-dir", "-d", "<dir>", Section.SERVER, "data.dir",
            "Directory holding all of this server's state: datastore, TLS files, bundle cache.", "/var/lib/cairn"),
    CONFIG("config", "-c", "<file>", Section.SERVER, null,
            "YAML file of settings; keys are flag names without dashes (data-dir: /x, tls-san: [a, b]).",
            "/etc/cairn/config.yaml"),
    NODE_NAME("node-name", null, "<name>", Section.SERVER, "node.name",
            "Name of this server in the cluster.", "the host name"),
    BIND_ADDRESS("bind-address", null, "<ip>", Section.NETWORK, "bind.address",
            "Address every listener binds.", "all addresses"),
    NODE_IP("node-ip", null, "<ip>", Section.NETWORK, "node.ip",
            "Address advertised to clients and other servers.",
            "the bind address if specific, else the first non-loopback IPv4 address, else 127.0.0.1"),
    TLS_SAN("tls-san", null, "<name|ip>", Section.NETWORK, "tls.san",
            "Extra host name or IP address for the serving certificates; repeat or separate with commas.", "none"),
    HTTPS_LISTEN_PORT("https-listen-port", null, "<port>", Section.NETWORK, "https.port",
            "Port of the HTTPS Kubernetes-style API (kubectl; the admin kubeconfig is <data-dir>/cairn.yaml).", "6443"),
    ETCD_CLIENT_PORT("etcd-client-port", null, "<port>", Section.NETWORK, "client.port",
            "Port of the etcd v3 gRPC API.", "2379"),
    ETCD_PEER_PORT("etcd-peer-port", null, "<port>", Section.NETWORK, "peer.port",
            "Port of Raft traffic between servers.", "2380"),
    METRICS_PORT("metrics-port", null, "<port>", Section.NETWORK, "metrics.port",
            "Port of plain-HTTP /metrics, /health, /readyz, /livez and /version.", "2381"),
    DATASTORE_ENDPOINT("datastore-endpoint", null, "<url>", Section.DATASTORE, "datastore.endpoint",
            "Datastore to use: https://<host>:2379 (or http://) for an external etcd, several separated by commas; "
                    + "postgres://<user>:<password>@<host>:5432/<database> for PostgreSQL; sqlite:<path>; or "
                    + "<type>:<location> for an installed backend bundle of that type.",
            "SQLite in the data dir"),
    DATASTORE_CAFILE("datastore-cafile", null, "<file>", Section.DATASTORE, "datastore.cafile",
            "PEM CA certificate(s) that verify the external etcd's server certificate.", "the JVM's trusted CAs"),
    DATASTORE_CERTFILE("datastore-certfile", null, "<file>", Section.DATASTORE, "datastore.certfile",
            "PEM client certificate presented to the external etcd (with --datastore-keyfile).", "none"),
    DATASTORE_KEYFILE("datastore-keyfile", null, "<file>", Section.DATASTORE, "datastore.keyfile",
            "PEM PKCS#8 private key (BEGIN PRIVATE KEY) of --datastore-certfile.", "none"),
    QUOTA_BACKEND_BYTES("quota-backend-bytes", null, "<bytes>", Section.DATASTORE, "quota.backend.bytes",
            "Space quota of the datastore; 0 means 2 GiB.", "0"),
    AUTO_COMPACTION_MODE("auto-compaction-mode", null, "<mode>", Section.DATASTORE, "auto.compaction.mode",
            "How history is compacted: periodic (by age) or revision (by count).", "periodic"),
    AUTO_COMPACTION_RETENTION("auto-compaction-retention", null, "<value>", Section.DATASTORE,
            "auto.compaction.retention",
            "History to keep: a duration like 30m or 1h (periodic), a revision count (revision); 0 disables.",
            "1h periodic, 1000 revision"),
    MAX_REQUEST_BYTES("max-request-bytes", null, "<bytes>", Section.DATASTORE, "max.request.bytes",
            "Largest request the etcd API accepts.", "1572864"),
    DEBUG("debug", null, "<true|false>", Section.LOGGING, "debug",
            "Log at DEBUG level.", "false"),
    DISABLE_APISERVER("disable-apiserver", null, "<true|false>", Section.SERVER, "disable.apiserver",
            "Run a datastore-only server: no Kubernetes-style API on the HTTPS port, no Node registration.", "false"),
    SECRETS_ENCRYPTION("secrets-encryption", null, "<true|false>", Section.SERVER, "secrets.encryption",
            "Store Secret data encrypted (AES-CBC, key in <data-dir>/server/cred/encryption-config.json); must be "
                    + "the same on every server.", "false"),
    NODE_MONITOR_GRACE_PERIOD("node-monitor-grace-period", null, "<duration>", Section.SERVER,
            "node.monitor.grace.period",
            "How long a node (server or agent) may go without renewing its Lease before it is NotReady, a duration"
                    + " like 500ms, 40s, 5m or 1h.", "40s"),
    CLUSTER_INIT("cluster-init", null, "<true|false>", Section.CLUSTER, "cluster.init",
            "Found a new cluster with the embedded etcd (Raft) datastore; other servers join it with --server.",
            "false"),
    SERVER("server", null, "<url>", Section.CLUSTER, "server.url",
            "Join the cluster of the server at this https:// URL (its HTTPS port); needs --token. Ignored once "
                    + "this server holds an etcd database.", "none"),
    TOKEN("token", null, "<token>", Section.CLUSTER, ".token",
            "Shared secret of the cluster's servers: the full token from <data-dir>/server/token of a server "
                    + "(K10<ca-hash>::server:<password>, pins the cluster CA) or a bare password.",
            "a random password on the first server"),
    TOKEN_FILE("token-file", null, "<file>", Section.CLUSTER, null,
            "File holding the token; overrides --token.", "none"),
    CLUSTER_RESET("cluster-reset", null, "<true|false>", Section.CLUSTER, "cluster.reset",
            "After losing quorum: make this server the only member of a new cluster with all its data, print "
                    + "the next steps and exit.", "false"),
    CLUSTER_RESET_RESTORE_PATH("cluster-reset-restore-path", null, "<file>", Section.CLUSTER,
            "cluster.reset.restore.path",
            "With --cluster-reset: restore this snapshot (cairn etcd-snapshot save, or etcdctl snapshot save against "
                    + "Cairn) as a new one-member cluster holding exactly its data, print the next steps and exit.",
            "none"),
    ETCD_ELECTION_TIMEOUT("etcd-election-timeout", null, "<ms>", Section.CLUSTER, "raft.election.timeout.ms",
            "Raft election timeout in milliseconds (a follower waits 1-2 times this for a leader); at least 5 "
                    + "times the heartbeat interval.", "the datastore's default"),
    ETCD_HEARTBEAT_INTERVAL("etcd-heartbeat-interval", null, "<ms>", Section.CLUSTER, "raft.heartbeat.interval.ms",
            "Raft leader heartbeat interval in milliseconds.", "the datastore's default"),
    ETCD_SNAPSHOT_SCHEDULE_CRON("etcd-snapshot-schedule-cron", null, "<spec>", Section.SNAPSHOTS,
            "etcd.snapshot.schedule.cron",
            "When to take scheduled snapshots of the embedded etcd: 5 cron fields (minute hour day month weekday, "
                    + "server time zone) or @hourly, @daily, @every <duration>.", "0 */12 * * *"),
    ETCD_SNAPSHOT_RETENTION("etcd-snapshot-retention", null, "<count>", Section.SNAPSHOTS,
            "etcd.snapshot.retention", "Scheduled snapshots to keep; older ones are deleted (0 keeps all).", "5"),
    ETCD_SNAPSHOT_DIR("etcd-snapshot-dir", null, "<dir>", Section.SNAPSHOTS, "etcd.snapshot.dir",
            "Directory of the snapshot files; it must exist.", "<data-dir>/server/db/snapshots"),
    ETCD_SNAPSHOT_COMPRESS("etcd-snapshot-compress", null, "<true|false>", Section.SNAPSHOTS,
            "etcd.snapshot.compress", "Zip scheduled snapshots.", "false"),
    ETCD_SNAPSHOT_NAME("etcd-snapshot-name", null, "<name>", Section.SNAPSHOTS, "etcd.snapshot.name",
            "Base name of scheduled snapshots (files are <name>-<node>-<unix time>[.zip]).", "etcd-snapshot"),
    ETCD_DISABLE_SNAPSHOTS("etcd-disable-snapshots", null, "<true|false>", Section.SNAPSHOTS,
            "etcd.disable.snapshots", "Take no scheduled snapshots.", "false"),
    CLUSTER_CIDR("cluster-cidr", null, "<cidr>", Section.KUBERNETES, "cluster.cidr",
            "Pod network(s); comma-separated for dual-stack.", CriticalDefaults.CLUSTER_CIDR),
    SERVICE_CIDR("service-cidr", null, "<cidr>", Section.KUBERNETES, "service.cidr",
            "Service network(s); comma-separated for dual-stack.", CriticalDefaults.SERVICE_CIDR),
    CLUSTER_DNS("cluster-dns", null, "<ip>", Section.KUBERNETES, "cluster.dns",
            "Cluster DNS service address(es); comma-separated for dual-stack.", CriticalDefaults.CLUSTER_DNS),
    CLUSTER_DOMAIN("cluster-domain", null, "<domain>", Section.KUBERNETES, "cluster.domain",
            "Cluster DNS domain.", CriticalDefaults.CLUSTER_DOMAIN),
    DISABLE("disable", null, "<component>", Section.KUBERNETES, "disable",
            "Packaged component not to deploy (coredns, servicelb, traefik, local-storage, metrics-server, "
                    + "runtimes); repeat or separate with commas.", "none"),
    DISABLE_HELM_CONTROLLER("disable-helm-controller", null, "<true|false>", Section.KUBERNETES,
            "disable.helm.controller", "Do not run the Helm controller.", "false"),
    DISABLE_KUBE_PROXY("disable-kube-proxy", null, "<true|false>", Section.KUBERNETES, "disable.kube.proxy",
            "Do not run kube-proxy.", "false"),
    DISABLE_NETWORK_POLICY("disable-network-policy", null, "<true|false>", Section.KUBERNETES,
            "disable.network.policy", "Do not run the network policy controller.", "false");

    /** Defaults of the settings every server of a cluster must share (K3s's values). */
    static final class CriticalDefaults {
        static final String CLUSTER_CIDR = "10.42.0.0/16";
        static final String SERVICE_CIDR = "10.43.0.0/16";
        static final String CLUSTER_DNS = "10.43.0.10";
        static final String CLUSTER_DOMAIN = "cluster.local";

        private CriticalDefaults() {
        }
    }

    /** How the help groups the flags. */
    enum Section {
        SERVER("Server"), CLUSTER("Cluster"), SNAPSHOTS("Snapshots (embedded etcd)"), NETWORK("Network"),
        KUBERNETES("Kubernetes (must be the same on every server of a cluster)"), DATASTORE("Datastore"),
        LOGGING("Logging");

        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

    private static final String BOOLEAN_LABEL = "<true|false>";

    private final String name;
    private final String shortName;
    private final String paramLabel;
    private final Section section;
    private final String property;
    private final String description;
    private final String defaultText;

    Flag(String name, String shortName, String paramLabel, Section section, String property, String description,
            String defaultText) {
        this.name = name;
        this.shortName = shortName;
        this.paramLabel = paramLabel;
        this.section = section;
        this.property = property;
        this.description = description;
        this.defaultText = defaultText;
    }

    /** The flag name without dashes, also the YAML key: {@code data-dir}. */
    String key() {
        return name;
    }

    /** {@code --data-dir}. */
    String longName() {
        return "--" + name;
    }

    Optional<String> shortName() {
        return Optional.ofNullable(shortName);
    }

    /** {@code CAIRN_DATA_DIR}. */
    String envName() {
        return "CAIRN_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The {@code cairn.server} property, or null for flags that only steer the launcher. */
    String property() {
        return property;
    }

    String paramLabel() {
        return paramLabel;
    }

    Section section() {
        return section;
    }

    boolean isList() {
        return this == TLS_SAN || this == DISABLE;
    }

    boolean isBoolean() {
        return paramLabel.equals(BOOLEAN_LABEL);
    }

    String helpText() {
        return description + " (default: " + defaultText + ") [$" + envName() + "]";
    }

    static Optional<Flag> byKey(String key) {
        for (Flag flag : values()) {
            if (flag.name.equals(key)) {
                return Optional.of(flag);
            }
        }
        return Optional.empty();
    }
}
