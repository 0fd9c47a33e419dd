package dev.cairn.launcher;

import dev.cairn.security.api.JoinToken;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Merges the places a setting can come from — command line, {@code CAIRN_*} environment, config file, default —
 * in that order of precedence, and validates the result. No I/O but reading {@code --token-file}; the host's name
 * and address are passed in, so every rule is testable.
 */
final class SettingsSources {

    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cairn");
    static final Path DEFAULT_CONFIG = Path.of("/etc/cairn/config.yaml");
    static final String DEFAULT_RETENTION_PERIODIC = "1h";
    static final String DEFAULT_RETENTION_REVISION = "1000";
    static final int DEFAULT_MAX_REQUEST_BYTES = 1_572_864;

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?");
    private static final Pattern DNS_NAME = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");
    /** etcd's rule: an election timeout shorter than five heartbeats makes elections fire on a healthy leader. */
    private static final int MIN_HEARTBEATS_PER_ELECTION = 5;
    static final String RESTORE_WITHOUT_RESET = "invalid flag use; --cluster-reset required with "
            + "--cluster-reset-restore-path";
    static final String CLUSTER_RESET_WITH_SERVER = "cannot perform cluster-reset while server URL is set - remove "
            + "server from configuration before resetting";

    /** Where to read the config file, and whether the user named it (then it must exist). */
    record ConfigLocation(Path path, boolean explicit) {
    }

    /** A raw value and where it came from, for error messages. */
    private record Setting(List<String> values, String origin) {
        String single() {
            return values.isEmpty() ? "" : values.get(values.size() - 1).trim();
        }
    }

    private final Map<Flag, List<String>> cli;
    private final Map<String, String> env;
    private final ConfigFile file;

    /**
     * @param cli  values given on the command line (lists already split on commas)
     * @param env  the process environment
     * @param file the config file's values (or {@link ConfigFile#none})
     */
    SettingsSources(Map<Flag, List<String>> cli, Map<String, String> env, ConfigFile file) {
        this.cli = Map.copyOf(cli);
        this.env = Map.copyOf(env);
        this.file = java.util.Objects.requireNonNull(file, "file");
    }

    /** --config, else CAIRN_CONFIG, else /etc/cairn/config.yaml (which may be missing). */
    static ConfigLocation configLocation(Map<Flag, List<String>> cli, Map<String, String> env)
            throws SettingsException {
        List<String> given = cli.get(Flag.CONFIG);
        if (given != null && !given.isEmpty()) {
            return new ConfigLocation(path(given.get(given.size() - 1), Flag.CONFIG.longName()), true);
        }
        String fromEnv = env.getOrDefault(Flag.CONFIG.envName(), "").trim();
        if (!fromEnv.isEmpty()) {
            return new ConfigLocation(path(fromEnv, Flag.CONFIG.envName()), true);
        }
        return new ConfigLocation(DEFAULT_CONFIG, false);
    }

