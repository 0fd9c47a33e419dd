package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCli;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;

/**
 * {@code cairn datastore convert --to etcd} on a running SQLite server (127.0.0.77) while four clients write and one
 * watches, all over the connections they opened before: every acknowledged write is in the embedded etcd with the
 * revision it was acknowledged at, a write is at worst refused with a retryable UNAVAILABLE, the watch sees every
 * revision once and in order across the switch, the history and a lease from before are kept, and the server comes
 * back from a restart without {@code --cluster-init} as the embedded etcd; a second server (127.0.0.78) then joins it.
 */
public class LiveConversionIT {
    private static final String ADDRESS = "127.0.0.77";
    private static final String JOINER = "127.0.0.78";
    private static final String TOKEN = "live-conversion-secret";
    private static final Duration COMMAND = Duration.ofMinutes(3);
    private static final int WRITERS = 4;

    private final List<CairnProcess> servers = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();

    @After
    public void stop() {
        clients.forEach(Client::close);
        servers.forEach(CairnProcess::close);
    }

    @Test
    public void convertsARunningServerWithoutLosingAWriteOrAWatchEvent() throws Exception {
        assumeTrue("Cairn only", ServerUnderTest.isCairn());
        CairnProcess server = track(CairnProcess.create("live-convert", ADDRESS, "--node-name", "lc1", "--token",
                TOKEN, "--disable-apiserver"));
        server.start();
        Client client = client(server);
        for (int i = 0; i < 200; i++) {
            client.getKVClient().put(bytes("/before/" + i % 50), bytes("v" + i)).get(30, TimeUnit.SECONDS);
        }
        long lease = client.getLeaseClient().grant(3600).get(30, TimeUnit.SECONDS).getID();
        client.getKVClient().put(bytes("/leased"), bytes("x"), PutOption.builder().withLeaseId(lease).build())
                .get(30, TimeUnit.SECONDS);
        long startRevision = client.getKVClient().get(bytes("/leased")).get(30, TimeUnit.SECONDS).getHeader()
                .getRevision();
        List<KeyValue> history = all(client, "/before/", startRevision - 100);

        List<Long> watched = new CopyOnWriteArrayList<>();
        AtomicBoolean watchBroken = new AtomicBoolean();
        Watch.Watcher watcher = client.getWatchClient().watch(bytes("/live/"), WatchOption.builder().isPrefix(true)
                .withRevision(startRevision + 1).build(), response -> {
                    for (WatchEvent e : response.getEvents()) {
                        watched.add(e.getKeyValue().getModRevision());
                    }
                }, error -> watchBroken.set(true));

        Writers writers = new Writers(client);
        writers.start();
        writers.awaitAcknowledged(200);
        CairnCli.Result convert = CairnCli.run(COMMAND, "datastore", "convert", "--to", "etcd", "--data-dir",
                server.dataDir().toString());
        assertEquals(convert.output() + "\n" + server.logTail(), 0, convert.exitCode());
        assertTrue(convert.output(), convert.output().contains("from sqlite to raft"));
        int atSwitch = writers.acknowledged.size();
        writers.awaitAcknowledged(atSwitch + 200);
        writers.stop();

        assertTrue("only retryable refusals: " + writers.otherFailures, writers.otherFailures.isEmpty());
        long last = 0;
        for (Map.Entry<String, Long> ack : writers.acknowledged.entrySet()) {
            List<KeyValue> kv = client.getKVClient().get(bytes(ack.getKey())).get(30, TimeUnit.SECONDS).getKvs();
            assertEquals("acknowledged write " + ack.getKey(), 1, kv.size());
            assertEquals(ack.getKey(), (long) ack.getValue(), kv.get(0).getModRevision());
            last = Math.max(last, ack.getValue());
        }
        long lastRevision = last;
        Await.until("the watch to deliver every revision up to " + lastRevision, Duration.ofSeconds(30),
                () -> !watched.isEmpty() && watched.get(watched.size() - 1) >= lastRevision, server::logTail);
        assertFalse("the watch stayed open across the switch", watchBroken.get());
        for (int i = 1; i < watched.size(); i++) {
            assertTrue("watch revisions in order, no duplicate: " + watched.get(i - 1) + " then " + watched.get(i),
                    watched.get(i) > watched.get(i - 1));
        }
        assertTrue("every acknowledged write was watched",
                watched.containsAll(new ArrayList<>(writers.acknowledged.values())));
        watcher.close();

        assertEquals(render(history), render(all(client, "/before/", startRevision - 100)));
        assertTrue(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(30, TimeUnit.SECONDS)
                .getTTL() > 0);
        assertEquals(1, client.getClusterClient().listMember().get(30, TimeUnit.SECONDS).getMembers().size());
        Path db = server.dataDir().resolve("server/db");
        assertTrue(Files.exists(db.resolve("state.db.migrated")));
        assertFalse(Files.exists(db.resolve("state.db")));

        CairnCli.Result again = CairnCli.run(COMMAND, "datastore", "convert", "--to", "etcd", "--data-dir",
                server.dataDir().toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.output(), again.output().contains("already runs on the embedded etcd"));

        List<KeyValue> everything = all(client, "/", 0);
        server.stop(Duration.ofSeconds(30));
        closeClients();
        CairnProcess restarted = track(CairnProcess.onDataDir("live-convert-restart", ADDRESS, server.dataDir(),
                "--node-name", "lc1", "--token", TOKEN, "--disable-apiserver"));
        restarted.start();
        Client after = client(restarted);
        assertEquals(render(everything), render(all(after, "/", 0)));
        assertTrue(restarted.logTail(), restarted.logTail().contains("datastore active type=raft"));

        CairnProcess joiner = track(CairnProcess.create("live-convert-join", JOINER, "--node-name", "lc2",
                "--token", TOKEN, "--disable-apiserver", "--server", "https://" + ADDRESS + ":6443"));
        joiner.start();
        Client second = client(joiner);
        Await.until("the joined server to serve the converted data", Duration.ofSeconds(60), () -> {
            try {
                return render(everything).equals(render(all(second, "/", everything.stream()
                        .mapToLong(KeyValue::getModRevision).max().orElseThrow())));
            } catch (Exception e) {
                return false;
            }
        }, joiner::logTail);
    }

