package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.StoreError;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Puts log entries to the leader this server knows, and follows the leader across elections: an entry the known
 * leader did not take (it died, stepped down, is not ready yet) goes again as soon as this server learns of a new
 * leader, polled every {@link #POLL_MS}, rather than after a client's growing back-off. Resending is safe: the
 * state machine applies each proposal once, by its request id.
 *
 * <p>Bounded like etcd's proposals: with no leader known the entry fails with {@code NO_LEADER} after
 * {@code noLeaderWait} (one election timeout), and in any case after {@code deadline}.
 */
final class LeaderWrites {
    static final long POLL_MS = 10;

    private final Supplier<RaftNode> node;
    private final Duration deadline;
    private final Duration noLeaderWait;

    LeaderWrites(Supplier<RaftNode> node, Duration deadline, Duration noLeaderWait) {
        this.node = node;
        this.deadline = deadline;
        this.noLeaderWait = noLeaderWait;
    }

    /** @param batchable see {@link RaftNode#writeAt} */
    CompletableFuture<RaftClientReply> write(byte[] entry, boolean batchable) {
        CompletableFuture<RaftClientReply> result = new CompletableFuture<>();
        long now = System.nanoTime();
        attempt(entry, batchable, now + deadline.toNanos(), now + noLeaderWait.toNanos(), null, result);
        return result;
    }

    /**
     * @param leaderlessUntil when to give up while no leader is known
     * @param refusedBy       the leader that last failed to take the entry (tried again only after a pause)
     */
    private void attempt(byte[] entry, boolean batchable, long until, long leaderlessUntil, RaftPeerId refusedBy,
            CompletableFuture<RaftClientReply> result) {
        RaftNode n = node.get();
        if (n == null) {
            result.completeExceptionally(StoreError.STOPPED.exception());
            return;
        }
        RaftPeerId leader = n.leader();
        long now = System.nanoTime();
        if (leader == null || leader.equals(refusedBy)) {
            if (now >= until || leader == null && now >= leaderlessUntil) {
                result.completeExceptionally(StoreError.NO_LEADER.exception());
                return;
            }
            long nextLeaderless = leader == null ? leaderlessUntil : now + noLeaderWait.toNanos();
            // the same leader is asked again after one poll: it may have become ready meanwhile
            RaftPeerId skip = leader == null ? refusedBy : null;
            CompletableFuture.delayedExecutor(POLL_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(entry, batchable, until, nextLeaderless, skip, result));
            return;
        }
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = n.writeAt(entry, batchable, leader);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, failure) -> {
            Throwable problem = failure != null ? failure : reply.isSuccess() ? null : reply.getException();
            if (problem == null || !RaftErrors.isTransient(problem) && !RaftNode.leaderMoved(problem)) {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(reply);
                }
                return;
            }
            if (System.nanoTime() >= until) {
                result.completeExceptionally(RaftErrors.of(problem));
                return;
            }
            attempt(entry, batchable, until, System.nanoTime() + noLeaderWait.toNanos(), leader, result);
        });
    }
}
