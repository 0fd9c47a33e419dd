package dev.cairn.datastore.api;

import java.util.List;

/**
 * What the cluster looks like from this server, for response headers, Status and MemberList. A single-node backend
 * reports itself as the leader of a one-member cluster.
 *
 * @param leaderId     0 when there is no leader
 * @param raftIndex    the committed index (a counter of applied writes on a single node); always &gt; 0
 * @param appliedIndex the applied index, ≤ raftIndex
 */
public record ClusterState(long clusterId, long memberId, long leaderId, long raftTerm, long raftIndex,
        long appliedIndex, boolean learner, List<Member> members) {

    public boolean hasLeader() {
        return leaderId != 0;
    }
}
