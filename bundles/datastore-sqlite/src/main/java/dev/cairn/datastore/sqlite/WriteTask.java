package dev.cairn.datastore.sqlite;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request for the writer thread. {@link #apply} runs inside the batch transaction; a
 * {@link dev.cairn.datastore.api.DatastoreException} thrown before the first change refuses just this request.
 * Exclusive tasks (VACUUM) run alone, outside any transaction.
 *
 * <p>On a Raft replica a task carries the log entry it applies ({@link #raftIndex} &gt; 0): the batch records the
 * last one in the meta row, in the same transaction. A refused task has applied its entry too. An entry may hold
 * several requests ({@link #applyingAll}): each is one part with its own revision scope, all in the same
 * transaction, so the entry is applied whole or not at all.
 */
final class WriteTask<T> {

    @FunctionalInterface
    interface Apply<T> {
        T apply(RevisionScope scope) throws SQLException;
    }

    @FunctionalInterface
    interface Exclusive<T> {
        T run(Statements db) throws SQLException;
    }

    final CompletableFuture<T> future = new CompletableFuture<>();
    private final Apply<T> apply;
    /** The parts of a task of several requests; null for a task of one. */
    private final List<? extends Apply<?>> parts;
    private final Exclusive<T> exclusive;
    /** The Raft log entry this task applies; 0 for none. */
    final long raftTerm;
    final long raftIndex;
    /** The batch holding this task must be fsynced (a snapshot or a log purge relies on it). */
    final boolean durable;
    /** Set by the writer between apply and completion. */
    T result;
    RuntimeException refusal;
    private List<Object> partResults;

    private WriteTask(Apply<T> apply, List<? extends Apply<?>> parts, Exclusive<T> exclusive, long raftTerm,
            long raftIndex, boolean durable) {
        this.apply = apply;
        this.parts = parts;
        this.exclusive = exclusive;
        this.raftTerm = raftTerm;
        this.raftIndex = raftIndex;
        this.durable = durable;
    }

    static <T> WriteTask<T> of(Apply<T> apply) {
        return new WriteTask<>(apply, null, null, 0, 0, false);
    }

    /** A task applying the Raft log entry (term, index). */
    static <T> WriteTask<T> applying(long raftTerm, long raftIndex, boolean durable, Apply<T> apply) {
        return new WriteTask<>(apply, null, null, raftTerm, raftIndex, durable);
    }

    /**
     * A task applying the Raft log entry (term, index) that holds several requests, one part each, in order; its
     * result lists the parts' results. A part must not refuse by throwing: that fails the whole batch, as the
     * earlier parts have written already (a refusal is a part's result).
     */
    static <R> WriteTask<List<R>> applyingAll(long raftTerm, long raftIndex, List<? extends Apply<R>> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a task of several parts needs at least one");
        }
        return new WriteTask<>(null, List.copyOf(parts), null, raftTerm, raftIndex, false);
    }

    static <T> WriteTask<T> exclusive(Exclusive<T> run) {
        return new WriteTask<>(null, null, run, 0, 0, false);
    }

    boolean isExclusive() {
        return exclusive != null;
    }

    /** How many revision scopes the task needs: one per part. */
    int parts() {
        return parts == null ? 1 : parts.size();
    }

    /** Applies part {@code part} (0 for a task of one) in {@code scope}; the last part sets the result. */
    @SuppressWarnings("unchecked")
    void apply(int part, RevisionScope scope) throws SQLException {
        if (parts == null) {
            result = apply.apply(scope);
            return;
        }
        if (part == 0) {
            partResults = new ArrayList<>(parts.size());
        }
        partResults.add(parts.get(part).apply(scope));
        if (part == parts.size() - 1) {
            result = (T) partResults;
        }
    }

    /** Whether a refusal thrown by a part may refuse just this task: only before any part changed anything. */
    boolean refusable() {
        return parts == null;
    }

    void runExclusive(Statements db) throws SQLException {
        result = exclusive.run(db);
    }

    /** Completes the future with the outcome recorded by the writer. */
    void complete() {
        if (refusal != null) {
            future.completeExceptionally(refusal);
        } else {
            future.complete(result);
        }
    }
}
