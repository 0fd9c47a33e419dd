package dev.cairn.datastore.raft;

import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Whether a learner has caught up with the leader, as only the leader knows: the commit index the learner last
 * reported is within {@value #MARGIN} entries of the leader's. etcd promotes a learner in the same state.
 */
final class LearnerProgress {
    /** Entries a learner may trail by and still count as caught up (a few heartbeats' worth of writes). */
    static final long MARGIN = 100;

    private LearnerProgress() {
    }

    /** False unless {@code division} leads. */
    static boolean caughtUp(RaftServer.Division division, RaftPeerId peer) {
        if (!division.getInfo().isLeader()) {
            return false;
        }
        long reported = reported(division, peer);
        return reported >= 0 && reported + MARGIN >= division.getRaftLog().getLastCommittedIndex();
    }

    /** The commit index {@code peer} last reported to this leader, or -1. */
    static long reported(RaftServer.Division division, RaftPeerId peer) {
        for (CommitInfoProto info : division.getCommitInfos()) {
            if (info.getServer().getId().equals(peer.toByteString())) {
                return info.getCommitIndex();
            }
        }
        return -1;
    }

    /** True when {@code peer} reported a commit index of at least {@code index} to this leader. */
    static boolean reached(RaftServer.Division division, RaftPeerId peer, long index) {
        return reported(division, peer) >= Math.max(index, 0); // -1: it never reported
    }
}
