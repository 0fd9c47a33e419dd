package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.launcher.testbundle.ExitOnStart;
import dev.cairn.launcher.testbundle.FatalOnStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The real {@code cairn server} in a second JVM: signals, fatal errors, the data dir lock, exit statuses. */
public class ServerProcessTest {

    private static final long START_TIMEOUT_MS = 30_000;
    /** SIGTERM must stop the server within 5 s; the margin covers a slow, shared machine. */
    private static final long STOP_TIMEOUT_MS = 7_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void sigtermStopsTheServerAndExitsZero() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        Path dataDir = temp.getRoot().toPath().resolve("data");
        try (ChildJvm server = server(home, dataDir)) {
            String banner = server.awaitLine("starting:", START_TIMEOUT_MS);
            assertTrue(banner, banner.startsWith("cairn " + CairnVersion.version() + " starting: data-dir=" + dataDir));
            server.awaitLine("started bundles=1", START_TIMEOUT_MS);
            assertEquals(1, storedConfigurations(dataDir).size());

            long signalled = System.nanoTime();
            // SIGTERM; Process.destroy() would also close our end of its stdout, losing its last lines
            server.process().toHandle().destroy();
            assertEquals(server.output(), 0, server.awaitExit(STOP_TIMEOUT_MS));

            assertTrue((System.nanoTime() - signalled) / 1_000_000 < STOP_TIMEOUT_MS);
            assertTrue(server.output(), server.output().contains("stopping on signal"));
        }
        DataDirLock.acquire(dataDir).close(); // released
    }

    @Test
    public void fatalErrorFromABundleIsPrintedAndExitsOne() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        TestBundles.fatalBundle(home.resolve("bundle"));
        try (ChildJvm server = server(home, temp.getRoot().toPath().resolve("data"))) {
            assertEquals(server.output(), 1, server.awaitExit(START_TIMEOUT_MS));
            assertTrue(server.output(), server.output().contains("cairn: " + FatalOnStart.MESSAGE));
        }
    }

    @Test
    public void finishedOneShotJobIsPrintedAndExitsZero() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        TestBundles.exitBundle(home.resolve("bundle"));
        try (ChildJvm server = server(home, temp.getRoot().toPath().resolve("data"))) {
            assertEquals(server.output(), 0, server.awaitExit(START_TIMEOUT_MS));
            assertTrue(server.output(), server.output().contains(ExitOnStart.MESSAGE));
            assertFalse(server.output(), server.output().contains("cairn: "));
        }
    }

    @Test
    public void failedJoinEndsTheStartBeforeAnyConfigurationIsWritten() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        Path dataDir = temp.getRoot().toPath().resolve("data");
        try (TestSupervisor supervisor = new TestSupervisor();
             ChildJvm server = server(home, dataDir, "--server", supervisor.url(), "--token",
                     "K10" + "ab".repeat(32) + "::server:" + TestSupervisor.PASSWORD)) {
            assertEquals(server.output(), 1, server.awaitExit(START_TIMEOUT_MS));
            assertTrue(server.output(), server.output().contains("cairn: token CA hash does not match the Cluster CA "
                    + "certificate hash: " + "ab".repeat(32) + " != "));
            assertFalse(server.output(), server.output().contains("started bundles="));
            assertFalse(server.output(), server.output().contains(TestSupervisor.PASSWORD));
            assertEquals(List.of("GET /cacerts"), supervisor.requestLines());
        }
        assertFalse(Files.exists(dataDir.resolve("server")));
        // the bundles started during the join; Config Admin would have stored the configuration in their cache
        assertEquals(List.of(), storedConfigurations(dataDir));
    }

    @Test
    public void bundleFailingWhileTheJoinWaitsForTheClusterIsReportedAtOnce() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        TestBundles.fatalBundle(home.resolve("bundle"));
        try (TestSupervisor supervisor = new TestSupervisor()) {
            // the join retries for a minute; the bundles start meanwhile, and the fatal error ends it
            supervisor.answer("GET /cacerts", request -> new TestSupervisor.Answer(503, "{\"error\":\"starting\"}"));
            try (ChildJvm server = server(home, temp.getRoot().toPath().resolve("data"), "--server", supervisor.url(),
                    "--token", supervisor.token())) {
                assertEquals(server.output(), 1, server.awaitExit(START_TIMEOUT_MS));
                assertTrue(server.output(), server.output().contains("cairn: " + FatalOnStart.MESSAGE));
            }
        }
    }

    @Test
    public void sigtermWhileWaitingForTheClusterExitsZero() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        try (TestSupervisor supervisor = new TestSupervisor()) {
            supervisor.answer("GET /cacerts", request -> new TestSupervisor.Answer(503, "{\"error\":\"starting\"}"));
            try (ChildJvm server = server(home, temp.getRoot().toPath().resolve("data"), "--server", supervisor.url(),
                    "--token", supervisor.token())) {
                server.awaitLine("waiting for the cluster request=\"GET /cacerts\"", START_TIMEOUT_MS);

                server.process().toHandle().destroy();

                assertEquals(server.output(), 0, server.awaitExit(STOP_TIMEOUT_MS));
                assertFalse(server.output(), server.output().contains("started bundles="));
            }
        }
    }

    @Test
    public void secondServerOnTheSameDataDirIsRefused() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        Path dataDir = temp.getRoot().toPath().resolve("data");
        try (ChildJvm first = server(home, dataDir)) {
            first.awaitLine("started bundles=", START_TIMEOUT_MS);
            try (ChildJvm second = server(home, dataDir)) {
                assertEquals(1, second.awaitExit(START_TIMEOUT_MS));
                assertEquals("cairn: data dir " + dataDir + " is in use by another cairn process (pid "
                        + first.process().pid() + ")", second.output().strip());
            }
        }
    }

    @Test
    public void bundleThatDoesNotResolveStopsTheStart() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        TestBundles.unresolvableBundle(home.resolve("bundle"));
        try (ChildJvm server = server(home, temp.getRoot().toPath().resolve("data"))) {
            assertEquals(server.output(), 1, server.awaitExit(START_TIMEOUT_MS));
            assertTrue(server.output(), server.output().contains(
                    "cairn: bundle test.broken 1.0.0 (test-broken.jar) does not resolve: "));
        }
    }

    /** The {@code cairn.server} configurations Config Admin stored under {@code dataDir}'s framework cache. */
    private static List<Path> storedConfigurations(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(f -> f.endsWith(Path.of("config", "cairn", "server.config"))).toList();
        }
    }

    private ChildJvm server(Path home, Path dataDir, String... moreArgs) throws Exception {
        Path config = temp.getRoot().toPath().resolve("empty.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "# no settings\n");
        }
        List<String> args = new ArrayList<>(List.of("server", "--data-dir", dataDir.toString(), "--config",
                config.toString(), "--node-name", "test-node", "--node-ip", "127.0.0.1"));
        args.addAll(List.of(moreArgs));
        return ChildJvm.start(List.of("-Dcairn.home=" + home), Main.class, args.toArray(String[]::new));
    }
}
