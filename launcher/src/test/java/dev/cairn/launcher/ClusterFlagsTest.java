package dev.cairn.launcher;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The cluster and Kubernetes flags: sources, validation, canonical forms and the properties they become. */
public class ClusterFlagsTest {

    private static final Path FILE = Path.of("/etc/cairn/test.yaml");
    private static final String TOKEN = "K10" + "0123456789abcdef".repeat(4) + "::server:p4ssw0rd";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final Map<Flag, List<String>> cli = new EnumMap<>(Flag.class);
    private final Map<String, String> env = new HashMap<>();
    private String yaml = "";

    @Test
    public void defaultsAreK3sValuesAndNoCluster() throws Exception {
        ServerSettings settings = resolve();
        Map<String, Object> properties = settings.toConfiguration();

        assertEquals(KubernetesSettings.DEFAULTS, settings.kubernetes());
        assertEquals(Boolean.FALSE, properties.get("cluster.init"));
        assertEquals("", properties.get("server.url"));
        assertEquals("", properties.get(".token"));
        assertEquals(Boolean.FALSE, properties.get("cluster.reset"));
        assertEquals(Boolean.FALSE, properties.get("raft.join"));
        assertFalse(properties.containsKey("raft.election.timeout.ms"));
        assertFalse(properties.containsKey("raft.heartbeat.interval.ms"));
        assertEquals("10.42.0.0/16", properties.get("cluster.cidr"));
        assertEquals("10.43.0.0/16", properties.get("service.cidr"));
        assertEquals("10.43.0.10", properties.get("cluster.dns"));
        assertEquals("cluster.local", properties.get("cluster.domain"));
        assertArrayEquals(new String[0], (String[]) properties.get("disable"));
        assertEquals(Boolean.FALSE, properties.get("disable.helm.controller"));
        assertEquals(Boolean.FALSE, properties.get("disable.kube.proxy"));
        assertEquals(Boolean.FALSE, properties.get("disable.network.policy"));
    }

    @Test
    public void everyFlagBecomesItsPropertyWithItsType() throws Exception {
        cli.put(Flag.CLUSTER_INIT, List.of("true"));
        cli.put(Flag.TOKEN, List.of(TOKEN));
        cli.put(Flag.ETCD_ELECTION_TIMEOUT, List.of("5000"));
        cli.put(Flag.ETCD_HEARTBEAT_INTERVAL, List.of("500"));
        cli.put(Flag.CLUSTER_CIDR, List.of("10.50.0.0/16"));
        cli.put(Flag.SERVICE_CIDR, List.of("10.60.0.0/16"));
        cli.put(Flag.CLUSTER_DNS, List.of("10.60.0.10"));
        cli.put(Flag.CLUSTER_DOMAIN, List.of("Example.Internal"));
        cli.put(Flag.DISABLE, List.of("traefik", "servicelb", "traefik"));
        cli.put(Flag.DISABLE_HELM_CONTROLLER, List.of("true"));
        cli.put(Flag.DISABLE_KUBE_PROXY, List.of("true"));
        cli.put(Flag.DISABLE_NETWORK_POLICY, List.of("true"));

        Map<String, Object> properties = resolve().toConfiguration();

        assertEquals(Boolean.TRUE, properties.get("cluster.init"));
        assertEquals(TOKEN, properties.get(".token"));
        assertEquals(5000, properties.get("raft.election.timeout.ms"));
        assertEquals(500, properties.get("raft.heartbeat.interval.ms"));
        assertEquals("10.50.0.0/16", properties.get("cluster.cidr"));
        assertEquals("10.60.0.0/16", properties.get("service.cidr"));
        assertEquals("10.60.0.10", properties.get("cluster.dns"));
        assertEquals("example.internal", properties.get("cluster.domain"));
        assertArrayEquals(new String[] {"servicelb", "traefik"}, (String[]) properties.get("disable"));
        assertEquals(Boolean.TRUE, properties.get("disable.helm.controller"));
        assertEquals(Boolean.TRUE, properties.get("disable.kube.proxy"));
        assertEquals(Boolean.TRUE, properties.get("disable.network.policy"));
    }

    @Test
    public void environmentAndFileSetTheClusterFlags() throws Exception {
        yaml = "server: https://10.0.0.1:6443\ndisable: [traefik, coredns]\ncluster-reset: false\n"
                + "etcd-heartbeat-interval: 100\n";
        env.put("CAIRN_TOKEN", "bare-password");
        env.put("CAIRN_DISABLE", "metrics-server,local-storage");

        ServerSettings settings = resolve();

        assertEquals("https://10.0.0.1:6443", settings.cluster().serverUrl());
        assertEquals("bare-password", settings.cluster().token());
        assertEquals(List.of("local-storage", "metrics-server"), settings.kubernetes().disable());
        assertEquals(100, settings.cluster().heartbeatIntervalMs());
    }

