package dev.cairn.datastore.raft;

import static org.junit.Assert.assertTrue;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The broadcast is called on Ratis's apply thread: whatever its state, it must not throw there (an exception would
 * stop the member applying entries). Its effect on followers is covered by
 * {@code ClusterReplicationTest.aFollowerLearnsOfEachCommitWithoutWaitingForTheNextHeartbeat}.
 */
public class CommitBroadcastTest {

    @Test
    public void aCommitAfterTheStateMachineClosedIsIgnored() {
        CommitBroadcast broadcast = new CommitBroadcast(Optional::empty);
        broadcast.close();
        broadcast.committed(); // the timer is gone: nothing to do, nothing thrown
        broadcast.committed();
    }

    @Test
    public void aMemberThatDoesNotLeadTellsNobody() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        try (CommitBroadcast broadcast = new CommitBroadcast(() -> {
            asked.countDown();
            return Optional.empty();
        })) {
            broadcast.committed();
            assertTrue("the broadcast asks whether this member leads", asked.await(10, TimeUnit.SECONDS));
        }
    }
}
