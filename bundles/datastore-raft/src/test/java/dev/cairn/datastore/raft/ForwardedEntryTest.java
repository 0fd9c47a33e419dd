package dev.cairn.datastore.raft;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.Test;

/**
 * A follower reads the leader's answer to its forwarded entry as the reply to a write of it: replies and log index;
 * a refusal that sends the entry to the next leader; an etcd error; a failed call untouched.
 */
public class ForwardedEntryTest {
    private static RaftClientReply call(byte[] content) {
        return RaftClientReply.newBuilder().setClientId(ClientId.randomId())
                .setServerId(RaftGroupMemberId.valueOf(RaftPeerId.valueOf("leader"), RaftNode.GROUP_ID)).setCallId(7)
                .setSuccess(true).setLogIndex(3).setMessage(Message.valueOf(ByteString.copyFrom(content))).build();
    }

    @Test
    public void theQueryCarriesTheEntry() {
        byte[] entry = {2, 0, 0, 0, 1, 0, 0, 0, 1, 42};
        Query q = Query.decode(ForwardedEntry.request(entry).getContent().toByteArray());
        assertEquals(Query.Kind.FORWARD, q.kind());
        assertArrayEquals(entry, q.payload());
    }

    @Test
    public void aCarriedEntryReadsAsAWriteReplyAtTheLeadersLogIndex() {
        RaftClientReply reply = ForwardedEntry.answer(call(ForwardedEntry.carried(1234, new byte[] {5, 6})));
        assertTrue(reply.isSuccess());
        assertEquals("the index of the leader's entry, not of the query", 1234, reply.getLogIndex());
        assertArrayEquals(new byte[] {5, 6}, reply.getMessage().getContent().toByteArray());
        assertEquals(7, reply.getCallId());
    }

    @Test
    public void aRefusalByAMemberThatDoesNotLeadIsSentAgain() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> ForwardedEntry.answer(call(ForwardedEntry.notLeader("m2 does not lead"))));
        assertTrue(RaftNode.leaderMoved(e));
        assertTrue(RaftErrors.isTransient(e));
        assertTrue(e.getCause().getMessage().contains("m2 does not lead"));
    }

    @Test
    public void aFailureArrivesAsItsEtcdError() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> ForwardedEntry.answer(call(ForwardedEntry.failed(StoreError.NO_SPACE.exception()))));
        DatastoreException d = (DatastoreException) e.getCause();
        assertEquals(StoreError.NO_SPACE, d.error());
    }

    @Test
    public void aFailedCallStaysAsItIs() {
        RaftClientReply failed = RaftClientReply.newBuilder().setClientId(ClientId.randomId())
                .setServerId(RaftGroupMemberId.valueOf(RaftPeerId.valueOf("m2"), RaftNode.GROUP_ID)).setCallId(1)
                .setException(new NotLeaderException(RaftGroupMemberId.valueOf(RaftPeerId.valueOf("m2"),
                        RaftNode.GROUP_ID), null, java.util.List.of()))
                .build();
        assertSame(failed, ForwardedEntry.answer(failed));
    }
}