    ServerSettings resolve(HostNetwork host) throws SettingsException {
        Optional<Setting> dataDirSetting = lookup(Flag.DATA_DIR);
        Path dataDir = dataDirSetting.isPresent() ? dataDir(dataDirSetting.get()) : DEFAULT_DATA_DIR;
        String nodeName = nodeName(host);
        String bindAddress = bindAddress();
        String nodeIp = nodeIp(bindAddress, host);
        List<String> sans = tlsSans();

        int httpsPort = port(Flag.HTTPS_LISTEN_PORT, 6443);
        int clientPort = port(Flag.ETCD_CLIENT_PORT, 2379);
        int peerPort = port(Flag.ETCD_PEER_PORT, 2380);
        int metricsPort = port(Flag.METRICS_PORT, 2381);
        requireDistinctPorts(Map.of(Flag.HTTPS_LISTEN_PORT, httpsPort, Flag.ETCD_CLIENT_PORT, clientPort,
                Flag.ETCD_PEER_PORT, peerPort, Flag.METRICS_PORT, metricsPort));

        String endpoint = lookup(Flag.DATASTORE_ENDPOINT).map(Setting::single).orElse("");
        ServerSettings.DatastoreTls datastoreTls = datastoreTls(endpoint);
        long quota = quotaBackendBytes();
        String mode = compactionMode();
        String retention = compactionRetention(mode);
        int maxRequestBytes = maxRequestBytes();
        boolean debug = bool(Flag.DEBUG);
        boolean disableApiserver = bool(Flag.DISABLE_APISERVER);
        boolean secretsEncryption = bool(Flag.SECRETS_ENCRYPTION);
        String gracePeriod = nodeMonitorGracePeriod();
        String fsyncDelay = Failpoints.fsyncDelay(env);
        String conversionCrash = Failpoints.conversionCrash(env);
        ClusterSettings cluster = cluster();
        KubernetesSettings kubernetes = kubernetes();
        SnapshotSettings snapshots = snapshots();

        return new ServerSettings(dataDir, file.path(), nodeName, nodeIp, bindAddress, sans, httpsPort, clientPort,
                peerPort, metricsPort, endpoint, datastoreTls, quota, mode, retention, maxRequestBytes, debug, fsyncDelay,
                conversionCrash, disableApiserver, secretsEncryption, gracePeriod, cluster, kubernetes, snapshots);
    }

    /**
     * The external etcd's TLS files as absolute paths: they only make sense with an https:// endpoint, a certificate
     * needs its key, and each must be readable now (a typo is reported here, not as a TLS failure later).
     */
    private ServerSettings.DatastoreTls datastoreTls(String endpoint) throws SettingsException {
        String[] files = new String[3];
        Flag[] flags = {Flag.DATASTORE_CAFILE, Flag.DATASTORE_CERTFILE, Flag.DATASTORE_KEYFILE};
        for (int i = 0; i < flags.length; i++) {
            Optional<Setting> setting = lookup(flags[i]);
            String value = setting.map(Setting::single).orElse("");
            if (value.isEmpty()) {
                files[i] = "";
                continue;
            }
            if (!endpoint.toLowerCase(Locale.ROOT).startsWith("https://")) {
                throw new SettingsException(setting.get().origin() + " needs "
                        + Flag.DATASTORE_ENDPOINT.longName() + " https://<etcd>:2379"
                        + (endpoint.isEmpty() ? "" : ", not \"" + endpoint + "\""));
            }
            Path path = path(value, setting.get().origin());
            if (!java.nio.file.Files.isReadable(path)) {
                throw invalid(setting.get(), value, "cannot read " + path);
            }
            files[i] = path.toString();
        }
        if (files[1].isEmpty() != files[2].isEmpty()) {
            throw new SettingsException(Flag.DATASTORE_CERTFILE.longName() + " and " + Flag.DATASTORE_KEYFILE.longName()
                    + " go together: only " + (files[1].isEmpty() ? Flag.DATASTORE_KEYFILE : Flag.DATASTORE_CERTFILE)
                    .longName() + " is set");
        }
        return new ServerSettings.DatastoreTls(files[0], files[1], files[2]);
    }

