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
            "Datastore to use: sqlite:<path>, or <type>:<location> for an installed backend bundle of that type.", "SQLite in the data dir"),
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
            "Store Secret data encrypted (AES-CBC, key in <data-dir>/server/cred/encryption-config.json).", "false");

    /** How the help groups the flags. */
    enum Section {
        SERVER("Server"), NETWORK("Network"), DATASTORE("Datastore"), LOGGING("Logging");

        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

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
        return this == TLS_SAN;
    }

    boolean isBoolean() {
        return this == DEBUG || this == DISABLE_APISERVER || this == SECRETS_ENCRYPTION;
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
