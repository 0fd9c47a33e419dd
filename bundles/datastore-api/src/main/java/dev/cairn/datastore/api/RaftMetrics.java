package dev.cairn.datastore.api;

import java.util.Map;

/**
 * This member's view of the Raft group, for the metrics port and a status command. Counters count since this server
 * started.
 *
 * @param term             the current term
 * @param commitIndex      the last committed log index this member knows (etcd's {@code proposals_committed_total})
 * @param appliedIndex     the last log index applied to its store (etcd's {@code proposals_applied_total})
 * @param leaderChanges    leader changes seen (etcd's {@code leader_changes_seen_total})
 * @param proposalsPending this server's proposals (client writes, leases) waiting for their entry to commit
 * @param proposalsFailed  this server's proposals that failed (no leader, timeout, leadership lost)
 * @param followerLag      on the leader, how many log entries each other member (learners too) is behind its last
 *                         entry, by member name; empty on the other members
 */
public record RaftMetrics(long term, long commitIndex, long appliedIndex, long leaderChanges, long proposalsPending,
        long proposalsFailed, Map<String, Long> followerLag) {

    public RaftMetrics {
        followerLag = followerLag == null ? Map.of() : Map.copyOf(followerLag);
    }
}
