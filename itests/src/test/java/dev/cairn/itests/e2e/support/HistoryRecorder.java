package dev.cairn.itests.e2e.support;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives several jetcd clients with random puts and linearizable gets on a few keys for a bounded time and records
 * every operation for {@link Linearizability}. Client {@code i} talks to endpoint {@code i mod n} only, so reads
 * are served by every server, not just the one a load balancer picks. Every put writes a value no one else writes
 * ({@code c<client>-<n>}). A put that fails has an unknown outcome (the server may have applied it); a get that
 * fails is not recorded. Clients never retry: a retried put could take effect twice.
 *
 * <p>Keys live under a prefix of their own (fresh by default), because the checker assumes every key starts
 * absent. The recorder stops by itself once its duration is over; {@link #close()} stops it early.
 */
public final class HistoryRecorder implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** A client whose request failed pauses this long, so a dead server does not turn into a busy loop. */
    private static final Duration FAILURE_PAUSE = Duration.ofMillis(50);

    private final History history = new History();
    private final AtomicLong failedGets = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Client> clients = new ArrayList<>();
    private final ExecutorService workers;
    private final Duration duration;
    private final List<String> keys = new ArrayList<>();

    private HistoryRecorder(List<? extends EtcdEndpoint> endpoints, int clientCount, int keyCount, Duration duration,
            String keyPrefix, long seed) {
        if (endpoints.isEmpty() || clientCount < 1 || keyCount < 1) {
            throw new IllegalArgumentException("need at least one endpoint, client and key");
        }
        this.duration = duration;
        for (int k = 0; k < keyCount; k++) {
            keys.add(keyPrefix + "k" + k);
        }
        workers = Executors.newFixedThreadPool(clientCount);
        long deadline = System.nanoTime() + duration.toNanos();
        for (int c = 0; c < clientCount; c++) {
            Client client = EtcdClients.jetcdBuilder(endpoints.get(c % endpoints.size())).retryMaxAttempts(0).build();
            clients.add(client);
            int id = c;
            Random random = new Random(seed * 31 + c);
            workers.submit(() -> drive(id, client.getKVClient(), random, deadline));
        }
        workers.shutdown();
    }

    /** Starts recording: {@code clients} clients on {@code keys} keys for {@code duration}. */
    public static HistoryRecorder start(List<? extends EtcdEndpoint> endpoints, int clients, int keys,
            Duration duration) {
        return new HistoryRecorder(endpoints, clients, keys, duration, "/linearizability/" + System.nanoTime() + "/",
                System.nanoTime());
    }

    /** The same with a chosen key prefix and seed for the random choice of operations and keys. */
    public static HistoryRecorder start(List<? extends EtcdEndpoint> endpoints, int clients, int keys,
            Duration duration, String keyPrefix, long seed) {
        return new HistoryRecorder(endpoints, clients, keys, duration, keyPrefix, seed);
    }

    private void drive(int id, KV kv, Random random, long deadline) {
        long written = 0;
        while (System.nanoTime() - deadline < 0 && stop.getCount() > 0) {
            String key = keys.get(random.nextInt(keys.size()));
            boolean ok = random.nextBoolean() ? put(id, kv, key, "c" + id + "-" + written++) : get(id, kv, key);
            if (!ok && pauseUnlessStopped()) {
                return;
            }
        }
    }

    private boolean put(int id, KV kv, String key, String value) {
        long invoke = System.nanoTime();
        try {
            kv.put(bytes(key), bytes(value)).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            history.add(Operation.put(id, key, value, invoke, System.nanoTime()));
            completed.incrementAndGet();
            return true;
        } catch (ExecutionException | TimeoutException e) {
            history.add(Operation.unknownPut(id, key, value, invoke));
            return false;
        } catch (InterruptedException e) {
            history.add(Operation.unknownPut(id, key, value, invoke));
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A linearizable get (jetcd's default: not serializable). */
    private boolean get(int id, KV kv, String key) {
        long invoke = System.nanoTime();
        try {
            GetResponse response = kv.get(bytes(key)).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long complete = System.nanoTime();
            String value = response.getKvs().isEmpty() ? null
                    : response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
            history.add(Operation.get(id, key, value, invoke, complete));
            completed.incrementAndGet();
            return true;
        } catch (ExecutionException | TimeoutException e) {
            failedGets.incrementAndGet();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when the recorder was stopped (or interrupted) during the pause. */
    private boolean pauseUnlessStopped() {
        try {
            return Thread.currentThread().isInterrupted()
                    || stop.await(FAILURE_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Operations recorded so far (a test waits on this before it kills a server, say). */
    public int recorded() {
        return history.size();
    }

    /** Operations that succeeded so far: a measure of progress (failures pile up fast while a server is down). */
    public long completed() {
        return completed.get();
    }

    public long failedGets() {
        return failedGets.get();
    }

    /** Waits until every client has finished (the duration plus one request timeout at most); the history. */
    public History awaitHistory() {
        Duration bound = duration.plus(REQUEST_TIMEOUT).plusSeconds(10);
        try {
            if (!workers.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("history clients still ran " + bound.toSeconds() + " s after they started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the history clients", e);
        }
        return history;
    }

    public String summary() {
        return history.summary() + "; " + failedGets.get() + " failed gets not recorded";
    }

    /**
     * Stops the clients early: each finishes the request it has under way (recorded like any other), then stops; the
     * history so far stays valid.
     */
    public void stop() {
        stop.countDown();
        try {
            workers.awaitTermination(REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the clients early (the history so far stays valid) and closes them. */
    @Override
    public void close() {
        stop();
        workers.shutdownNow();
        clients.forEach(Client::close);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
