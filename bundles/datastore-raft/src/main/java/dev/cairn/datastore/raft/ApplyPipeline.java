package dev.cairn.datastore.raft;

import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.sqlite.ReplicaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Hands log entries to the replica store in log order, so that every replica applies them with the same outcome.
 *
 * <p>The store's writer applies queued entries in batches, one SQLite transaction per batch, and some effects of
 * an entry reach the in-memory state that later entries consult only once its batch is committed: a raised or
 * cleared alarm (puts check NOSPACE), a recorded compaction (txn reads check the compact revision). How entries are
 * batched depends on timing, which differs between members; so an entry after such a command would see the old or
 * the new state depending on the member, and members would diverge (one refuses a put with NO_SPACE, another
 * applies it). Such a command therefore ends its batch: the entries after it are handed over only once it is
 * committed. They are rare (alarms, compactions), so the cost is nil.
 */
final class ApplyPipeline {
    /** Completes once everything handed over so far may be followed by the next entry. */
    private CompletableFuture<Void> fence = CompletableFuture.completedFuture(null);

    /**
     * Applies the entry at (term, index) after the entries before it.
     *
     * @return the entry's reply
     */
    synchronized CompletableFuture<byte[]> apply(ReplicaStore store, long term, long index, Proposal proposal) {
        CompletableFuture<byte[]> reply = after(() -> store.apply(term, index,
                writes -> CommandApplier.apply(proposal, writes)));
        if (endsBatch(proposal.command())) {
            fence = reply.handle((r, failure) -> null);
        }
        return reply;
    }

    /**
     * Applies the entry of several proposals at (term, index) after the entries before it, each proposal as its
     * own request, the entry whole in one store transaction.
     *
     * @return the proposals' replies, in order
     */
    synchronized CompletableFuture<List<byte[]>> applyAll(ReplicaStore store, long term, long index,
            List<Proposal> proposals) {
        List<ReplicaStore.Command<byte[]>> commands = new ArrayList<>(proposals.size());
        for (Proposal proposal : proposals) {
            commands.add(writes -> CommandApplier.apply(proposal, writes));
        }
        CompletableFuture<List<byte[]>> replies = after(() -> store.applyAll(term, index, commands));
        if (proposals.stream().anyMatch(p -> endsBatch(p.command()))) {
            fence = replies.handle((r, failure) -> null);
        }
        return replies;
    }

    /** Records an entry that changes nothing (a configuration entry) after the entries before it. */
    synchronized CompletableFuture<ReplicaStore.Position> markApplied(ReplicaStore store, long term, long index,
            boolean durable) {
        return after(() -> store.markApplied(term, index, durable));
    }

    /**
     * Runs {@code submit} at once when no fence is pending (the common case: the entry joins the writer's queue
     * in order), else once the fence falls; the next entry waits only until this one is queued, so order is kept
     * and the entries after a fence are batched again.
     */
    private <T> CompletableFuture<T> after(Supplier<CompletableFuture<T>> submit) {
        if (fence.isDone()) {
            return submit.get();
        }
        CompletableFuture<CompletableFuture<T>> queued = fence.thenApply(v -> submit.get());
        fence = queued.handle((f, failure) -> null);
        return queued.thenCompose(f -> f);
    }

    /** Commands whose effect on the store's in-memory state later entries read while they apply. */
    static boolean endsBatch(Command c) {
        return c instanceof Command.SetAlarm || c instanceof Command.Compact;
    }
}
