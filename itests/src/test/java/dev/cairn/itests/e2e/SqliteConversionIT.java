package dev.cairn.itests.e2e;

import static dev.cairn.itests.e2e.support.KeyValues.all;
import static dev.cairn.itests.e2e.support.KeyValues.render;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import dev.cairn.itests.e2e.support.WorkDirs;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * A single SQLite server with 10,000 keys (with history, deletions and a lease) restarted with
 * {@code --cluster-init} becomes the first member of an embedded-etcd cluster with every key, revision and version
 * kept; {@code state.db} is renamed {@code state.db.migrated}; a server that joins afterwards gets the same data.
 */
public class SqliteConversionIT {

    private static final int KEYS = 10_000;

    private final List<CairnProcess> servers = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();

    @After
    public void stop() {
        clients.forEach(Client::close);
        servers.forEach(CairnProcess::close);
    }

    @Test
    public void restartWithClusterInitKeepsEveryKeyRevisionAndVersion() throws Exception {
        assumeTrue("Cairn only", ServerUnderTest.isCairn());
        CairnProcess first = track(CairnProcess.create("convert-1", "127.0.0.27", "--node-name", "c1",
                "--disable-apiserver"));
        first.start();
        Client client = client(first);
        fill(client);
        long lease = client.getLeaseClient().grant(3600).get(30, TimeUnit.SECONDS).getID();
        client.getKVClient().put(bytes("/leased"), bytes("x"), PutOption.builder().withLeaseId(lease).build())
                .get(30, TimeUnit.SECONDS);
        List<KeyValue> before = all(client, "/", 0);
        long revision = before.stream().mapToLong(KeyValue::getModRevision).max().orElseThrow();
        List<KeyValue> historyBefore = all(client, "/", revision - 5_000);
        first.stop(Duration.ofSeconds(30));

        CairnProcess converted = track(CairnProcess.onDataDir("convert-1b", "127.0.0.27", first.dataDir(),
                "--node-name", "c1", "--disable-apiserver", "--cluster-init"));
        converted.start();
        Client raft = client(converted);
        Path db = first.dataDir().resolve("server/db");
        assertTrue(Files.exists(db.resolve("state.db.migrated")));
        assertFalse(Files.exists(db.resolve("state.db")));
        assertTrue(converted.logTail(), converted.logTail().contains("sqlite conversion done"));
        assertEquals(render(before), render(all(raft, "/", 0)));
        assertEquals(render(historyBefore), render(all(raft, "/", revision - 5_000)));
        assertTrue(raft.getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT)
                .get(30, TimeUnit.SECONDS).getTTL() > 0);
        long next = raft.getKVClient().put(bytes("/after"), bytes("1")).get(30, TimeUnit.SECONDS).getHeader()
                .getRevision();
        assertEquals(revision + 1, next);

        // the server keeps the token it generated when it first ran on SQLite
        String token = Files.readString(first.dataDir().resolve("server/token")).trim();
        CairnProcess joiner = track(CairnProcess.create("convert-2", "127.0.0.28", "--node-name", "c2",
                "--disable-apiserver", "--server", "https://127.0.0.27:6443", "--token", token));
        joiner.start();
        Client second = client(joiner);
        Await.until("the joined server to serve the converted data", Duration.ofSeconds(60), () -> {
            try {
                return render(before).equals(render(withoutAfter(all(second, "/", revision))));
            } catch (Exception e) {
                return false;
            }
        }, joiner::logTail);
    }

    /**
     * The conversion killed (a halt, as {@code kill -9}) at each of its steps: the next {@code --cluster-init}
     * start serves every key, revision and version, either converting again from the untouched SQLite file or
     * finishing what the killed one left (renaming {@code state.db}).
     */
    @Test
    public void aConversionKilledAtAnyStepStartsWithEveryKey() throws Exception {
        assumeTrue("Cairn only", ServerUnderTest.isCairn());
        String address = "127.0.0.88";
        CairnProcess sqlite = track(CairnProcess.create("convert-crash", address, "--node-name", "k1",
                "--disable-apiserver"));
        sqlite.start();
        fill(client(sqlite), 2_000);
        List<KeyValue> before = all(client(sqlite), "/", 0);
        sqlite.stop(Duration.ofSeconds(30));
        clients.forEach(Client::close);
        clients.clear();
        Path template = sqlite.dataDir();

        for (String step : List.of("copied", "staged", "renamed", "opened")) {
            Path dataDir = WorkDirs.freshDir("convert-crash-" + step);
            WorkDirs.copyTree(template, dataDir);
            CairnProcess crashing = track(CairnProcess.onDataDir("convert-crash-" + step, address, dataDir,
                    "--node-name", "k1", "--disable-apiserver", "--cluster-init"))
                    .withEnvironment("CAIRN_FAILPOINTS", "conversionCrash=" + step);
            ManagedServer.Exit exit = crashing.runUntilExit(Duration.ofSeconds(120));
            assertEquals(step + "\n" + exit.output(), 137, exit.exitCode());
            assertTrue(exit.output(), exit.output().contains("failpoint conversionCrash=" + step + " reached"));

            CairnProcess again = track(CairnProcess.onDataDir("convert-crash-" + step + "-again", address, dataDir,
                    "--node-name", "k1", "--disable-apiserver", "--cluster-init"));
            again.start();
            Client raft = client(again);
            assertEquals("after a crash at " + step, render(before), render(all(raft, "/", 0)));
            assertEquals(1, raft.getClusterClient().listMember().get(30, TimeUnit.SECONDS).getMembers().size());
            Path db = dataDir.resolve("server/db");
            assertTrue(step, Files.exists(db.resolve("state.db.migrated")));
            assertFalse(step, Files.exists(db.resolve("state.db")));
            again.stop(Duration.ofSeconds(30));
            clients.forEach(Client::close);
            clients.clear();
            WorkDirs.delete(dataDir);
        }
    }

    private void fill(Client client) throws Exception {
        fill(client, KEYS);
    }

    private void fill(Client client, int keys) throws Exception {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            // every fifth key is written twice (a history), every tenth deleted afterwards
            inFlight.add(client.getKVClient().put(bytes(key(i)), bytes("v" + i)));
            if (inFlight.size() >= 64) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                inFlight.clear();
            }
        }
        for (int i = 0; i < keys; i += 5) {
            inFlight.add(client.getKVClient().put(bytes(key(i)), bytes("second-" + i)));
        }
        for (int i = 0; i < keys; i += 10) {
            inFlight.add(client.getKVClient().delete(bytes(key(i))));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }


    private static List<KeyValue> withoutAfter(List<KeyValue> kvs) {
        return kvs.stream().filter(kv -> !kv.getKey().toString(StandardCharsets.UTF_8).equals("/after")).toList();
    }

    private CairnProcess track(CairnProcess p) {
        servers.add(p);
        return p;
    }

    private Client client(CairnProcess server) {
        Client c = EtcdClients.jetcd(server);
        clients.add(c);
        return c;
    }

    private static String key(int i) {
        return String.format("/conv/%05d", i);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
