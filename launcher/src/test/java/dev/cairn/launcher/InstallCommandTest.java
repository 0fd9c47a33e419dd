package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** cairn install and uninstall into a temporary root, from a fake distribution; systemctl is never run. */
public class InstallCommandTest {

    static final Systemctl NO_SYSTEMD = new Systemctl() {
        @Override
        boolean available() {
            return false;
        }

        @Override
        void run(String... args) {
            throw new AssertionError("systemctl must not run for a temporary root");
        }
    };

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Path distribution;
    private Path root;

    @Before
    public void fakeDistribution() throws Exception {
        distribution = temp.newFolder("dist").toPath();
        writeFakeDistribution(distribution);
        root = temp.newFolder("root").toPath();
    }

    static void writeFakeDistribution(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/cairn"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(dir.resolve("bin/cairn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/launcher.jar"), "jar");
        Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(dir.resolve("bundle/etcd-server.jar"), "bundle");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/config.yaml.example"), "# example\n# data-dir: /var/lib/cairn\n");
    }

    @Test
    public void installWritesDistributionUnitEnvironmentAndConfig() throws Exception {
        assertEquals(0, install("--data-dir", "/srv/cairn", "--", "--tls-san", "a.example,10.0.0.9", "--debug",
                "--node-name", "node one", "--etcd-client-port=2479"));

        Path installed = root.resolve("opt/cairn");
        assertTrue(Files.isExecutable(installed.resolve("bin/cairn")));
        assertEquals("jar", Files.readString(installed.resolve("lib/launcher.jar")));
        assertEquals("bundle", Files.readString(installed.resolve("bundle/etcd-server.jar")));
        assertFalse("no staging dir left", Files.exists(root.resolve("opt/cairn.installing")));

        String unit = Files.readString(root.resolve("etc/systemd/system/cairn.service"));
        for (String line : new String[] {"Type=simple", "EnvironmentFile=-/etc/cairn/cairn.env",
                "ExecStart=/opt/cairn/bin/cairn server", "Restart=always", "RestartSec=5s", "KillMode=mixed",
                "TimeoutStopSec=15s", "LimitNOFILE=1048576", "StandardOutput=journal", "StandardError=journal",
                "Wants=network-online.target", "After=network-online.target", "WantedBy=multi-user.target"}) {
            assertTrue(line + " in\n" + unit, unit.lines().anyMatch(line::equals));
        }
        assertEquals("rw-r--r--", mode("etc/systemd/system/cairn.service"));

        Path env = root.resolve("etc/cairn/cairn.env");
        assertEquals("rw-------", mode("etc/cairn/cairn.env"));
        String environment = Files.readString(env);
        assertTrue(environment, environment.contains("\nCAIRN_DATA_DIR=/srv/cairn\n"));
        assertTrue(environment, environment.contains("\nCAIRN_TLS_SAN=a.example,10.0.0.9\n"));
        assertTrue(environment, environment.contains("\nCAIRN_DEBUG=true\n"));
        assertTrue(environment, environment.contains("\nCAIRN_NODE_NAME=\"node one\"\n"));
        assertTrue(environment, environment.contains("\nCAIRN_ETCD_CLIENT_PORT=2479\n"));

        assertEquals("# example\n# data-dir: /var/lib/cairn\n",
                Files.readString(root.resolve("etc/cairn/config.yaml")));
        assertTrue(out(), out().contains("systemctl left alone"));
        assertTrue(out(), out().contains("systemctl enable --now cairn.service"));
    }

