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
import java.util.Map;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** install and uninstall as typed: help, exit statuses, "cairn: " messages, the distribution from cairn.home. */
public class ServiceCommandLineTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final String savedHome = System.getProperty("cairn.home");

    @After
    public void restoreHome() {
        if (savedHome == null) {
            System.clearProperty("cairn.home");
        } else {
            System.setProperty("cairn.home", savedHome);
        }
    }

    @Test
    public void helpListsTheCommandsAndTheirOptions() {
        assertEquals(0, run("--help"));
        assertTrue(out(), out().contains("install"));
        assertTrue(out(), out().contains("uninstall"));
        out.reset();

        assertEquals(0, run("install", "--help"));
        for (String option : new String[] {"--root", "--prefix", "--agent", "--data-dir", "--force", "--now"}) {
            assertTrue(option + " in\n" + out(), out().contains(option));
        }
        assertTrue(out(), out().contains("does not have yet"));
        out.reset();

        assertEquals(0, run("uninstall", "--help"));
        assertTrue(out(), out().contains("--purge-data"));
    }

    @Test
    public void installAndUninstallThroughTheCommandLine() throws Exception {
        Path distribution = temp.newFolder("dist").toPath();
        InstallCommandTest.writeFakeDistribution(distribution);
        System.setProperty("cairn.home", distribution.toString());
        Path root = temp.newFolder("root").toPath();

        assertEquals(err(), 0, run("install", "--root", root.toString(), "--", "--debug"));
        assertTrue(Files.readString(root.resolve("etc/cairn/cairn.env")).contains("CAIRN_DEBUG=true"));
        assertTrue(Files.isExecutable(root.resolve("opt/cairn/bin/cairn")));

        assertEquals(err(), 0, run("uninstall", "--root", root.toString()));
        assertFalse(Files.exists(root.resolve("opt/cairn")));
        assertEquals("", err());
    }

    @Test
    public void aRefusalIsOneLineAndExitStatus1() throws Exception {
        Path root = temp.newFolder("root").toPath();
        assertEquals(1, run("uninstall", "--root", root.toString(), "--purge-data"));
        assertEquals("cairn: --purge-data needs --data-dir <dir>: the data dir to delete\n", err());
    }

    @Test
    public void installOutsideADistributionSaysHowToRunIt() throws Exception {
        System.clearProperty("cairn.home");
        Path root = temp.newFolder("root").toPath();
        assertEquals(1, run("install", "--root", root.toString()));
        assertTrue(err(), err().startsWith("cairn: cairn.home is not set"));
        try (var entries = Files.list(root)) {
            if (entries.findAny().isPresent()) {
                fail("nothing may be written when the distribution is unknown");
            }
        }
    }

    @Test
    public void unknownOptionIsAParseError() {
        assertEquals(1, run("install", "--rooot", "/tmp/x"));
        assertTrue(err(), err().contains("Run 'cairn install --help' for usage."));
    }

    private int run(String... args) {
        return Main.execute(args, Map.of(), new PrintStream(out, true), new PrintStream(err, true),
                FixedHost.WITH_IP, settings -> {
                    throw new AssertionError("install and uninstall never run a server");
                });
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
