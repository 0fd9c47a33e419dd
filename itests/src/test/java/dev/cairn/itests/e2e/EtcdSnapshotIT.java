package dev.cairn.itests.e2e;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCli;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import dev.cairn.itests.e2e.support.WorkDirs;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;

/**
 * {@code cairn etcd-snapshot} against a real embedded-etcd server (127.0.0.81): a snapshot saved while a client
 * writes, scheduled snapshots pruned to the retention, ls and delete; then {@code --cluster-reset
 * --cluster-reset-restore-path} on a fresh data dir (127.0.0.82) gives a one-member cluster holding exactly the
 * snapshot's keys, values and revisions, and a file written by {@code etcdctl snapshot save} restores the same way.
 */
public class EtcdSnapshotIT {
    private static final String TOKEN = "snapshot-secret";
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final Pattern SAVED = Pattern.compile("Snapshot (\\S+) saved: (\\S+) \\(revision (\\d+),");

    private final List<ManagedServer> servers = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @After
    public void stopServers() {
        servers.forEach(ManagedServer::close);
        dirs.forEach(WorkDirs::delete);
    }

    private CairnProcess server(CairnProcess p) {
        servers.add(p);
        return p;
    }

    /**
     * An on-demand save; one save runs at a time (as in K3s), so one that meets a scheduled save (every second here)
     * is refused with "snapshot save already in progress" and is asked again, as an operator would.
     */
    private static CairnCli.Result saveBesideTheSchedule(String dataDir, String name) {
        CairnCli.Result[] last = new CairnCli.Result[1];
        Await.until("an on-demand save beside the scheduled ones", Duration.ofSeconds(60), () -> {
            last[0] = CairnCli.run(COMMAND, "etcd-snapshot", "save", "--data-dir", dataDir, "--name", name);
            return !last[0].output().contains("snapshot save already in progress");
        }, () -> last[0].output());
        return last[0];
    }

    @Test
    public void savedDuringWritesScheduledAndPrunedThenRestoredOnAFreshDataDir() throws Exception {
        assumeTrue("Cairn only", ServerUnderTest.isCairn());
        CairnProcess s1 = server(CairnProcess.create("snap-s1", "127.0.0.81", "--cluster-init", "--token", TOKEN,
                "--disable-apiserver", "--etcd-snapshot-schedule-cron", "@every 1s", "--etcd-snapshot-retention",
                "2"));
        s1.start();
        Path snapshotDir = s1.dataDir().resolve("server/db/snapshots");
        String dataDir = s1.dataDir().toString();

        List<KeyValue> atSnapshot;
        Path copy = Files.createDirectories(WorkDirs.freshDir("snap-copies"));
        dirs.add(copy);
        Path etcdctlFile = copy.resolve("etcdctl.db");
        long revision;
        try (Client client = EtcdClients.jetcd(s1)) {
            writeHistory(client);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (writing.get()) {
                    put(client, "/snap/live/" + written.incrementAndGet(), "during the save");
                }
            });
            CairnCli.Result save;
            try {
                Await.until("100 writes before the save", Duration.ofSeconds(30), () -> written.get() >= 100,
                        () -> "written " + written.get());
                save = saveBesideTheSchedule(dataDir, "before");
            } finally {
                writing.set(false);
                writer.get(30, TimeUnit.SECONDS);
            }
            assertEquals(save.output(), 0, save.exitCode());
            Matcher m = SAVED.matcher(save.output());
            assertTrue(save.output(), m.find());
            String name = m.group(1);
            assertTrue(name, name.matches("before-snap-s1-\\d+"));
            assertEquals(snapshotDir.resolve(name).toString(), m.group(2));
            revision = Long.parseLong(m.group(3));
            assertTrue("writes went on during the save", written.get() > 100);
            atSnapshot = all(client, revision);
            Files.copy(snapshotDir.resolve(name), copy.resolve(name));

            Await.until("three scheduled snapshots, two kept (--etcd-snapshot-retention 2)", Duration.ofSeconds(60),
                    () -> count(s1.outputOfLastLaunch(), "event=snapshot_saved name=etcd-snapshot-snap-s1-") >= 3
                            && scheduledFiles(snapshotDir).size() == 2,
                    () -> "files " + scheduledFiles(snapshotDir));

            CairnCli.Result ls = CairnCli.run(COMMAND, "etcd-snapshot", "ls", "--data-dir", dataDir);
            assertEquals(ls.output(), 0, ls.exitCode());
            assertTrue(ls.output(), ls.output().startsWith("Name"));
            assertTrue(ls.output(), Pattern.compile("(?m)^" + Pattern.quote(name) + " +" + Pattern.quote("file://"
                    + snapshotDir.resolve(name)) + " +\\d+ +\\d{4}-").matcher(ls.output()).find());
            CairnCli.Result delete = CairnCli.run(COMMAND, "etcd-snapshot", "delete", "--data-dir", dataDir, name);
            assertEquals(delete.output(), 0, delete.exitCode());
            assertTrue(delete.output(), delete.output().contains("Snapshot " + name + " deleted."));
            assertFalse(Files.exists(snapshotDir.resolve(name)));
            CairnCli.Result missing = CairnCli.run(COMMAND, "etcd-snapshot", "delete", "--data-dir", dataDir, name);
            assertEquals(1, missing.exitCode());
            assertTrue(missing.output(), missing.output().contains("no snapshot named " + name));