    @Test
    public void serverMustBeAnHttpsUrl() throws Exception {
        cli.put(Flag.SERVER, List.of("http://10.0.0.1:6443"));
        expectError("invalid value \"http://10.0.0.1:6443\" for --server: only https:// URLs are supported, invalid "
                + "scheme");

        cli.put(Flag.SERVER, List.of("10.0.0.1:6443"));
        expectError("invalid value \"10.0.0.1:6443\" for --server: only https:// URLs are supported, invalid scheme");

        cli.put(Flag.SERVER, List.of("https://10.0.0.1:6443/v1"));
        expectError("invalid value \"https://10.0.0.1:6443/v1\" for --server: must be the URL of a server's HTTPS "
                + "port, like https://10.0.0.1:6443");

        cli.put(Flag.SERVER, List.of("https://[fd00::1]:6443/"));
        assertEquals("https://[fd00::1]:6443", resolve().cluster().serverUrl());
    }

    @Test
    public void clusterResetRefusesAServerUrl() {
        cli.put(Flag.CLUSTER_RESET, List.of("true"));
        yaml = "server: https://10.0.0.1:6443\n";
        expectError("cannot perform cluster-reset while server URL is set - remove server from configuration before "
                + "resetting");
    }

    @Test
    public void restorePathNeedsClusterResetAndAnExistingFile() throws Exception {
        Path snapshot = temp.newFile("on-demand-s1-1765000000").toPath();
        cli.put(Flag.CLUSTER_RESET_RESTORE_PATH, List.of(snapshot.toString()));
        expectError("invalid flag use; --cluster-reset required with --cluster-reset-restore-path");

        cli.put(Flag.CLUSTER_RESET, List.of("true"));
        ServerSettings settings = resolve();
        assertEquals(snapshot.toString(), settings.cluster().restorePath());
        assertEquals(snapshot.toString(), settings.toConfiguration().get("cluster.reset.restore.path"));

        cli.put(Flag.CLUSTER_RESET_RESTORE_PATH, List.of(snapshot + ".missing"));
        expectError("etcd: snapshot path does not exist: " + snapshot + ".missing");
        cli.put(Flag.CLUSTER_RESET_RESTORE_PATH, List.of(temp.getRoot().toString()));
        expectError("etcd: snapshot path must be a file, not a directory: " + temp.getRoot());
    }

    @Test
    public void snapshotFlagsBecomeConfigurationOnlyWhenSet() throws Exception {
        assertFalse(resolve().toConfiguration().containsKey("etcd.snapshot.schedule.cron"));
        assertFalse(resolve().toConfiguration().containsKey("etcd.snapshot.retention"));
        yaml = "etcd-snapshot-schedule-cron: '@every 1h'\netcd-snapshot-compress: true\n";
        env.put("CAIRN_ETCD_SNAPSHOT_RETENTION", "0");
        cli.put(Flag.ETCD_SNAPSHOT_NAME, List.of("nightly"));
        cli.put(Flag.ETCD_DISABLE_SNAPSHOTS, List.of("true"));
        Map<String, Object> config = resolve().toConfiguration();
        assertEquals("@every 1h", config.get("etcd.snapshot.schedule.cron"));
        assertEquals(0, config.get("etcd.snapshot.retention"));
        assertEquals(true, config.get("etcd.snapshot.compress"));
        assertEquals("nightly", config.get("etcd.snapshot.name"));
        assertEquals(true, config.get("etcd.disable.snapshots"));
        env.put("CAIRN_ETCD_SNAPSHOT_RETENTION", "-1");
        expectError("invalid value \"-1\" for CAIRN_ETCD_SNAPSHOT_RETENTION (--etcd-snapshot-retention): must be a number of snapshots, 0 or more");
    }

    @Test
    public void tokenFileOverridesTokenAndIsTrimmed() throws Exception {
        Path file = temp.newFile("token").toPath();
        Files.writeString(file, "  " + TOKEN + "\n");
        cli.put(Flag.TOKEN, List.of("ignored-password"));
        env.put("CAIRN_TOKEN_FILE", file.toString());

        assertEquals(TOKEN, resolve().cluster().token());
    }

