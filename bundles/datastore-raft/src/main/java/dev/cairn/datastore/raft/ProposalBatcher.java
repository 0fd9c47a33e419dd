package dev.cairn.datastore.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * This server's proposals on their way into the Raft log. While no log write of this server is unanswered (fewer
 * than {@link #MAX_IN_FLIGHT}), a proposal is sent at once, alone (a lone client's write waits for nothing).
 * Otherwise proposals wait, and the ones that waited together go as one log entry ({@link CommandCodec#BATCH}) when
 * the write is answered: group commit. Under load this turns many small entries into few large ones: Ratis's cost per entry (the
 * forwarding call, the append, the replication message, the apply) is paid once per batch, as etcd pays its raft
 * costs once per Ready batch. Membership, alarm and compaction commands always travel alone.
 */
final class ProposalBatcher {
    /**
     * Log writes of this server that may be unanswered at once before proposals start to wait. One gave the most
     * throughput at 64 and 256 clients on a 3-server cluster (measured against two): larger batches, fewer entries.
     */
    static final int MAX_IN_FLIGHT = 1;
    /** A batch stops growing at this many proposals or bytes; a larger single proposal still goes (alone). */
    static final int MAX_BATCH = 256;
    static final int MAX_BATCH_BYTES = 512 * 1024;

    /** A proposal's reply and the index of the log entry that carried it. */
    record Answer(byte[] reply, long logIndex) {
    }

    private record Waiting(byte[] proposal, boolean batchable, CompletableFuture<Answer> answer) {
    }

    /** Where entries go: into the Raft log, through the leader. */
    interface EntryLog {
        /**
         * @param batchable the entry holds only commands that may share an entry (so the leader may carry them
         *                  in its own entries)
         */
        CompletableFuture<RaftClientReply> append(byte[] entry, boolean batchable);
    }

    private final EntryLog log;
    private final java.util.function.IntConsumer entrySizes;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;

    /** @param log sends one entry to the log (through the leader) and completes with its reply */
    ProposalBatcher(EntryLog log) {
        this(log, size -> {
        });
    }

    /** @param entrySizes hears how many proposals each entry sent carries (the write batch size) */
    ProposalBatcher(EntryLog log, java.util.function.IntConsumer entrySizes) {
        this.log = log;
        this.entrySizes = entrySizes;
    }

    /**
     * Sends {@code proposal} (a {@link CommandCodec#encode} form) to the log, alone or with others.
     *
     * @param batchable false for a command that must be an entry of its own
     */
    CompletableFuture<Answer> submit(byte[] proposal, boolean batchable) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        List<Waiting> entry;
        synchronized (this) {
            waiting.add(new Waiting(proposal, batchable, answer));
            entry = nextEntry();
        }
        send(entry);
        return answer;
    }

    /** Commands that may share an entry: the client writes and leases. */
    static boolean batchable(Command c) {
        return c instanceof Command.Put || c instanceof Command.Delete || c instanceof Command.Txn
                || c instanceof Command.Grant || c instanceof Command.Revoke;
    }

    /** The proposals of the next entry to send now, or null when none may go yet. */
    private List<Waiting> nextEntry() {
        if (waiting.isEmpty() || inFlight >= MAX_IN_FLIGHT) {
            return null;
        }
        List<Waiting> entry = new ArrayList<>();
        Waiting first = waiting.poll();
        entry.add(first);
        int bytes = first.proposal().length;
        while (first.batchable() && !waiting.isEmpty() && entry.size() < MAX_BATCH) {
            Waiting next = waiting.peek();
            if (!next.batchable() || bytes + next.proposal().length > MAX_BATCH_BYTES) {
                break;
            }
            entry.add(waiting.poll());
            bytes += next.proposal().length;
        }
        inFlight++;
        return entry;
    }

    private void send(List<Waiting> entry) {
        if (entry == null) {
            return;
        }
        entrySizes.accept(entry.size());
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = log.append(entry.size() == 1 ? entry.get(0).proposal()
                    : CommandCodec.encodeBatch(entry.stream().map(Waiting::proposal).toList()),
                    entry.get(0).batchable());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, failure) -> {
            answer(entry, reply, failure);
            List<Waiting> next;
            synchronized (this) {
                inFlight--;
                next = nextEntry();
            }
            send(next);
        });
    }

    private static void answer(List<Waiting> entry, RaftClientReply reply, Throwable failure) {
        if (failure != null || !reply.isSuccess()) {
            Throwable why = RaftErrors.of(failure != null ? failure : reply.getException());
            entry.forEach(w -> w.answer().completeExceptionally(why));
            return;
        }
        byte[] content = reply.getMessage().getContent().toByteArray();
        if (entry.size() == 1) {
            entry.get(0).answer().complete(new Answer(content, reply.getLogIndex()));
            return;
        }
        List<byte[]> replies;
        try {
            replies = ReplyCodec.unbatch(content);
        } catch (RuntimeException e) {
            entry.forEach(w -> w.answer().completeExceptionally(RaftErrors.of(e)));
            return;
        }
        for (int i = 0; i < entry.size(); i++) {
            entry.get(i).answer().complete(new Answer(replies.get(i), reply.getLogIndex()));
        }
    }
}
