package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ConfigFileTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void keysAreFlagNamesAndValuesBecomeStrings() throws Exception {
        Path file = write("data-dir: /x\ndebug: true\netcd-client-port: 2390\nquota-backend-bytes: 8589934592\n"
                + "tls-san: [a.example, 10.0.0.1]\nnode-ip:\n");

        Map<Flag, List<String>> values = ConfigFile.load(file, true).values();

        assertEquals(List.of("/x"), values.get(Flag.DATA_DIR));
        assertEquals(List.of("true"), values.get(Flag.DEBUG));
        assertEquals(List.of("2390"), values.get(Flag.ETCD_CLIENT_PORT));
        assertEquals(List.of("8589934592"), values.get(Flag.QUOTA_BACKEND_BYTES));
        assertEquals(List.of("a.example", "10.0.0.1"), values.get(Flag.TLS_SAN));
        assertEquals(null, values.get(Flag.NODE_IP)); // "node-ip:" with no value is not set
    }

    @Test
    public void singleTlsSanMayBeAString() throws Exception {
        assertEquals(List.of("a.example", "b.example"),
                ConfigFile.parse(Path.of("c.yaml"), "tls-san: a.example, b.example\n").values().get(Flag.TLS_SAN));
    }

    @Test
    public void missingDefaultFileIsFineMissingExplicitFileIsNot() throws Exception {
        Path missing = temp.getRoot().toPath().resolve("nope.yaml");

        assertTrue(ConfigFile.load(missing, false).values().isEmpty());
        expectError(missing, true, "config file " + missing + " does not exist (--config)");
    }

    @Test
    public void emptyFileSetsNothing() throws Exception {
        assertTrue(ConfigFile.load(write("# nothing yet\n"), true).values().isEmpty());
    }

    @Test
    public void unknownKeyNamesTheFileAndTheKey() throws Exception {
        Path file = write("data-dir: /x\ndatadir: /y\n");

        expectError(file, true, "config file " + file + ": unknown key \"datadir\" (valid keys: data-dir, node-name, "
                + "bind-address, node-ip, tls-san, https-listen-port, etcd-client-port, etcd-peer-port, metrics-port, "
                + "datastore-endpoint, datastore-cafile, datastore-certfile, datastore-keyfile, quota-backend-bytes, "
                + "auto-compaction-mode, auto-compaction-retention, max-request-bytes, debug, disable-apiserver, "
                + "secrets-encryption, node-monitor-grace-period, cluster-init, server, token, token-file, "
                + "cluster-reset, cluster-reset-restore-path, etcd-election-timeout, etcd-heartbeat-interval, "
                + "etcd-snapshot-schedule-cron, etcd-snapshot-retention, etcd-snapshot-dir, etcd-snapshot-compress, "
                + "etcd-snapshot-name, etcd-disable-snapshots, cluster-cidr, service-cidr, cluster-dns, cluster-domain, "
                + "disable, disable-helm-controller, disable-kube-proxy, disable-network-policy)");
    }

    @Test
    public void invalidYamlNamesTheFile() throws Exception {
        Path file = write("data-dir: [unclosed\n");
        try {
            ConfigFile.load(file, true);
            fail("expected an error");
        } catch (SettingsException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("config file " + file + " is not valid YAML: "));
        }
    }

    @Test
    public void duplicateKeyIsAnError() throws Exception {
        Path file = write("data-dir: /x\ndata-dir: /y\n");
        try {
            ConfigFile.load(file, true);
            fail("expected an error");
        } catch (SettingsException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("data-dir"));
            assertTrue(e.getMessage(), e.getMessage().contains(file.toString()));
        }
    }

    @Test
    public void structureErrorsNameTheKey() throws Exception {
        Path list = write("- data-dir\n");
        expectError(list, true, "config file " + list + " must be a YAML map of settings (key: value), not a list");

        Path nested = write("data-dir:\n  path: /x\n");
        expectError(nested, true, "config file " + nested + ": key \"data-dir\" takes a value, not a map");

        Path listForScalar = write("node-ip: [10.0.0.1, 10.0.0.2]\n");
        expectError(listForScalar, true, "config file " + listForScalar
                + ": key \"node-ip\" takes a single value, not a list");

        Path config = write("config: /other.yaml\n");
        expectError(config, true, "config file " + config + ": key \"config\" cannot be set inside a config file; "
                + "use --config or CAIRN_CONFIG");
    }

    private Path write(String yaml) throws Exception {
        Path file = temp.newFile().toPath();
        Files.writeString(file, yaml);
        return file;
    }

    private static void expectError(Path file, boolean explicit, String message) {
        try {
            ConfigFile.load(file, explicit);
            fail("expected: " + message);
        } catch (SettingsException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