    /** A duration with one unit, as the apiserver reads it; "" keeps its default. */
    private String nodeMonitorGracePeriod() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.NODE_MONITOR_GRACE_PERIOD);
        if (setting.isEmpty() || setting.get().single().isEmpty()) {
            return "";
        }
        String value = setting.get().single().toLowerCase(Locale.ROOT);
        if (!value.matches("[1-9][0-9]*(ms|s|m|h)")) {
            throw invalid(setting.get(), setting.get().single(), "must be a duration like 500ms, 40s, 5m or 1h");
        }
        return value;
    }

    private ClusterSettings cluster() throws SettingsException {
        boolean clusterInit = bool(Flag.CLUSTER_INIT);
        String serverUrl = serverUrl();
        boolean clusterReset = bool(Flag.CLUSTER_RESET);
        if (clusterReset && !serverUrl.isEmpty()) {
            throw new SettingsException(CLUSTER_RESET_WITH_SERVER);
        }
        String restorePath = restorePath(clusterReset);
        int election = milliseconds(Flag.ETCD_ELECTION_TIMEOUT);
        int heartbeat = milliseconds(Flag.ETCD_HEARTBEAT_INTERVAL);
        if (election > 0 && heartbeat > 0 && election < (long) MIN_HEARTBEATS_PER_ELECTION * heartbeat) {
            throw new SettingsException(Flag.ETCD_ELECTION_TIMEOUT.longName() + " (" + election + " ms) must be at "
                    + "least " + MIN_HEARTBEATS_PER_ELECTION + " times " + Flag.ETCD_HEARTBEAT_INTERVAL.longName()
                    + " (" + heartbeat + " ms)");
        }
        return new ClusterSettings(clusterInit, serverUrl, token(), clusterReset, restorePath, election, heartbeat,
                false);
    }

    /** K3s's checks: the flag needs --cluster-reset, and the snapshot must be a file. */
    private String restorePath(boolean clusterReset) throws SettingsException {
        Optional<Setting> setting = lookup(Flag.CLUSTER_RESET_RESTORE_PATH);
        String value = setting.map(Setting::single).orElse("");
        if (value.isEmpty()) {
            return "";
        }
        if (!clusterReset) {
            throw new SettingsException(RESTORE_WITHOUT_RESET);
        }
        Path file = path(value, setting.get().origin()).toAbsolutePath();
        if (!Files.exists(file)) {
            throw new SettingsException("etcd: snapshot path does not exist: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new SettingsException("etcd: snapshot path must be a file, not a directory: " + file);
        }
        return file.toString();
    }

    private SnapshotSettings snapshots() throws SettingsException {
        int retention = -1;
        Optional<Setting> r = lookup(Flag.ETCD_SNAPSHOT_RETENTION);
        if (r.isPresent() && !r.get().single().isEmpty()) {
            try {
                retention = Integer.parseInt(r.get().single());
            } catch (NumberFormatException e) {
                retention = -1;
            }
            if (retention < 0) {
                throw invalid(r.get(), r.get().single(), "must be a number of snapshots, 0 or more");
            }
        }
        Optional<Setting> dirSetting = lookup(Flag.ETCD_SNAPSHOT_DIR);
        String dir = "";
        if (dirSetting.isPresent() && !dirSetting.get().single().isEmpty()) {
            dir = path(dirSetting.get().single(), dirSetting.get().origin()).toAbsolutePath().toString();
        }
        return new SnapshotSettings(lookup(Flag.ETCD_SNAPSHOT_SCHEDULE_CRON).map(Setting::single).orElse(""),
                retention, dir, bool(Flag.ETCD_SNAPSHOT_COMPRESS),
                lookup(Flag.ETCD_SNAPSHOT_NAME).map(Setting::single).orElse(""), bool(Flag.ETCD_DISABLE_SNAPSHOTS));
    }

    /** An https:// URL without a trailing slash, or "" when not set. */
    private String serverUrl() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.SERVER);
        String value = setting.map(Setting::single).orElse("");
        if (value.isEmpty()) {
            return "";
        }
        if (!value.regionMatches(true, 0, "https://", 0, "https://".length())) {
            throw invalid(setting.get(), value, "only https:// URLs are supported, invalid scheme");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            uri = null;
        }
        String path = uri == null ? null : uri.getRawPath();
        if (uri == null || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || !(path == null || path.isEmpty() || path.equals("/"))) {
            throw invalid(setting.get(), value, "must be the URL of a server's HTTPS port, like https://10.0.0.1:6443");
        }
        return "https://" + uri.getRawAuthority();
    }

    /**
     * The token: the trimmed content of {@code --token-file} if set (it overrides {@code --token}, as in K3s),
     * else {@code --token}; checked for its format. Errors never repeat the token, which is a password.
     */
    private String token() throws SettingsException {
        Optional<Setting> fileSetting = lookup(Flag.TOKEN_FILE);
        String tokenFile = fileSetting.map(Setting::single).orElse("");
        String token;
        String origin;
        if (!tokenFile.isEmpty()) {
            Path path = path(tokenFile, fileSetting.get().origin());
            origin = "token file " + path + " (" + fileSetting.get().origin() + ")";
            token = TokenFile.read(path, origin);
        } else {
            Optional<Setting> setting = lookup(Flag.TOKEN);
            if (setting.isEmpty() || setting.get().single().isEmpty()) {
                return "";
            }
            origin = setting.get().origin();
            token = setting.get().single();
        }
        try {
            JoinToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("invalid token from " + origin + ": " + e.getMessage()
                    + " (expected K10<ca-hash>::server:<password> or a bare password)");
        }
        return token;
    }

    /** A positive number of milliseconds, or 0 when not set. */
    private int milliseconds(Flag flag) throws SettingsException {
        Optional<Setting> setting = lookup(flag);
        if (setting.isEmpty()) {
            return 0;
        }
        String value = setting.get().single();
        if (DIGITS.matcher(value).matches() && value.length() <= 9 && Integer.parseInt(value) > 0) {
            return Integer.parseInt(value);
        }
        throw invalid(setting.get(), value, "must be a number of milliseconds from 1 to 999999999");
    }

    private KubernetesSettings kubernetes() throws SettingsException {
        KubernetesSettings defaults = KubernetesSettings.DEFAULTS;
        return new KubernetesSettings(
                literalList(Flag.CLUSTER_CIDR, defaults.clusterCidr(), IpLiterals::canonicalCidr,
                        "must be a CIDR such as 10.42.0.0/16 (comma-separated for dual-stack)"),
                literalList(Flag.SERVICE_CIDR, defaults.serviceCidr(), IpLiterals::canonicalCidr,
                        "must be a CIDR such as 10.43.0.0/16 (comma-separated for dual-stack)"),
                literalList(Flag.CLUSTER_DNS, defaults.clusterDns(), IpLiterals::canonicalIp,
                        "must be an IP address such as 10.43.0.10 (comma-separated for dual-stack)"),
                clusterDomain(defaults.clusterDomain()),
                disabledComponents(),
                bool(Flag.DISABLE_HELM_CONTROLLER),
                bool(Flag.DISABLE_KUBE_PROXY),
                bool(Flag.DISABLE_NETWORK_POLICY));
    }

    /**
     * A comma-separated list of IP literals or CIDRs, each in canonical form: a joining server compares the
     * text with the cluster's, so {@code 10.42.1.0/16} and {@code 10.42.0.0/16} must come out the same.
     */
    private String literalList(Flag flag, String defaultValue,
            java.util.function.Function<String, Optional<String>> canonical, String rule) throws SettingsException {
        Optional<Setting> setting = lookup(flag);
        if (setting.isEmpty() || setting.get().single().isEmpty()) {
            return defaultValue;
        }
        List<String> items = new ArrayList<>();
        for (String raw : setting.get().single().split(",", -1)) {
            String item = raw.trim();
            Optional<String> value = canonical.apply(item);
            if (value.isEmpty()) {
                throw invalid(setting.get(), item, rule);
            }
            items.add(value.get());
        }
        return String.join(",", items);
    }

    private String clusterDomain(String defaultValue) throws SettingsException {
        Optional<Setting> setting = lookup(Flag.CLUSTER_DOMAIN);
        if (setting.isEmpty() || setting.get().single().isEmpty()) {
            return defaultValue;
        }
        String value = setting.get().single();
        if (!DOMAIN.matcher(value).matches() || value.contains("..")) {
            throw invalid(setting.get(), value, "must be a DNS domain such as cluster.local");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** Sorted and without duplicates: the cluster compares the list as a set. */
    private List<String> disabledComponents() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.DISABLE);
        java.util.SortedSet<String> components = new java.util.TreeSet<>();
        if (setting.isEmpty()) {
            return List.of();
        }
        for (String raw : setting.get().values()) {
            for (String part : raw.split(",")) {
                String component = part.trim();
                if (component.isEmpty()) {
                    continue;
                }
                if (!COMPONENT.matcher(component).matches()) {
                    throw invalid(setting.get(), component, "must be a component name such as traefik or servicelb");
                }
                components.add(component);
            }
        }
        return List.copyOf(components);
    }

    /** CLI, then environment, then file; empty if none sets it. */
    private Optional<Setting> lookup(Flag flag) {
        List<String> fromCli = cli.get(flag);
        if (fromCli != null && !fromCli.isEmpty()) {
            return Optional.of(new Setting(fromCli, flag.longName()));
        }
        String fromEnv = env.get(flag.envName());
        if (fromEnv != null && !fromEnv.isBlank()) {
            List<String> values = flag.isList() ? Arrays.asList(fromEnv.split(",")) : List.of(fromEnv);
            return Optional.of(new Setting(values, flag.envName() + " (" + flag.longName() + ")"));
        }
        List<String> fromFile = file.values().get(flag);
        if (fromFile != null) {
            return Optional.of(new Setting(fromFile, flag.key() + " in " + file.path()));
        }
        return Optional.empty();
    }

    private static Path dataDir(Setting setting) throws SettingsException {
        String value = setting.single();
        if (value.isEmpty()) {
            throw invalid(setting, value, "must not be empty");
        }
        return path(value, setting.origin());
    }

    private String nodeName(HostNetwork host) throws SettingsException {
        Optional<Setting> setting = lookup(Flag.NODE_NAME);
        if (setting.isEmpty()) {
            return host.hostName();
        }
        String value = setting.get().single();
        if (!NODE_NAME.matcher(value).matches()) {
            throw invalid(setting.get(), value,
                    "must be letters, digits, '.', '-' or '_', starting and ending with a letter or digit");
        }
        return value;
    }

    private String bindAddress() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.BIND_ADDRESS);
        if (setting.isEmpty()) {
            return "";
        }
        String value = setting.get().single();
        if (!value.isEmpty() && !IpLiterals.isIp(value)) {
            throw invalid(setting.get(), value, "must be an IP address such as 127.0.0.1 or ::1");
        }
        return value;
    }

    private String nodeIp(String bindAddress, HostNetwork host) throws SettingsException {
        Optional<Setting> setting = lookup(Flag.NODE_IP);
        if (setting.isPresent()) {
            String value = setting.get().single();
            if (!IpLiterals.isIp(value)) {
                throw invalid(setting.get(), value, "must be an IP address such as 192.168.1.10");
            }
            if (IpLiterals.isWildcard(value)) {
                throw invalid(setting.get(), value, "must be an address others can reach, not a wildcard");
            }
            return value;
        }
        if (!bindAddress.isEmpty() && !IpLiterals.isWildcard(bindAddress)) {
            return bindAddress;
        }
        return host.firstNonLoopbackIpv4().orElse("127.0.0.1");
    }

    private List<String> tlsSans() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.TLS_SAN);
        List<String> sans = new ArrayList<>();
        if (setting.isEmpty()) {
            return sans;
        }
        for (String raw : setting.get().values()) {
            String san = raw.trim();
            if (san.isEmpty()) {
                continue;
            }
            if (!IpLiterals.isIp(san) && !DNS_NAME.matcher(san).matches()) {
                throw invalid(setting.get(), san, "must be a host name (like cairn.example.com) or an IP address");
            }
            if (!sans.contains(san)) {
                sans.add(san);
            }
        }
        return sans;
    }

    private int port(Flag flag, int defaultPort) throws SettingsException {
        Optional<Setting> setting = lookup(flag);
        if (setting.isEmpty()) {
            return defaultPort;
        }
        String value = setting.get().single();
        Long port = DIGITS.matcher(value).matches() && value.length() <= 6 ? Long.valueOf(value) : null;
        if (port == null || port < 1 || port > 65535) {
            throw invalid(setting.get(), value, "must be a port number from 1 to 65535");
        }
        return port.intValue();
    }

    private static void requireDistinctPorts(Map<Flag, Integer> ports) throws SettingsException {
        Flag[] order = {Flag.HTTPS_LISTEN_PORT, Flag.ETCD_CLIENT_PORT, Flag.ETCD_PEER_PORT, Flag.METRICS_PORT};
        for (int i = 0; i < order.length; i++) {
            for (int j = i + 1; j < order.length; j++) {
                if (ports.get(order[i]).equals(ports.get(order[j]))) {
                    throw new SettingsException(order[i].longName() + " and " + order[j].longName()
                            + " are both " + ports.get(order[i]) + "; every listener needs its own port");
                }
            }
        }
    }

    private long quotaBackendBytes() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.QUOTA_BACKEND_BYTES);
        if (setting.isEmpty()) {
            return 0;
        }
        String value = setting.get().single();
        try {
            if (DIGITS.matcher(value).matches()) {
                return Long.parseLong(value);
            }
        } catch (NumberFormatException tooLarge) {
            // reported below
        }
        throw invalid(setting.get(), value, "must be a number of bytes (0 or more; 0 means 2 GiB)");
    }

    private String compactionMode() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.AUTO_COMPACTION_MODE);
        if (setting.isEmpty()) {
            return "periodic";
        }
        String value = setting.get().single().toLowerCase(Locale.ROOT);
        if (!value.equals("periodic") && !value.equals("revision")) {
            throw invalid(setting.get(), setting.get().single(), "must be periodic or revision");
        }
        return value;
    }

    /** A canonical duration for periodic mode (a bare number means hours, as in etcd), a count for revision. */
    private String compactionRetention(String mode) throws SettingsException {
        Optional<Setting> setting = lookup(Flag.AUTO_COMPACTION_RETENTION);
        boolean periodic = mode.equals("periodic");
        if (setting.isEmpty()) {
            return periodic ? DEFAULT_RETENTION_PERIODIC : DEFAULT_RETENTION_REVISION;
        }
        String value = setting.get().single();
        if (periodic) {
            Duration duration = DIGITS.matcher(value).matches() && value.length() < 10
                    ? Duration.ofHours(Long.parseLong(value))
                    : GoDuration.parse(value);
            if (duration == null) {
                throw invalid(setting.get(), value,
                        "must be a duration like 30m or 1h (or a number of hours) in periodic mode");
            }
            return GoDuration.format(duration);
        }
        if (!DIGITS.matcher(value).matches() || value.length() > 18) {
            throw invalid(setting.get(), value, "must be a number of revisions in revision mode");
        }
        return String.valueOf(Long.parseLong(value));
    }

    private int maxRequestBytes() throws SettingsException {
        Optional<Setting> setting = lookup(Flag.MAX_REQUEST_BYTES);
        if (setting.isEmpty()) {
            return DEFAULT_MAX_REQUEST_BYTES;
        }
        String value = setting.get().single();
        if (DIGITS.matcher(value).matches() && value.length() <= 10) {
            long bytes = Long.parseLong(value);
            if (bytes >= 1 && bytes <= Integer.MAX_VALUE) {
                return (int) bytes;
            }
        }
        throw invalid(setting.get(), value, "must be a number of bytes from 1 to " + Integer.MAX_VALUE);
    }

    private boolean bool(Flag flag) throws SettingsException {
        Optional<Setting> setting = lookup(flag);
        if (setting.isEmpty()) {
            return false;
        }
        String value = setting.get().single().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(setting.get(), setting.get().single(), "must be true or false");
        };
    }

    private static Path path(String value, String origin) throws SettingsException {
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new SettingsException("invalid value \"" + value + "\" for " + origin + ": not a valid path");
        }
    }

    private static SettingsException invalid(Setting setting, String value, String rule) {
        return new SettingsException("invalid value \"" + value + "\" for " + setting.origin() + ": " + rule);
    }
}