    @Test
    public void unreadableOrEmptyTokenFileIsAnError() throws Exception {
        Path missing = temp.getRoot().toPath().resolve("missing");
        cli.put(Flag.TOKEN_FILE, List.of(missing.toString()));
        expectError("cannot read token file " + missing + " (--token-file): the file does not exist");

        Path empty = temp.newFile("empty").toPath();
        Files.writeString(empty, " \n");
        cli.put(Flag.TOKEN_FILE, List.of(empty.toString()));
        expectError("cannot use token file " + empty + " (--token-file): the file is empty");
    }

    @Test
    public void malformedTokenIsAnErrorThatNeverQuotesIt() throws Exception {
        cli.put(Flag.TOKEN, List.of("K10abc::server:hunter2"));
        String message = expectError("invalid token from --token: invalid token CA hash length (expected "
                + "K10<ca-hash>::server:<password> or a bare password)");
        assertFalse(message.contains("hunter2"));

        Path file = temp.newFile("bad-token").toPath();
        Files.writeString(file, "K10::server:\n");
        cli.put(Flag.TOKEN_FILE, List.of(file.toString()));
        expectError("invalid token from token file " + file + " (--token-file): invalid token format (expected "
                + "K10<ca-hash>::server:<password> or a bare password)");
    }

    @Test
    public void settingsNeverPrintTheToken() throws Exception {
        cli.put(Flag.TOKEN, List.of(TOKEN));
        String text = resolve().toString();
        assertFalse(text, text.contains("p4ssw0rd"));
        assertTrue(text, text.contains("token=<set>"));
    }

    @Test
    public void cidrsAndAddressesAreCanonical() throws Exception {
        cli.put(Flag.CLUSTER_CIDR, List.of("10.42.7.1/16, FD00:42:0:0::/56"));
        cli.put(Flag.SERVICE_CIDR, List.of("fd00:0043:0000::1/112"));
        cli.put(Flag.CLUSTER_DNS, List.of("fd00:43:0:0:0:0:0:a"));

        KubernetesSettings kubernetes = resolve().kubernetes();

        assertEquals("10.42.0.0/16,fd00:42::/56", kubernetes.clusterCidr());
        assertEquals("fd00:43::/112", kubernetes.serviceCidr());
        assertEquals("fd00:43::a", kubernetes.clusterDns());
    }

    @Test
    public void badNetworkValuesAreRejected() {
        cli.put(Flag.CLUSTER_CIDR, List.of("10.42.0.0"));
        expectError("invalid value \"10.42.0.0\" for --cluster-cidr: must be a CIDR such as 10.42.0.0/16 "
                + "(comma-separated for dual-stack)");

        cli.put(Flag.CLUSTER_CIDR, List.of("10.42.0.0/33"));
        expectError("invalid value \"10.42.0.0/33\" for --cluster-cidr: must be a CIDR such as 10.42.0.0/16 "
                + "(comma-separated for dual-stack)");

        cli.remove(Flag.CLUSTER_CIDR);
        cli.put(Flag.CLUSTER_DNS, List.of("dns.local"));
        expectError("invalid value \"dns.local\" for --cluster-dns: must be an IP address such as 10.43.0.10 "
                + "(comma-separated for dual-stack)");

        cli.remove(Flag.CLUSTER_DNS);
        cli.put(Flag.CLUSTER_DOMAIN, List.of("bad_domain"));
        expectError("invalid value \"bad_domain\" for --cluster-domain: must be a DNS domain such as cluster.local");

        cli.remove(Flag.CLUSTER_DOMAIN);
        cli.put(Flag.DISABLE, List.of("Traefik!"));
        expectError("invalid value \"Traefik!\" for --disable: must be a component name such as traefik or "
                + "servicelb");
    }

    @Test
    public void raftTimingsAreCheckedLikeEtcd() {
        cli.put(Flag.ETCD_ELECTION_TIMEOUT, List.of("1s"));
        expectError("invalid value \"1s\" for --etcd-election-timeout: must be a number of milliseconds from 1 to "
                + "999999999");

        cli.put(Flag.ETCD_ELECTION_TIMEOUT, List.of("1000"));
        cli.put(Flag.ETCD_HEARTBEAT_INTERVAL, List.of("500"));
        expectError("--etcd-election-timeout (1000 ms) must be at least 5 times --etcd-heartbeat-interval (500 ms)");
    }

    private ServerSettings resolve() throws SettingsException {
        return new SettingsSources(cli, env, ConfigFile.parse(FILE, yaml)).resolve(FixedHost.WITH_IP);
    }

    private String expectError(String message) {
        try {
            resolve();
            fail("expected: " + message);
            return null;
        } catch (SettingsException e) {
            assertEquals(message, e.getMessage());
            return e.getMessage();
        }
    }
}
