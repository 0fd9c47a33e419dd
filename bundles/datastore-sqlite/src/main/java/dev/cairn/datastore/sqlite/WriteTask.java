package dev.cairn.datastore.sqlite;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * A request for the writer thread. {@link #apply} runs inside the batch transaction; a
 * {@link dev.cairn.datastore.api.DatastoreException} thrown before the first change refuses just this request.
 * Exclusive tasks (VACUUM) run alone, outside any transaction.
 *
 * <p>On a Raft replica a task carries the log entry it applies ({@link #raftIndex} &gt; 0): the batch records the
 * last one in the meta row, in the same transaction. A refused task has applied its entry too.
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
    private final Exclusive<T> exclusive;
    /** The Raft log entry this task applies; 0 for none. */
    final long raftTerm;
    final long raftIndex;
    /** The batch holding this task must be fsynced (a snapshot or a log purge relies on it). */
    final boolean durable;
    /** Set by the writer between apply and completion. */
    T result;
    RuntimeException refusal;

    private WriteTask(Apply<T> apply, Exclusive<T> exclusive, long raftTerm, long raftIndex, boolean durable) {
        this.apply = apply;
        this.exclusive = exclusive;
        this.raftTerm = raftTerm;
        this.raftIndex = raftIndex;
        this.durable = durable;
    }

    static <T> WriteTask<T> of(Apply<T> apply) {
        return new WriteTask<>(apply, null, 0, 0, false);
    }

    /** A task applying the Raft log entry (term, index). */
    static <T> WriteTask<T> applying(long raftTerm, long raftIndex, boolean durable, Apply<T> apply) {
        return new WriteTask<>(apply, null, raftTerm, raftIndex, durable);
    }

    static <T> WriteTask<T> exclusive(Exclusive<T> run) {
        return new WriteTask<>(null, run, 0, 0, false);
    }

    boolean isExclusive() {
        return exclusive != null;
    }

    void apply(RevisionScope scope) throws SQLException {
        result = apply.apply(scope);
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
