package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.etcd.EtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fresh etcd processes started ahead of the tests that use them: each {@link #take()} hands out an etcd that no
 * test has used (its own empty data dir, its own ports on {@link EtcdStores#HOST}), started in the background while
 * earlier tests ran, and starts the next one. Starting an etcd takes about half a second (process start, a single-
 * member election after two ticks, publishing itself), several times as long as most contract tests; ahead of
 * time, it costs the tests almost nothing. The etcds never taken are stopped, and every dir deleted, when the JVM
 * exits.
 */
final class FreshEtcds {

    /** How many etcds are started ahead of the test that takes one. */
    private static final int AHEAD = 2;

    private final Path root;
    private final ExecutorService starter = Executors.newFixedThreadPool(AHEAD, r -> {
        Thread t = new Thread(r, "etcd-tck-starter");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Future<EtcdProcess>> ahead = new ArrayDeque<>();

    FreshEtcds() {
        try {
            root = Files.createTempDirectory("etcd-tck-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "etcd-tck-shutdown"));
    }

    /** A started etcd no test has used; the caller stops it and deletes its dir ({@link #discard}). */
    synchronized EtcdProcess take() throws Exception {
        fill();
        Future<EtcdProcess> next = ahead.removeFirst();
        fill();
        try {
            return next.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Stops an etcd handed out by {@link #take()} and deletes its dir. */
    static void discard(EtcdProcess etcd) throws InterruptedException {
        etcd.stop();
        delete(etcd.dataDir().getParent());
    }

    private void fill() {
        while (ahead.size() < AHEAD) {
            ahead.addLast(starter.submit(() -> {
                EtcdProcess etcd = new EtcdProcess(EtcdStores.HOST, Files.createTempDirectory(root, "etcd-"), false,
                        List.of());
                etcd.start();
                return etcd;
            }));
        }
    }

    private synchronized void shutdown() {
        starter.shutdown();
        try {
            starter.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Future<EtcdProcess> f : ahead) {
            try {
                f.get().stop();
            } catch (Exception e) {
                // not started or already gone: nothing to stop
            }
        }
        delete(root);
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