            new Etcdctl(s1).run("snapshot", "save", etcdctlFile.toString()).requireSuccess();
        }
        s1.stop(Duration.ofSeconds(10));
        CairnCli.Result stopped = CairnCli.run(COMMAND, "etcd-snapshot", "ls", "--data-dir", dataDir);
        assertEquals(stopped.output(), 1, stopped.exitCode());
        assertTrue(stopped.output(), stopped.output().contains("no running Cairn server uses the data dir"));

        CairnProcess restored = restore("snap-restored", "127.0.0.82", copy.resolve(atSnapshotName(copy)), revision);
        try (Client client = EtcdClients.jetcd(restored)) {
            GetResponse now = client.getKVClient().get(bytes("/snap/k0")).get(10, TimeUnit.SECONDS);
            assertEquals("the restored store is at the snapshot's revision", revision, now.getHeader().getRevision());
            assertSame(atSnapshot, all(client, 0));
            assertEquals(1, client.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers().size());
            put(client, "/snap/after-restore", "writable");
        }

        CairnProcess fromEtcdctl = restore("snap-etcdctl", "127.0.0.83", etcdctlFile, -1);
        try (Client client = EtcdClients.jetcd(fromEtcdctl)) {
            long at = client.getKVClient().get(bytes("/snap/k0")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
            assertTrue("etcdctl's file holds at least the saved snapshot", at >= revision);
            assertSame(atSnapshot, all(client, revision));
        }
    }

    /** Restores {@code file} with --cluster-reset on a fresh data dir, then starts the server normally. */
    private CairnProcess restore(String name, String address, Path file, long expectedRevision) {
        CairnProcess reset = server(CairnProcess.create(name, address, "--disable-apiserver", "--cluster-reset",
                "--cluster-reset-restore-path", file.toString()));
        ManagedServer.Exit exit = reset.runUntilExit(COMMAND);
        assertEquals(exit.output(), 0, exit.exitCode());
        assertTrue(exit.output(), exit.output().contains("Snapshot " + file + " restored at revision "
                + (expectedRevision < 0 ? "" : expectedRevision)));
        assertTrue(exit.output(), exit.output().contains("restart without --cluster-reset flag now"));
        CairnProcess started = server(CairnProcess.onDataDir(name, address, reset.dataDir(), "--disable-apiserver"));
        started.start();
        return started;
    }

    private static String atSnapshotName(Path copies) throws Exception {
        try (Stream<Path> files = Files.list(copies)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("before-")).findFirst()
                    .orElseThrow();
        }
    }

    /** Keys with several versions, deletions and a lease, so that revisions and versions mean something. */
    private static void writeHistory(Client client) throws Exception {
        long lease = client.getLeaseClient().grant(600).get(10, TimeUnit.SECONDS).getID();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            writes.add(client.getKVClient().put(bytes("/snap/k" + i), bytes("v" + i)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            put(client, "/snap/k" + i, "second version of " + i);
            client.getKVClient().delete(bytes("/snap/k" + (500 + i))).get(10, TimeUnit.SECONDS);
        }
        client.getKVClient().put(bytes("/snap/leased"), bytes("with a lease"),
                io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS);
    }

    private static void put(Client client, String key, String value) {
        try {
            client.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("put " + key + ": " + e, e);
        }
    }

    private static List<KeyValue> all(Client client, long revision) throws Exception {
        return client.getKVClient().get(bytes("/snap/"), GetOption.builder().isPrefix(true).withRevision(revision)
                .build()).get(30, TimeUnit.SECONDS).getKvs();
    }

    private static void assertSame(List<KeyValue> expected, List<KeyValue> actual) {
        assertEquals("key count", expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            KeyValue e = expected.get(i);
            KeyValue a = actual.get(i);
            String key = e.getKey().toString(StandardCharsets.UTF_8);
            assertArrayEquals(key, e.getKey().getBytes(), a.getKey().getBytes());
            assertArrayEquals(key, e.getValue().getBytes(), a.getValue().getBytes());
            assertEquals(key + " create revision", e.getCreateRevision(), a.getCreateRevision());
            assertEquals(key + " mod revision", e.getModRevision(), a.getModRevision());
            assertEquals(key + " version", e.getVersion(), a.getVersion());
            assertEquals(key + " lease", e.getLease(), a.getLease());
        }
    }

    private static List<String> scheduledFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("etcd-snapshot-snap-s1-\\d+"))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
