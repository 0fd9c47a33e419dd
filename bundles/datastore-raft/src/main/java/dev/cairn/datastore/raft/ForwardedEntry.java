package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.DatastoreException;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A follower's entry of client writes, sent to the leader for the leader to carry in its own entries: the leader
 * puts the entry's proposals among its own waiting ones ({@link ProposalBatcher}), so that under load the cluster
 * makes one stream of large entries instead of one stream per server, as etcd's leader takes its followers'
 * proposals into its own Ready batches. The entry travels as a {@link Query.Kind#FORWARD} query (Ratis' stale
 * read, which the receiving state machine answers without a log entry of its own); the answer is the leader's
 * replies and the index of the last entry that carried them, once applied at the leader.
 *
 * <p>A leader that is not (or no longer) leading refuses the entry, and the follower sends it again to whoever leads
 * ({@link LeaderWrites}); a proposal that reached the log before is applied once, by its request id.
 */
final class ForwardedEntry {
    private static final int CARRIED = 0;
    private static final int NOT_LEADER = 1;
    private static final int FAILED = 2;

    private ForwardedEntry() {
    }

    /** The query that carries {@code entry} (one proposal, or a batch of them) to the leader. */
    static Message request(byte[] entry) {
        return Message.valueOf(ByteString.copyFrom(new Query(Query.Kind.FORWARD, 0, entry).encode()));
    }

    /** The leader's answer: its replies to the entry's proposals, and the last log index that carried them. */
    static byte[] carried(long logIndex, byte[] replies) {
        return new Wire.Out().u8(CARRIED).i64(logIndex).bytes(replies).bytes();
    }

    /** The receiver does not lead: the entry must go to whoever does. */
    static byte[] notLeader(String why) {
        return new Wire.Out().u8(NOT_LEADER).text(why).bytes();
    }

    /** The leader took the entry but could not log it, for a reason another try at another leader would not mend. */
    static byte[] failed(DatastoreException e) {
        return new Wire.Out().u8(FAILED).bytes(ReplyCodec.error(e)).bytes();
    }

    /**
     * The answer to a forwarded entry, as the reply to a write of it would have been: successful with the replies
     * and the log index; a refusal by a server that does not lead as Ratis' "not ready" (which {@link LeaderWrites}
     * sends again, to the leader it learns of next); a failure as its etcd error. A failed call stays as it is.
     *
     * @throws CompletionException for a refusal or a failure
     */
    static RaftClientReply answer(RaftClientReply call) {
        if (!call.isSuccess()) {
            return call;
        }
        Wire.In in = new Wire.In(call.getMessage().getContent().toByteArray());
        switch (in.u8()) {
            case CARRIED -> {
                long logIndex = in.i64();
                byte[] replies = in.bytes();
                return RaftClientReply.newBuilder().setClientId(call.getClientId()).setServerId(call.getServerId())
                        .setGroupId(call.getRaftGroupId()).setCallId(call.getCallId()).setSuccess(true)
                        .setLogIndex(logIndex)
                        .setMessage(Message.valueOf(ByteString.copyFrom(replies))).build();
            }
            case NOT_LEADER -> throw new CompletionException(new ServerNotReadyException(in.text()));
            case FAILED -> {
                try {
                    ReplyCodec.done(in.bytes());
                } catch (DatastoreException e) {
                    throw new CompletionException(e);
                }
                throw new IllegalStateException("a failed forwarded entry came without its error");
            }
            default -> throw new NewerFormatException("the leader answered a forwarded entry in a format this Cairn"
                    + " does not know; upgrade this server");
        }
    }
}
