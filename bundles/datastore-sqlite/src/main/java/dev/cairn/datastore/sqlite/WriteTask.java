package dev.cairn.datastore.sqlite;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * A request for the writer thread. {@link #apply} runs inside the batch transaction; a
 * {@link dev.cairn.datastore.api.DatastoreException} thrown before the first change refuses just this request.
 * Exclusive tasks (VACUUM) run alone, outside any transaction.
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
    /** Set by the writer between apply and completion. */
    T result;
    RuntimeException refusal;

    private WriteTask(Apply<T> apply, Exclusive<T> exclusive) {
        this.apply = apply;
        this.exclusive = exclusive;
    }

    static <T> WriteTask<T> of(Apply<T> apply) {
        return new WriteTask<>(apply, null);
    }

    static <T> WriteTask<T> exclusive(Exclusive<T> run) {
        return new WriteTask<>(null, run);
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
