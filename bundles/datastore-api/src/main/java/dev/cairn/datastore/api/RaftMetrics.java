package dev.cairn.datastore.api;

import java.util.Map;

/**
 * This member's view of the Raft group, for the metrics port and a status command. Counters count since this server
 * started.
 *
 * @param term               the current term
 * @param commitIndex        the last committed log index this member knows
 * @param appliedIndex       the last log index applied to its store
 * @param leaderChanges      leader changes seen (etcd's {@code leader_changes_seen_total})
 * @param proposalsCommitted this server's proposals (client writes and leases) that were committed
 * @param proposalsApplied   this server's proposals applied to its store
 * @param proposalsPending   this server's proposals waiting for their entry to commit
 * @param proposalsFailed    this server's proposals that failed (no leader, timeout, lost leadership)
 * @param followerLag        on the leader, how many log entries each other member is behind it, by member name;
 *                           empty elsewhere
 */
public record RaftMetrics(long term, long commitIndex, long appliedIndex, long leaderChanges, long proposalsCommitted,
        long proposalsApplied, long proposalsPending, long proposalsFailed, Map<String, Long> followerLag) {

    public RaftMetrics {
        followerLag = followerLag == null ? Map.of() : Map.copyOf(followerLag);
    }
}
