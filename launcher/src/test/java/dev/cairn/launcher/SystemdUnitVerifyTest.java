package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code systemd-analyze verify --root=<temp root>} on the units install writes. With --root, verify reads the unit
 * and resolves ExecStart inside that root, so the installed bin/cairn must exist there; it also loads the targets
 * the unit depends on (the implicit sysinit.target, basic.target, shutdown.target and the named ones) from the
 * root, so the test gives the root empty stand-ins for them. verify exits 0 even after a parse warning ("Failed to
 * parse ..., ignoring"), so the test also requires an empty output.
 */
public class SystemdUnitVerifyTest {

    private static final String[] TARGETS = {"sysinit.target", "basic.target", "shutdown.target",
        "network-online.target", "multi-user.target"};

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path distribution;
    private Path root;

    @Before
    public void rootWithTargets() throws Exception {
        assumeTrue("systemd-analyze is not installed", onPath("systemd-analyze"));
        distribution = temp.newFolder("dist").toPath();
        InstallCommandTest.writeFakeDistribution(distribution);
        root = temp.newFolder("root").toPath();
        Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        for (String target : TARGETS) {
            Files.writeString(units.resolve(target), "[Unit]\nDescription=stand-in for verify\n");
        }
    }

    @Test
    public void serverUnitVerifies() throws Exception {
        install("--", "--node-name", "n1");
        Verify result = verify("cairn.service");
        assertEquals(result.output, 0, result.status);
        assertEquals("systemd-analyze verify printed warnings", "", result.output);
    }

    @Test
    public void agentUnitVerifies() throws Exception {
        install("--agent", "--prefix", "/usr/local/cairn");
        Verify result = verify("cairn-agent.service");
        assertEquals(result.output, 0, result.status);
        assertEquals("systemd-analyze verify printed warnings", "", result.output);
    }

    /** The check is real: without the installed executable the same unit fails verification. */
    @Test
    public void verifyFailsWhenExecStartIsMissing() throws Exception {
        install();
        Files.delete(root.resolve("opt/cairn/bin/cairn"));
        Verify result = verify("cairn.service");
        assertNotEquals(result.output, 0, result.status);
        assertTrue(result.output, result.output.contains("/opt/cairn/bin/cairn"));
    }

    private void install(String... args) throws Exception {
        String[] full = new String[args.length + 3];
        full[0] = "install";
        full[1] = "--root";
        full[2] = root.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        InstallCommand command = (InstallCommand) CairnCommandLine.create().parseArgs(full).subcommand()
                .commandSpec().userObject();
        assertEquals(0, command.install(distribution, InstallCommandTest.NO_SYSTEMD,
                new PrintStream(new ByteArrayOutputStream(), true)));
    }

    private Verify verify(String unit) throws Exception {
        Process process = new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, unit)
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue("systemd-analyze verify did not finish within 60 s", process.waitFor(60, TimeUnit.SECONDS));
        return new Verify(process.exitValue(), output);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private record Verify(int status, String output) {
    }
}
