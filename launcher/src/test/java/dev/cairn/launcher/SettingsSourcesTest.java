package dev.cairn.launcher;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class SettingsSourcesTest {

    private static final Path FILE = Path.of("/etc/cairn/test.yaml");

    private final Map<Flag, List<String>> cli = new EnumMap<>(Flag.class);
    private final Map<String, String> env = new HashMap<>();
    private String yaml = "";

    @Test
    public void defaultsWhenNothingIsSet() throws Exception {
        ServerSettings settings = resolve(FixedHost.WITH_IP);

        assertEquals(Path.of("/var/lib/cairn"), settings.dataDir());
        assertEquals("host-a", settings.nodeName());
        assertEquals("", settings.bindAddress());
        assertEquals("192.168.50.2", settings.nodeIp());
        assertEquals(List.of(), settings.tlsSans());
        assertEquals(6443, settings.httpsPort());
        assertEquals(2379, settings.clientPort());
        assertEquals(2380, settings.peerPort());
        assertEquals(2381, settings.metricsPort());
        assertEquals("", settings.datastoreEndpoint());
        assertEquals(0L, settings.quotaBackendBytes());
        assertEquals("periodic", settings.autoCompactionMode());
        assertEquals("1h", settings.autoCompactionRetention());
        assertEquals(1_572_864, settings.maxRequestBytes());
        assertFalse(settings.debug());
        assertEquals("", settings.fsyncDelay());
    }

    @Test
    public void commandLineBeatsEnvironmentBeatsFile() throws Exception {
        yaml = "data-dir: /from/file\nnode-name: file-node\netcd-client-port: 3001\nmetrics-port: 3004\n"
                + "tls-san: [file.example, 10.0.0.1]\n";
        env.put("CAIRN_DATA_DIR", "/from/env");
        env.put("CAIRN_NODE_NAME", "env-node");
        env.put("CAIRN_TLS_SAN", "env.example,10.0.0.2");
        cli.put(Flag.DATA_DIR, List.of("/from/cli"));

        ServerSettings settings = resolve(FixedHost.WITH_IP);

        assertEquals(Path.of("/from/cli"), settings.dataDir());
        assertEquals("env-node", settings.nodeName());
        assertEquals(List.of("env.example", "10.0.0.2"), settings.tlsSans());
        assertEquals(3001, settings.clientPort());
        assertEquals(3004, settings.metricsPort());
        assertEquals(2380, settings.peerPort());
    }

    @Test
    public void listsAreReplacedNotMerged() throws Exception {
        yaml = "tls-san:\n  - file.example\n";
        env.put("CAIRN_TLS_SAN", "env.example");
        cli.put(Flag.TLS_SAN, List.of("cli-1.example", "cli-2.example", "cli-1.example"));

        assertEquals(List.of("cli-1.example", "cli-2.example"), resolve(FixedHost.WITH_IP).tlsSans());
    }

    @Test
    public void emptyEnvironmentVariableCountsAsUnset() throws Exception {
        yaml = "node-name: file-node\n";
        env.put("CAIRN_NODE_NAME", "");

        assertEquals("file-node", resolve(FixedHost.WITH_IP).nodeName());
    }

    @Test
    public void nodeIpDefaultsToASpecificBindAddress() throws Exception {
        cli.put(Flag.BIND_ADDRESS, List.of("127.0.0.7"));
        assertEquals("127.0.0.7", resolve(FixedHost.WITH_IP).nodeIp());

        cli.put(Flag.BIND_ADDRESS, List.of("0.0.0.0"));
        assertEquals("192.168.50.2", resolve(FixedHost.WITH_IP).nodeIp());
        assertEquals("127.0.0.1", resolve(FixedHost.LOOPBACK_ONLY).nodeIp());

        cli.put(Flag.NODE_IP, List.of("10.1.1.1"));
        assertEquals("10.1.1.1", resolve(FixedHost.WITH_IP).nodeIp());
    }

    @Test
    public void relativeDataDirIsMadeAbsolute() throws Exception {
        cli.put(Flag.DATA_DIR, List.of("state/../data"));

        Path dataDir = resolve(FixedHost.WITH_IP).dataDir();

        assertTrue(dataDir.isAbsolute());
        assertEquals(Path.of("data").toAbsolutePath(), dataDir);
    }

    @Test
    public void periodicRetentionIsACanonicalDuration() throws Exception {
        cli.put(Flag.AUTO_COMPACTION_RETENTION, List.of("1h30m"));
        assertEquals("90m", resolve(FixedHost.WITH_IP).autoCompactionRetention());

        cli.put(Flag.AUTO_COMPACTION_RETENTION, List.of("5")); // etcd: a bare number is hours
        assertEquals("5h", resolve(FixedHost.WITH_IP).autoCompactionRetention());

        cli.put(Flag.AUTO_COMPACTION_RETENTION, List.of("0"));
        assertEquals("0s", resolve(FixedHost.WITH_IP).autoCompactionRetention());
    }

    @Test
    public void revisionModeTakesACountAndDefaultsTo1000() throws Exception {
        env.put("CAIRN_AUTO_COMPACTION_MODE", "Revision");
        ServerSettings settings = resolve(FixedHost.WITH_IP);
        assertEquals("revision", settings.autoCompactionMode());
        assertEquals("1000", settings.autoCompactionRetention());

        yaml = "auto-compaction-retention: 250\n";
        assertEquals("250", resolve(FixedHost.WITH_IP).autoCompactionRetention());

        cli.put(Flag.AUTO_COMPACTION_RETENTION, List.of("1h"));
        expectError("invalid value \"1h\" for --auto-compaction-retention: must be a number of revisions in "
                + "revision mode");
    }

    @Test
    public void debugAcceptsTheUsualBooleans() throws Exception {
        env.put("CAIRN_DEBUG", "true");
        assertTrue(resolve(FixedHost.WITH_IP).debug());
        cli.put(Flag.DEBUG, List.of("false"));
        assertFalse(resolve(FixedHost.WITH_IP).debug());

        cli.put(Flag.DEBUG, List.of("maybe"));
        expectError("invalid value \"maybe\" for --debug: must be true or false");
    }

    @Test
    public void invalidPortNamesTheFlagAndTheValue() {
        cli.put(Flag.ETCD_CLIENT_PORT, List.of("70000"));
        expectError("invalid value \"70000\" for --etcd-client-port: must be a port number from 1 to 65535");

        cli.put(Flag.ETCD_CLIENT_PORT, List.of("0"));
        expectError("invalid value \"0\" for --etcd-client-port: must be a port number from 1 to 65535");

        cli.put(Flag.ETCD_CLIENT_PORT, List.of("http"));
        expectError("invalid value \"http\" for --etcd-client-port: must be a port number from 1 to 65535");
    }

    @Test
    public void invalidValueFromTheEnvironmentNamesTheVariableAndTheFlag() {
        env.put("CAIRN_NODE_IP", "10.0.0");
        expectError("invalid value \"10.0.0\" for CAIRN_NODE_IP (--node-ip): must be an IP address such as "
                + "192.168.1.10");
    }

    @Test
    public void invalidValueFromTheFileNamesTheKeyAndTheFile() {
        yaml = "https-listen-port: 99999\n";
        expectError("invalid value \"99999\" for https-listen-port in /etc/cairn/test.yaml: must be a port number "
                + "from 1 to 65535");
    }

    @Test
    public void addressesMustBeIpLiterals() {
        cli.put(Flag.BIND_ADDRESS, List.of("localhost"));
        expectError("invalid value \"localhost\" for --bind-address: must be an IP address such as 127.0.0.1 or ::1");

        cli.remove(Flag.BIND_ADDRESS);
        cli.put(Flag.NODE_IP, List.of("0.0.0.0"));
        expectError("invalid value \"0.0.0.0\" for --node-ip: must be an address others can reach, not a wildcard");
    }

    @Test
    public void ipv6AddressesAreAccepted() throws Exception {
        cli.put(Flag.BIND_ADDRESS, List.of("::1"));
        cli.put(Flag.TLS_SAN, List.of("fd00::5", "*.apps.example.com"));

        ServerSettings settings = resolve(FixedHost.WITH_IP);

        assertEquals("::1", settings.nodeIp());
        assertEquals(List.of("fd00::5", "*.apps.example.com"), settings.tlsSans());
    }

    @Test
    public void badTlsSanIsRejected() {
        cli.put(Flag.TLS_SAN, List.of("good.example", "bad name"));
        expectError("invalid value \"bad name\" for --tls-san: must be a host name (like cairn.example.com) or an "
                + "IP address");
    }

    @Test
    public void badDurationAndModeAreRejected() {
        cli.put(Flag.AUTO_COMPACTION_RETENTION, List.of("1 hour"));
        expectError("invalid value \"1 hour\" for --auto-compaction-retention: must be a duration like 30m or 1h "
                + "(or a number of hours) in periodic mode");

        cli.clear();
        cli.put(Flag.AUTO_COMPACTION_MODE, List.of("weekly"));
        expectError("invalid value \"weekly\" for --auto-compaction-mode: must be periodic or revision");
    }

    @Test
    public void sizesAreChecked() {
        cli.put(Flag.QUOTA_BACKEND_BYTES, List.of("-1"));
        expectError("invalid value \"-1\" for --quota-backend-bytes: must be a number of bytes (0 or more; 0 means "
                + "2 GiB)");

        cli.clear();
        cli.put(Flag.MAX_REQUEST_BYTES, List.of("0"));
        expectError("invalid value \"0\" for --max-request-bytes: must be a number of bytes from 1 to 2147483647");
    }

    @Test
    public void twoListenersOnOnePortAreRejected() {
        cli.put(Flag.METRICS_PORT, List.of("2379"));
        expectError("--etcd-client-port and --metrics-port are both 2379; every listener needs its own port");
    }

    @Test
    public void nodeNameMustBeAName() {
        cli.put(Flag.NODE_NAME, List.of("my node"));
        expectError("invalid value \"my node\" for --node-name: must be letters, digits, '.', '-' or '_', starting "
                + "and ending with a letter or digit");
    }

    @Test
    public void failpointComesOnlyFromItsEnvironmentVariable() throws Exception {
        env.put("CAIRN_FAILPOINTS", "fsyncDelay=50ms");
        assertEquals("50ms", resolve(FixedHost.WITH_IP).fsyncDelay());

        env.put("CAIRN_FAILPOINTS", "fsyncDelay=1.5s");
        assertEquals("1500ms", resolve(FixedHost.WITH_IP).fsyncDelay());

        env.put("CAIRN_FAILPOINTS", "fsyncDelay=soon");
        expectError("invalid CAIRN_FAILPOINTS \"fsyncDelay=soon\": fsyncDelay needs a duration like 50ms, got "
                + "\"soon\"");

        env.put("CAIRN_FAILPOINTS", "crashAfterCommit=1");
        expectError("invalid CAIRN_FAILPOINTS \"crashAfterCommit=1\": unknown failpoint \"crashAfterCommit\" "
                + "(known: fsyncDelay=<duration>, conversionCrash=<copied|staged|renamed|opened>)");
        env.put("CAIRN_FAILPOINTS", "conversionCrash=staged");
        assertEquals("staged", resolve(FixedHost.WITH_IP).conversionCrash());
        assertEquals("staged", resolve(FixedHost.WITH_IP).toConfiguration().get("failpoint.conversion.crash"));
        env.put("CAIRN_FAILPOINTS", "conversionCrash=later");
        expectError("invalid CAIRN_FAILPOINTS \"conversionCrash=later\": conversionCrash needs one of [copied, "
                + "staged, renamed, opened], got \"later\"");
    }

    @Test
    public void secretsEncryptionFromFileEnvironmentOrFlagBecomesItsProperty() throws Exception {
        assertFalse(resolve(FixedHost.WITH_IP).secretsEncryption());
        assertFalse(resolve(FixedHost.WITH_IP).toConfiguration().containsKey("secrets.encryption"));

        yaml = "secrets-encryption: true\n";
        assertTrue(resolve(FixedHost.WITH_IP).secretsEncryption());
        env.put("CAIRN_SECRETS_ENCRYPTION", "false");
        assertFalse(resolve(FixedHost.WITH_IP).secretsEncryption());
        cli.put(Flag.SECRETS_ENCRYPTION, List.of("true"));
        ServerSettings settings = resolve(FixedHost.WITH_IP);

        assertTrue(settings.secretsEncryption());
        assertEquals(Boolean.TRUE, settings.toConfiguration().get("secrets.encryption"));
        cli.put(Flag.SECRETS_ENCRYPTION, List.of("sometimes"));
        expectError("invalid value \"sometimes\" for --secrets-encryption: must be true or false");
    }

    @Test
    public void configurationHasEveryPropertyWithItsType() throws Exception {
        cli.put(Flag.TLS_SAN, List.of("a.example"));
        env.put("CAIRN_FAILPOINTS", "fsyncDelay=50ms");
        Map<String, Object> properties = resolve(FixedHost.WITH_IP).toConfiguration();

        assertEquals(List.of("data.dir", "node.name", "node.ip", "bind.address", "tls.san", "client.port",
                "peer.port", "https.port", "metrics.port", "debug", "datastore.endpoint", "datastore.cafile",
                "datastore.certfile", "datastore.keyfile", "quota.backend.bytes",
                "auto.compaction.mode", "auto.compaction.retention", "max.request.bytes", "failpoint.fsync.delay",
                "cluster.init", "server.url", ".token", "cluster.reset", "raft.join", "cluster.cidr", "service.cidr",
                "cluster.dns", "cluster.domain", "disable", "disable.helm.controller", "disable.kube.proxy",
                "disable.network.policy"), List.copyOf(properties.keySet()));
        assertEquals("/var/lib/cairn", properties.get("data.dir"));
        assertArrayEquals(new String[] {"a.example"}, (String[]) properties.get("tls.san"));
        assertEquals(2379, properties.get("client.port"));
        assertEquals(Boolean.FALSE, properties.get("debug"));
        assertEquals(0L, properties.get("quota.backend.bytes"));
        assertEquals(1_572_864, properties.get("max.request.bytes"));
        assertEquals("50ms", properties.get("failpoint.fsync.delay"));
    }

    @Test
    public void configLocationFromFlagThenEnvironmentThenDefault() throws Exception {
        assertEquals(new SettingsSources.ConfigLocation(Path.of("/etc/cairn/config.yaml"), false),
                SettingsSources.configLocation(cli, env));

        env.put("CAIRN_CONFIG", "/env/cairn.yaml");
        assertEquals(new SettingsSources.ConfigLocation(Path.of("/env/cairn.yaml"), true),
                SettingsSources.configLocation(cli, env));

        cli.put(Flag.CONFIG, List.of("/cli/cairn.yaml"));
        assertEquals(new SettingsSources.ConfigLocation(Path.of("/cli/cairn.yaml"), true),
                SettingsSources.configLocation(cli, env));
    }

    @Test
    public void externalEtcdTlsFilesComeFromFlagsEnvironmentOrFileAsAbsolutePaths() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("cairn-etcd-tls");
        try {
            for (String name : List.of("ca.crt", "client.crt", "client.key")) {
                java.nio.file.Files.writeString(dir.resolve(name), "pem");
            }
            cli.put(Flag.DATASTORE_ENDPOINT, List.of("https://127.0.0.90:2379,https://127.0.0.91:2379"));
            cli.put(Flag.DATASTORE_CAFILE, List.of(dir.resolve("ca.crt").toString()));
            env.put("CAIRN_DATASTORE_CERTFILE", dir.resolve("client.crt").toString());
            yaml = "datastore-keyfile: " + dir.resolve("client.key") + "\n";

            ServerSettings settings = resolve(FixedHost.WITH_IP);

            assertEquals(new ServerSettings.DatastoreTls(dir.resolve("ca.crt").toString(),
                    dir.resolve("client.crt").toString(), dir.resolve("client.key").toString()),
                    settings.datastoreTls());
            Map<String, Object> config = settings.toConfiguration();
            assertEquals(dir.resolve("ca.crt").toString(), config.get("datastore.cafile"));
            assertEquals(dir.resolve("client.key").toString(), config.get("datastore.keyfile"));
        } finally {
            for (String name : List.of("ca.crt", "client.crt", "client.key")) {
                java.nio.file.Files.deleteIfExists(dir.resolve(name));
            }
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    public void externalEtcdTlsFilesNeedAnHttpsEndpointAndEachOther() throws Exception {
        Path ca = java.nio.file.Files.createTempFile("cairn-ca", ".crt");
        try {
            cli.put(Flag.DATASTORE_CAFILE, List.of(ca.toString()));
            expectError("--datastore-cafile needs --datastore-endpoint https://<etcd>:2379");
            cli.put(Flag.DATASTORE_ENDPOINT, List.of("https://127.0.0.90:2379"));
            cli.put(Flag.DATASTORE_CERTFILE, List.of(ca.toString()));
            expectError("--datastore-certfile and --datastore-keyfile go together: only --datastore-certfile is set");
            cli.put(Flag.DATASTORE_KEYFILE, List.of("/no/such/key.pem"));
            expectError("invalid value \"/no/such/key.pem\" for --datastore-keyfile: cannot read /no/such/key.pem");
        } finally {
            java.nio.file.Files.delete(ca);
        }
    }

    private ServerSettings resolve(HostNetwork host) throws SettingsException {
        return new SettingsSources(cli, env, ConfigFile.parse(FILE, yaml)).resolve(host);
    }

    private void expectError(String message) {
        try {
            resolve(FixedHost.WITH_IP);
            fail("expected: " + message);
        } catch (SettingsException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