    /** Clients writing new keys as fast as they are acknowledged; a refusal is recorded and the next key goes on. */
    private static final class Writers {
        private final Client client;
        private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        private final List<String> otherFailures = new CopyOnWriteArrayList<>();
        private final AtomicInteger retryable = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Writers(Client client) {
            this.client = client;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(writer), "live-conversion-writer-" + w);
                threads.add(t);
                t.start();
            }
        }

        private void write(int writer) {
            for (int i = 0; running.get(); i++) {
                String key = "/live/" + writer + "/" + i;
                try {
                    long revision = client.getKVClient().put(bytes(key), bytes("v")).get(30, TimeUnit.SECONDS)
                            .getHeader().getRevision();
                    acknowledged.put(key, revision);
                } catch (Exception e) {
                    if (Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE) {
                        retryable.incrementAndGet();
                    } else {
                        otherFailures.add(key + ": " + e);
                    }
                }
            }
        }

        void awaitAcknowledged(int count) {
            Await.until(count + " acknowledged writes", Duration.ofSeconds(60), () -> acknowledged.size() >= count,
                    () -> "acknowledged " + acknowledged.size() + ", refused " + retryable.get() + ", failed "
                            + otherFailures);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(60_000);
            }
        }
    }

    private static List<KeyValue> all(Client client, String prefix, long revision) throws Exception {
        GetOption.Builder options = GetOption.builder().isPrefix(true);
        if (revision > 0) {
            options.withRevision(revision);
        }
        return client.getKVClient().get(bytes(prefix), options.build()).get(60, TimeUnit.SECONDS).getKvs();
    }

    private static String render(List<KeyValue> kvs) {
        StringBuilder out = new StringBuilder();
        for (KeyValue kv : kvs) {
            out.append(kv.getKey().toString(StandardCharsets.UTF_8)).append('=')
                    .append(kv.getValue().toString(StandardCharsets.UTF_8)).append(' ').append(kv.getCreateRevision())
                    .append(' ').append(kv.getModRevision()).append(' ').append(kv.getVersion()).append(' ')
                    .append(kv.getLease()).append('\n');
        }
        return out.toString();
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

    private void closeClients() {
        clients.forEach(Client::close);
        clients.clear();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
