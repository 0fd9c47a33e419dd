package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The command line as a user types it: parsing, help, precedence with a real config file, exit statuses. */
public class MainTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();
    private ServerSettings ran;

    @Test
    public void helpListsEveryFlagByGroup() {
        assertEquals(0, run("server", "--help"));

        String help = out();
        for (Flag flag : Flag.values()) {
            assertTrue(flag.longName(), help.contains(flag.longName()));
            assertTrue(flag.envName(), help.contains("[$" + flag.envName() + "]"));
        }
        assertTrue(help, help.contains("-d, --data-dir=<dir>"));
        assertTrue(help, help.contains("-c, --config=<file>"));
        assertTrue(help, help.indexOf("Server:") < help.indexOf("Cluster:"));
        assertTrue(help, help.indexOf("Cluster:") < help.indexOf("Network:"));
        assertTrue(help, help.contains("Kubernetes (must be the same on every server of a cluster):"));
        assertTrue(help, help.indexOf("Network:") < help.indexOf("Datastore:"));
        assertNull(ran);
    }

    @Test
    public void topLevelHelpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out(), out().contains("server"));
        out.reset();

        assertEquals(0, run("--version"));
        assertTrue(out(), out().startsWith("cairn version "));
    }

    @Test
    public void noCommandPrintsUsage() {
        assertEquals(0, run());
        assertTrue(out(), out().startsWith("Usage: cairn"));
    }

    @Test
    public void unknownFlagIsAnError() {
        assertEquals(1, run("server", "--data-directory=/x"));
        assertTrue(err(), err().startsWith("cairn: Unknown option: '--data-directory"));
        assertTrue(err(), err().contains("Run 'cairn server --help' for usage."));
        assertNull(ran);
    }

    @Test
    public void invalidValueIsAnErrorNamingFlagAndValue() {
        assertEquals(1, run("server", "--https-listen-port", "65536"));
        assertEquals("cairn: invalid value \"65536\" for --https-listen-port: must be a port number from 1 to "
                + "65535\n", err());
        assertNull(ran);
    }

    @Test
    public void flagsEnvironmentAndConfigFileMerge() throws Exception {
        Path config = temp.newFile("cairn.yaml").toPath();
        Files.writeString(config, "node-name: from-file\netcd-peer-port: 3380\ntls-san: [file.example]\n"
                + "debug: true\n");
        env.put("CAIRN_CONFIG", config.toString());
        env.put("CAIRN_ETCD_PEER_PORT", "4380");
        env.put("CAIRN_TLS_SAN", "env.example");

        assertEquals(0, run("server", "-d", temp.getRoot().toString(), "--tls-san", "a.example,10.9.9.9",
                "--tls-san", "b.example", "--debug=false"));

        assertEquals(temp.getRoot().toPath(), ran.dataDir());
        assertEquals(config, ran.configFile());
        assertEquals("from-file", ran.nodeName());
        assertEquals(4380, ran.peerPort());
        assertEquals(List.of("a.example", "10.9.9.9", "b.example"), ran.tlsSans());
        assertEquals(false, ran.debug());
    }

    @Test
    public void bareDebugFlagMeansTrue() {
        assertEquals(0, run("server", "--debug", "--node-name", "n1"));
        assertTrue(ran.debug());
        assertEquals("n1", ran.nodeName());
    }

    @Test
    public void bareSecretsEncryptionFlagMeansTrue() {
        assertEquals(0, run("server", "--secrets-encryption", "--node-name", "n1"));
        assertTrue(ran.secretsEncryption());
    }

    @Test
    public void bareClusterFlagsMeanTrueAndDisableRepeats() {
        assertEquals(0, run("server", "--cluster-init", "--disable-kube-proxy", "--disable", "traefik,servicelb",
                "--disable", "coredns"));
        assertTrue(ran.cluster().clusterInit());
        assertTrue(ran.kubernetes().disableKubeProxy());
        assertEquals(List.of("coredns", "servicelb", "traefik"), ran.kubernetes().disable());
    }

    @Test
    public void clusterResetWithServerIsAnError() {
        assertEquals(1, run("server", "--cluster-reset", "--server", "https://10.0.0.1:6443"));
        assertEquals("cairn: cannot perform cluster-reset while server URL is set - remove server from configuration "
                + "before resetting\n", err());
        assertNull(ran);
    }

    @Test
    public void explicitMissingConfigFileIsAnError() {
        Path missing = temp.getRoot().toPath().resolve("missing.yaml");
        assertEquals(1, run("server", "--config", missing.toString()));
        assertEquals("cairn: config file " + missing + " does not exist (--config)\n", err());
    }

    @Test
    public void unknownKeyInConfigFileIsAnError() throws Exception {
        Path config = temp.newFile("bad.yaml").toPath();
        Files.writeString(config, "node_name: x\n");
        assertEquals(1, run("server", "-c", config.toString()));
        assertTrue(err(), err().startsWith("cairn: config file " + config + ": unknown key \"node_name\""));
    }

    @Test
    public void runnerFailureIsPrintedWithExitStatus1() {
        int status = Main.execute(new String[] {"server"}, env, new PrintStream(out), new PrintStream(err),
                FixedHost.WITH_IP, settings -> {
                    throw new StartupException("bundle x does not resolve: missing requirement y");
                });
        assertEquals(1, status);
        assertEquals("cairn: bundle x does not resolve: missing requirement y\n", err());
    }

    private int run(String... args) {
        env.putIfAbsent("CAIRN_CONFIG", "");
        return Main.execute(args, env, new PrintStream(out, true), new PrintStream(err, true), FixedHost.WITH_IP,
                settings -> {
                    ran = settings;
                    return 0;
                });
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
