package dev.cairn.itests.e2e;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;

/**
 * A write the server acknowledged is on disk: several clients write distinct keys, every acknowledged write is
 * recorded, the server is killed with SIGKILL while writes are in flight, restarted on the same data directory, and
 * every acknowledged key must be there with its value. Writes that were in flight may or may not have landed, but
 * whatever is there must be exactly what a client sent.
 */
public class CrashSafetyIT {

    private static final String ADDRESS = "127.0.0.34";
    private static final int WRITERS = 4;
    private static final int ACKED_BEFORE_KILL = 400;
    private static final Duration WRITE_PHASE_LIMIT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private ManagedServer server;
    private final List<Client> clients = new ArrayList<>();
    private ExecutorService writers;

    @After
    public void cleanUp() throws InterruptedException {
        clients.forEach(Client::close);
        if (writers != null) {
            writers.shutdownNow();
            writers.awaitTermination(REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
        server = ServerUnderTest.start("crash-cairn", ADDRESS);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong highestAcknowledgedRevision = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, Throwable> writerEnds = new ConcurrentHashMap<>();
        writers = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            // no client-side retries: a retried put could land after the restart and blur what was acknowledged
            Client client = EtcdClients.jetcdBuilder(server).retryMaxAttempts(0).build();
            clients.add(client);
            int writer = w;
            writers.submit(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String key = String.format("/crash/w%d/%06d", writer, n);
                    String value = valueFor(key);
                    try {
                        long revision = client.getKVClient().put(bytes(key), bytes(value))
                                .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getHeader().getRevision();
                        acknowledged.put(key, value);
                        highestAcknowledgedRevision.accumulateAndGet(revision, Math::max);
                    } catch (Exception e) {
                        writerEnds.put(writer, e); // expected once the server is gone; nothing was acknowledged
                        return;
                    }
                }
            });
        }

        Await.until(ACKED_BEFORE_KILL + " acknowledged writes", WRITE_PHASE_LIMIT,
                () -> acknowledged.size() >= ACKED_BEFORE_KILL || writerEnds.size() == WRITERS,
                () -> "acknowledged " + acknowledged.size() + ", writer failures " + writerEnds + "\n"
                        + server.logTail());
        assertTrue("writers failed before the kill: " + writerEnds + "\n" + server.logTail(), writerEnds.isEmpty());

        server.kill(); // SIGKILL while all writers still have requests in flight
        stop.set(true);
        clients.forEach(Client::close);
        clients.clear();
        writers.shutdown();
        assertTrue("writers did not stop after the kill",
                writers.awaitTermination(REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS));
        Map<String, String> acked = new TreeMap<>(acknowledged);

        server.restart();
        Map<String, String> stored = new TreeMap<>();
        long revisionAfterRestart;
        try (Client reader = EtcdClients.jetcd(server)) {
            var response = reader.getKVClient().get(bytes("/crash/"), GetOption.builder().isPrefix(true).build())
                    .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            for (KeyValue kv : response.getKvs()) {
                stored.put(kv.getKey().toString(StandardCharsets.UTF_8),
                        kv.getValue().toString(StandardCharsets.UTF_8));
            }
            revisionAfterRestart = reader.getKVClient().put(bytes("/crash/after-restart"), bytes("x"))
                    .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getHeader().getRevision();
        }

        List<String> lost = acked.keySet().stream().filter(k -> !stored.containsKey(k)).collect(Collectors.toList());
        List<String> changed = acked.keySet().stream()
                .filter(k -> stored.containsKey(k) && !stored.get(k).equals(acked.get(k))).collect(Collectors.toList());
        List<String> garbage = stored.entrySet().stream()
                .filter(e -> !e.getKey().equals("/crash/after-restart") && !e.getValue().equals(valueFor(e.getKey())))
                .map(Map.Entry::getKey).collect(Collectors.toList());
        if (!lost.isEmpty() || !changed.isEmpty() || !garbage.isEmpty()) {
            fail(acked.size() + " writes were acknowledged before SIGKILL; after the restart " + lost.size()
                    + " are missing " + sample(lost) + ", " + changed.size() + " have another value " + sample(changed)
                    + ", and " + garbage.size() + " keys hold a value no client sent " + sample(garbage) + "\n"
                    + server.logTail());
        }
        assertTrue("the revision went backwards after the restart: highest acknowledged "
                        + highestAcknowledgedRevision.get() + ", first write after restart " + revisionAfterRestart,
                revisionAfterRestart > highestAcknowledgedRevision.get());
    }

    /** Each key's value is derived from the key, so any value can be checked on its own. */
    private static String valueFor(String key) {
        return "value-of-" + key + "-" + "x".repeat(64);
    }

    private static String sample(List<String> keys) {
        return keys.stream().limit(5).collect(Collectors.joining(", ", "[", keys.size() > 5 ? ", …]" : "]"));
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
