package dev.cairn.datastore.raft;

import java.util.Optional;
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
}