    @Test
    public void environmentFileValuesRoundTripThroughSystemdQuoting() throws Exception {
        assertEquals("plain/value:1", EnvironmentFile.quote(Flag.NODE_NAME, "plain/value:1"));
        assertEquals("\"a b # \\\"c\\\" \\\\\"", EnvironmentFile.quote(Flag.NODE_NAME, "a b # \"c\" \\"));
        try {
            EnvironmentFile.quote(Flag.NODE_NAME, "two\nlines");
            fail();
        } catch (InstallException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("--node-name holds a line break"));
        }
    }

    @Test
    public void agentInstallWritesTheAgentUnitAndSaysTheCommandIsMissing() throws Exception {
        assertEquals(0, install("--agent", "--prefix", "/usr/local/cairn"));

        String unit = Files.readString(root.resolve("etc/systemd/system/cairn-agent.service"));
        assertTrue(unit, unit.contains("\nExecStart=/usr/local/cairn/bin/cairn agent\n"));
        assertTrue(unit, unit.contains("\nEnvironmentFile=-/etc/cairn/cairn-agent.env\n"));
        assertEquals("rw-------", mode("etc/cairn/cairn-agent.env"));
        assertTrue(Files.isExecutable(root.resolve("usr/local/cairn/bin/cairn")));
        assertFalse(Files.exists(root.resolve("etc/systemd/system/cairn.service")));
        assertTrue(out(), out().contains("'cairn agent' does not exist in this release"));
    }

    @Test
    public void secondInstallKeepsConfigAndEnvironmentUnlessForced() throws Exception {
        assertEquals(0, install("--", "--node-name", "first"));
        Files.writeString(root.resolve("etc/cairn/config.yaml"), "node-ip: 10.0.0.11\n");
        out.reset();

        assertEquals(0, install("--", "--node-name", "second"));
        assertTrue(Files.readString(root.resolve("etc/cairn/cairn.env")).contains("CAIRN_NODE_NAME=first"));
        assertEquals("node-ip: 10.0.0.11\n", Files.readString(root.resolve("etc/cairn/config.yaml")));
        assertTrue(out(), out().contains("kept " + root.resolve("etc/cairn/cairn.env") + ": it exists (--force "
                + "replaces it)"));
        assertTrue(out(), out().contains("kept " + root.resolve("etc/cairn/config.yaml")));
        assertTrue(out(), out().contains("note: the flags given were not written to /etc/cairn/cairn.env"));

        assertEquals(0, install("--force", "--", "--node-name", "third"));
        assertTrue(Files.readString(root.resolve("etc/cairn/cairn.env")).contains("CAIRN_NODE_NAME=third"));
        assertEquals("rw-------", mode("etc/cairn/cairn.env"));
    }

    @Test
    public void reinstallReplacesTheDistribution() throws Exception {
        assertEquals(0, install());
        Files.writeString(root.resolve("opt/cairn/bundle/dropped.jar"), "old");

        assertEquals(0, install());
        assertFalse("a bundle dropped from the distribution must not linger",
                Files.exists(root.resolve("opt/cairn/bundle/dropped.jar")));
        assertTrue(Files.isExecutable(root.resolve("opt/cairn/bin/cairn")));
    }

    @Test
    public void installFromTheInstalledCopyRewritesTheFilesAndKeepsTheDistribution() throws Exception {
        assertEquals(0, install());
        distribution = root.resolve("opt/cairn");
        out.reset();

        assertEquals(0, install("--force", "--", "--node-name", "again"));
        assertTrue(out(), out().contains("kept " + distribution + ": it is the distribution running this install"));
        assertTrue(Files.isExecutable(distribution.resolve("bin/cairn")));
        assertTrue(Files.readString(root.resolve("etc/cairn/cairn.env")).contains("CAIRN_NODE_NAME=again"));
    }

    @Test
    public void refusals() throws Exception {
        assertRefused("after --: Unknown options: '--no-such-flag'", "--", "--no-such-flag", "x");
        assertRefused("install --agent takes no flags after --", "--agent", "--", "--debug");
        assertRefused("--now needs systemd running on this machine and --root /", "--now");
        assertRefused("--prefix opt/cairn must be an absolute path", "--prefix", "opt/cairn");
        assertRefused("--prefix / would make the whole system Cairn's", "--prefix", "/");
        assertRefused("--prefix /opt/my cairn may hold only", "--prefix", "/opt/my cairn");
        assertRefused("--data-dir is given both before and after --", "--data-dir", "/a", "--", "--data-dir", "/b");
        Files.createDirectories(root.resolve("opt/other"));
        Files.writeString(root.resolve("opt/other/precious"), "x");
        assertRefused("opt/other exists and is not a Cairn distribution", "--prefix", "/opt/other");
        assertTrue(Files.exists(root.resolve("opt/other/precious")));
        assertFalse("nothing written after a refusal", Files.exists(root.resolve("etc")));
    }

    @Test
    public void uninstallRemovesWhatInstallWroteAndKeepsConfigAndDataDir() throws Exception {
        assertEquals(0, install());
        Path dataDir = cairnDataDir("var/lib/cairn");
        out.reset();

        assertEquals(0, uninstall());

        assertFalse(Files.exists(root.resolve("etc/systemd/system/cairn.service")));
        assertFalse(Files.exists(root.resolve("etc/cairn/cairn.env")));
        assertFalse(Files.exists(root.resolve("opt/cairn")));
        assertTrue(Files.exists(root.resolve("etc/cairn/config.yaml")));
        assertTrue(Files.exists(dataDir.resolve("server/db/state.db")));
        assertTrue(out(), out().contains("kept the data dir"));

        out.reset();
        assertEquals("uninstall twice is fine", 0, uninstall());
        assertTrue(out(), out().contains("not there: " + root.resolve("opt/cairn")));
    }

    @Test
    public void uninstallOfTheAgentKeepsTheDistributionTheServerUses() throws Exception {
        assertEquals(0, install());
        assertEquals(0, install("--agent"));

        assertEquals(0, uninstall("--agent"));
        assertFalse(Files.exists(root.resolve("etc/systemd/system/cairn-agent.service")));
        assertTrue(Files.exists(root.resolve("etc/systemd/system/cairn.service")));
        assertTrue(Files.isExecutable(root.resolve("opt/cairn/bin/cairn")));
        assertTrue(out(), out().contains("cairn.service still uses it"));
    }

    @Test
    public void purgeDataDeletesACairnDataDir() throws Exception {
        assertEquals(0, install());
        Path dataDir = cairnDataDir("srv/cairn");

        assertEquals(0, uninstall("--purge-data", "--data-dir", "/srv/cairn"));
        assertFalse(Files.exists(dataDir));
        assertTrue(Files.exists(root.resolve("srv")));
        assertTrue(out(), out().contains("deleted data dir " + dataDir));
    }

    @Test
    public void purgeDataRefusesWhatIsNotACairnDataDirAndRemovesNothing() throws Exception {
        assertEquals(0, install());
        Path notCairn = Files.createDirectories(root.resolve("home/user"));
        Files.writeString(notCairn.resolve("thesis.tex"), "x");

        assertUninstallRefused("does not look like a Cairn data dir (no server/ directory inside)",
                "--purge-data", "--data-dir", "/home/user");
        assertUninstallRefused("that is the whole file system", "--purge-data", "--data-dir", "/");
        assertUninstallRefused("--purge-data needs --data-dir <dir>", "--purge-data");
        assertUninstallRefused("--data-dir is only used with --purge-data", "--data-dir", "/home/user");

        assertTrue(Files.exists(notCairn.resolve("thesis.tex")));
        assertTrue("a refusal comes before any removal",
                Files.exists(root.resolve("etc/systemd/system/cairn.service")));
    }

    @Test
    public void purgeDataRefusesADataDirInUse() throws Exception {
        assertEquals(0, install());
        Path dataDir = cairnDataDir("var/lib/cairn");
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            assertUninstallRefused("is in use by another cairn process", "--purge-data", "--data-dir",
                    "/var/lib/cairn");
        }
        assertTrue(Files.exists(dataDir.resolve("server/db/state.db")));
    }

    @Test
    public void uninstallRefusesToDeleteAPrefixThatIsNotADistribution() throws Exception {
        Files.createDirectories(root.resolve("opt/data"));
        Files.writeString(root.resolve("opt/data/keep"), "x");
        assertUninstallRefused("it is not a Cairn distribution (no bin/cairn)", "--prefix", "/opt/data");
        assertTrue(Files.exists(root.resolve("opt/data/keep")));
    }

    private Path cairnDataDir(String relative) throws Exception {
        Path dataDir = root.resolve(relative);
        Files.createDirectories(dataDir.resolve("server/db"));
        Files.writeString(dataDir.resolve("server/db/state.db"), "data");
        return dataDir;
    }

    private int install(String... args) throws InstallException {
        return ((InstallCommand) parse("install", args)).install(distribution, NO_SYSTEMD, new PrintStream(out, true));
    }

    private int uninstall(String... args) throws InstallException {
        return ((UninstallCommand) parse("uninstall", args)).uninstall(NO_SYSTEMD, new PrintStream(out, true));
    }

    /** The command as picocli fills it from {@code cairn <command> --root <temp root> args}. */
    private Object parse(String command, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = command;
        full[1] = "--root";
        full[2] = root.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CairnCommandLine.create().parseArgs(full).subcommand().commandSpec().userObject();
    }

    private void assertRefused(String message, String... args) {
        try {
            install(args);
            fail("install " + String.join(" ", args) + " must be refused");
        } catch (InstallException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }

    private void assertUninstallRefused(String message, String... args) {
        try {
            uninstall(args);
            fail("uninstall " + String.join(" ", args) + " must be refused");
        } catch (InstallException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }

    private String mode(String relative) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(relative)));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
