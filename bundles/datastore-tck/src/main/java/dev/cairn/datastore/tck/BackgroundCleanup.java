package dev.cairn.datastore.tck;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cleanup that runs in the background after a test while the next tests run: closing the stores the test left open,
 * when their close is slow, and deleting their data. It is for backends whose every store has its own data
 * directory and ports, so that what is being cleaned up shares nothing with the next test's stores (a Ratis member
 * takes about a second to close: its log worker polls its queue once a second).
 *
 * <p>A failed cleanup is not lost: it fails the next test that opens a store, naming the test it cleaned up after,
 * and {@link DatastoreContract} waits for every cleanup at the end of each test class and fails the class if one
 * failed, so no cleanup runs into the next class.
 */
public final class BackgroundCleanup {

    /** Cleanups waiting or running at most at once; a test that submits another first waits for the oldest. */
    private static final int MAX_PENDING = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tck-background-cleanup-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final Deque<Pending> PENDING = new ArrayDeque<>();

    static {
        // the last class's cleanups finish before the JVM exits, so that no data is left behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                awaitAll();
            } catch (AssertionError e) {
                System.err.println(e.getMessage());
            }
        }, "tck-background-cleanup-await"));
    }

    /** Work that may fail. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private record Pending(String what, Future<?> future) {
    }

    private BackgroundCleanup() {
    }

    /** Runs {@code work} in the background; {@code what} names it in a failure ("the stores of test X"). */
    public static void submit(String what, Work work) {
        Pending oldest = null;
        synchronized (PENDING) {
            if (PENDING.size() >= MAX_PENDING) {
                oldest = PENDING.peekFirst();
            }
        }
        if (oldest != null) {
            await(oldest);
        }
        Future<?> future = EXECUTOR.submit(() -> {
            work.run();
            return null;
        });
        synchronized (PENDING) {
            PENDING.addLast(new Pending(what, future));
        }
    }

    /** Fails when a finished cleanup failed; cleanups still running are left alone. */
    static void checkFinished() {
        List<Pending> done = new ArrayList<>();
        synchronized (PENDING) {
            PENDING.removeIf(p -> p.future().isDone() && done.add(p));
        }
        done.forEach(BackgroundCleanup::await);
    }

    /** Waits for every cleanup; fails, naming the first that failed, when any did. */
    static void awaitAll() {
        List<Pending> all;
        synchronized (PENDING) {
            all = new ArrayList<>(PENDING);
            PENDING.clear();
        }
        AssertionError first = null;
        for (Pending p : all) {
            try {
                await(p);
            } catch (AssertionError e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void await(Pending p) {
        try {
            p.future().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("cleaning up " + p.what() + " in the background failed: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("cleaning up " + p.what() + " in the background took more than " + TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the cleanup of " + p.what(), e);
        } finally {
            synchronized (PENDING) {
                PENDING.remove(p);
            }
        }
    }
}
