package dev.cairn.datastore.raft;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * How far the local store has applied the log, and futures waiting for an index. Entries are handed to the store
 * in log order and complete in that order, so "applied" only grows.
 */
final class AppliedIndex {
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();
    private volatile long applied;
    /** The last index handed to the store (ahead of {@link #applied} while it is applying). */
    private volatile long submitted;

    void reset(long index) {
        applied = index;
        submitted = index;
        release();
    }

    void submitted(long index) {
        submitted = Math.max(submitted, index);
    }

    void applied(long index) {
        if (index > applied) {
            applied = index;
        }
        release();
    }

    long applied() {
        return applied;
    }

    /** Completes once every entry handed to the store so far is applied. */
    CompletableFuture<Void> awaitSubmitted() {
        return await(submitted);
    }

    CompletableFuture<Void> await(long index) {
        if (applied >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = waiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        release();
        return f;
    }

    /** Fails every waiter (the store is going away). */
    void fail(RuntimeException cause) {
        for (Map.Entry<Long, CompletableFuture<Void>> e : waiters.entrySet()) {
            waiters.remove(e.getKey());
            e.getValue().completeExceptionally(cause);
        }
    }

    private void release() {
        long now = applied;
        for (Map.Entry<Long, CompletableFuture<Void>> e = waiters.firstEntry(); e != null && e.getKey() <= now;
                e = waiters.firstEntry()) {
            waiters.remove(e.getKey());
            e.getValue().complete(null);
        }
    }
}
