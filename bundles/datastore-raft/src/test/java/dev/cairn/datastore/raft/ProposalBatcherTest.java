package dev.cairn.datastore.raft;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.raft.Command.Proposal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.Test;

/**
 * The batcher sends a lone proposal at once; proposals arriving while {@link ProposalBatcher#MAX_IN_FLIGHT} entries
 * are unanswered wait and then travel as one entry, each getting its own reply; commands that must be alone stay
 * alone; a failed entry fails every proposal in it.
 */
public class ProposalBatcherTest {

    /** The log: records what was sent, answered by the test. */
    private final List<byte[]> sent = new ArrayList<>();
    private final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();
    private final ProposalBatcher batcher = new ProposalBatcher((entry, batchable) -> {
        CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
        synchronized (sent) {
            sent.add(entry);
            replies.add(reply);
        }
        return reply;
    });

    private static byte[] put(long seq) {
        return CommandCodec.encode(new Proposal(1, seq, new Command.Put(PutRequest.of(Bytes.utf8("k" + seq),
                Bytes.utf8("v")))));
    }

    private static RaftClientReply success(byte[] content, long logIndex) {
        return RaftClientReply.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftGroupMemberId.valueOf(
                RaftPeerId.valueOf("p"), RaftNode.GROUP_ID)).setCallId(1).setSuccess(true).setLogIndex(logIndex)
                .setMessage(Message.valueOf(ByteString.copyFrom(content))).build();
    }

    @Test
    public void aLoneProposalGoesAtOnceAsAPlainEntry() throws Exception {
        byte[] p = put(1);
        CompletableFuture<ProposalBatcher.Answer> answer = batcher.submit(p, true);
        assertEquals(1, sent.size());
        assertArrayEquals("not wrapped in a batch", p, sent.get(0));
        replies.get(0).complete(success(new byte[] {9}, 5));
        ProposalBatcher.Answer a = answer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {9}, a.reply());
        assertEquals(5, a.logIndex());
    }

    @Test
    public void proposalsThatWaitedTravelAsOneEntryAndEachGetsItsReply() throws Exception {
        int alone = ProposalBatcher.MAX_IN_FLIGHT;
        List<CompletableFuture<ProposalBatcher.Answer>> answers = new ArrayList<>();
        for (int seq = 1; seq <= alone + 5; seq++) {
            answers.add(batcher.submit(put(seq), true));
        }
        assertEquals("only MAX_IN_FLIGHT entries before an answer", alone, sent.size());
        replies.get(0).complete(success(new byte[] {1}, 10));
        assertEquals(alone + 1, sent.size());
        List<Proposal> batch = CommandCodec.decodeEntry(sent.get(alone));
        assertEquals(5, batch.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(alone + 1 + i, batch.get(i).seq());
        }
        List<byte[]> batchReplies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batchReplies.add(new byte[] {(byte) (30 + i)});
        }
        replies.get(alone).complete(success(ReplyCodec.batch(batchReplies), 12));
        for (int i = 0; i < 5; i++) {
            ProposalBatcher.Answer a = answers.get(alone + i).get(10, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {(byte) (30 + i)}, a.reply());
            assertEquals(12, a.logIndex());
        }
    }

    @Test
    public void aCommandThatMustBeAloneIsNeverBatched() {
        int alone = ProposalBatcher.MAX_IN_FLIGHT;
        for (int seq = 1; seq <= alone; seq++) {
            batcher.submit(put(seq), true);
        }
        byte[] alarm = CommandCodec.encode(new Proposal(1, 100, new Command.SetAlarm(
                dev.cairn.datastore.api.Alarm.Type.NOSPACE, true)));
        assertFalse(ProposalBatcher.batchable(new Command.SetAlarm(dev.cairn.datastore.api.Alarm.Type.NOSPACE,
                true)));
        batcher.submit(put(10), true);
        batcher.submit(alarm, false);
        batcher.submit(put(11), true);
        // each answer lets the next entry go: the put before the alarm, the alarm, the put after it
        for (int i = 0; i < alone + 2; i++) {
            replies.get(i).complete(success(new byte[] {1}, i + 1));
        }
        assertEquals(alone + 3, sent.size());
        assertEquals(1, CommandCodec.decodeEntry(sent.get(alone)).size());
        assertArrayEquals(alarm, sent.get(alone + 1));
        assertEquals(11, CommandCodec.decodeEntry(sent.get(alone + 2)).get(0).seq());
    }

    @Test
    public void aFailedEntryFailsEveryProposalInIt() throws Exception {
        for (int seq = 1; seq <= ProposalBatcher.MAX_IN_FLIGHT; seq++) {
            batcher.submit(put(seq), true);
        }
        CompletableFuture<ProposalBatcher.Answer> a = batcher.submit(put(10), true);
        CompletableFuture<ProposalBatcher.Answer> b = batcher.submit(put(11), true);
        replies.get(0).completeExceptionally(StoreError.NO_LEADER.exception());
        assertEquals("the two waiting proposals went as one entry", 2,
                CommandCodec.decodeEntry(sent.get(ProposalBatcher.MAX_IN_FLIGHT)).size());
        replies.get(ProposalBatcher.MAX_IN_FLIGHT).completeExceptionally(StoreError.NO_LEADER.exception());
        for (CompletableFuture<ProposalBatcher.Answer> f : List.of(a, b)) {
            try {
                f.get(10, TimeUnit.SECONDS);
                throw new AssertionError("a proposal of a failed entry succeeded");
            } catch (ExecutionException e) {
                assertTrue(e.getCause().toString(), e.getCause() instanceof DatastoreException d
                        && d.error() == StoreError.NO_LEADER);
            }
        }
    }
}
