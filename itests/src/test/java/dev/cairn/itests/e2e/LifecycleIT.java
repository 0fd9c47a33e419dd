package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.ClientTls;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import dev.cairn.itests.e2e.support.TlsProbe;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

/**
 * The process as an operator sees it: SIGTERM stops it within 5 s and frees its ports so that it can start again at
 * once on the same address and data (on the embedded etcd too, under writes, losing no acknowledged write), it prints a working etcdctl command line, and a second server on the same
 * data directory is refused.
 */
public class LifecycleIT {

    private static final String ADDRESS = "127.0.0.37";
    private static final String SECOND_ADDRESS = "127.0.0.38";
    private static final String RAFT_ADDRESS = "127.0.0.84";
    private static final Duration SIGTERM_LIMIT = Duration.ofSeconds(5);
    private static final Pattern ETCDCTL_LINE = Pattern.compile(
            "etcdctl --endpoints=(\\S+) --cacert=(\\S+) --cert=(\\S+) --key=(\\S+)");

    private ManagedServer server;

    @After
    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void sigtermStopsWithinFiveSecondsAndARestartServesTheOldData() {
        server = ServerUnderTest.start("lifecycle-cairn", ADDRESS);
        Etcdctl etcdctl = new Etcdctl(server);
        etcdctl.run("put", "/life/k", "before-restart").requireSuccess();

        ManagedServer.Stop stop = server.stop(SIGTERM_LIMIT);
        assertTrue("SIGTERM must stop the server (and everything it started) within " + SIGTERM_LIMIT.toSeconds()
                + " s; it took " + stop.elapsed().toMillis() + " ms and had to be killed\n" + server.logTail(),
                stop.withinGrace());
        // 0, or 128+15 from a JVM/Go runtime ending on the signal (etcd itself exits 143)
        assertTrue("exit code after SIGTERM: " + stop.exitCode() + "\n" + server.logTail(),
                stop.exitCode() == 0 || stop.exitCode() == 143);
        TlsProbe.Result probe = TlsProbe.connect(ADDRESS, server.clientPort(), server.tls().orElseThrow(),
                Duration.ofSeconds(2));
        assertEquals("nothing listens on the client port after the stop: " + probe.detail(),
                TlsProbe.Outcome.UNREACHABLE, probe.outcome());

        server.restart(); // at once: the ports must be free
        assertValue(etcdctl, "/life/k", "before-restart", server);
        etcdctl.run("put", "/life/k", "after-restart").requireSuccess();
        assertValue(etcdctl, "/life/k", "after-restart", server);
    }

    /**
     * An embedded-etcd server stopped by SIGTERM while four clients write: every write it acknowledged is there
     * after a restart, and the restart succeeds at once (the Raft storage lock and the ports were released).
     */
    @Test
    public void sigtermDuringWritesOnTheEmbeddedEtcdLosesNoAcknowledgedWrite() throws Exception {
        assumeTrue("Cairn's embedded etcd", ServerUnderTest.isCairn());
        server = CairnProcess.create("lifecycle-raft", RAFT_ADDRESS, "--cluster-init", "--disable-apiserver");
        server.start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try (Client client = EtcdClients.jetcd(server)) {
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.submit(() -> {
                    for (int i = 0; !stopped.get(); i++) {
                        String key = "/sigterm/" + writer + "/" + i;
                        try {
                            client.getKVClient().put(bytes(key), bytes("v")).get(5, TimeUnit.SECONDS);
                            acknowledged.add(key);
                        } catch (Exception refusedOrCut) {
                            return; // the server is going away: what it refused or never answered is not counted
                        }
                    }
                });
            }
            Await.until("200 acknowledged writes", Duration.ofSeconds(60), () -> acknowledged.size() >= 200,
                    () -> "acknowledged " + acknowledged.size());
            ManagedServer.Stop stop = server.stop(SIGTERM_LIMIT);
            stopped.set(true);
            assertTrue("SIGTERM under writes must stop the server within " + SIGTERM_LIMIT.toSeconds() + " s; took "
                    + stop.elapsed().toMillis() + " ms\n" + server.logTail(), stop.withinGrace());
        } finally {
            stopped.set(true);
            writers.shutdown();
            assertTrue(writers.awaitTermination(30, TimeUnit.SECONDS));
        }
        server.restart(); // at once: the Raft storage and the ports must be free
        try (Client client = EtcdClients.jetcd(server)) {
            Set<String> stored = new HashSet<>();
            for (KeyValue kv : client.getKVClient().get(bytes("/sigterm/"), GetOption.builder().isPrefix(true)
                    .withKeysOnly(true).build()).get(30, TimeUnit.SECONDS).getKvs()) {
                stored.add(kv.getKey().toString(StandardCharsets.UTF_8));
            }
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertTrue("acknowledged writes lost after SIGTERM: " + lost, lost.isEmpty());
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    public void printsAWorkingEtcdctlCommandLine() {
        assumeTrue("the start-up line is Cairn's", ServerUnderTest.isCairn());
        server = ServerUnderTest.start("lifecycle-cairn-etcdctl", ADDRESS);
        Matcher m = ETCDCTL_LINE.matcher(server.outputOfLastLaunch());
        assertTrue("the server prints `etcdctl --endpoints=… --cacert=… --cert=… --key=…` on start\n"
                + server.logTail(), m.find());
        assertEquals("https://" + ADDRESS + ":2379", m.group(1));
        ClientTls expected = server.tls().orElseThrow();
        assertEquals(expected.ca().toString(), m.group(2));
        assertEquals(expected.cert().toString(), m.group(3));
        assertEquals(expected.key().toString(), m.group(4));
        Etcdctl printed = new Etcdctl(m.group(1),
                Optional.of(new ClientTls(Path.of(m.group(2)), Path.of(m.group(3)), Path.of(m.group(4)))));
        printed.run("put", "/life/printed", "works").requireSuccess();
        assertValue(printed, "/life/printed", "works", server);
    }

    @Test
    public void aSecondServerOnTheSameDataDirIsRefused() {
        assumeTrue("Cairn's data-dir lock", ServerUnderTest.isCairn());
        server = ServerUnderTest.start("lifecycle-cairn-first", ADDRESS);
        new Etcdctl(server).run("put", "/life/owner", "first").requireSuccess();

        // another address, so that only the data directory is shared
        ManagedServer.Exit exit;
        try (CairnProcess second = CairnProcess.onDataDir("lifecycle-cairn-second", SECOND_ADDRESS,
                server.dataDir())) {
            exit = second.runUntilExit(Duration.ofSeconds(60));
        }
        assertEquals("exit code of a second server on a data dir in use\n" + exit.output(), 1, exit.exitCode());
        assertTrue("the refusal names the data dir " + server.dataDir() + ":\n" + exit.output(),
                exit.output().contains(server.dataDir().toString()));

        assertTrue("the first server is unaffected\n" + server.logTail(), server.isRunning());
        Etcdctl etcdctl = new Etcdctl(server);
        assertValue(etcdctl, "/life/owner", "first", server);
        etcdctl.run("put", "/life/owner", "still-first").requireSuccess();
        assertValue(etcdctl, "/life/owner", "still-first", server);
    }

    /** Reads one key with etcdctl and checks its value. */
    private static void assertValue(Etcdctl etcdctl, String key, String expected, ManagedServer server) {
        EtcdctlResult result = etcdctl.run("get", key, "--print-value-only");
        assertEquals("value of " + key + ": " + result + "\n" + server.logTail(), expected + "\n", result.stdout());
    }
}
