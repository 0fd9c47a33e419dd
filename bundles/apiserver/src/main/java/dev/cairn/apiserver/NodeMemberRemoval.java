package dev.cairn.apiserver;

import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Member;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl delete node <server>} also takes that server out of the embedded etcd (K3s's member removal): the
 * member whose name is the node name (plus the {@code -<8 hex>} suffix Cairn adds) is removed from the Raft
 * membership, after leadership moved to another voter if it led. The removed server learns it was removed, writes
 * its tombstone and stops; restarted with {@code --server} it joins again with a fresh store.
 */
final class NodeMemberRemoval {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMemberRemoval.class);
    private static final long TIMEOUT_SECONDS = 60;

    private NodeMemberRemoval() {
    }

    /** Removes the member of node {@code nodeName}; a node that is no member (an agent, SQLite) changes nothing. */
    static void removeMemberOf(Datastore datastore, String nodeName) {
        Optional<ClusterMembership> membership = datastore.membership();
        if (membership.isEmpty()) {
            return;
        }
        ClusterState cluster = datastore.cluster();
        Member member = cluster.members().stream().filter(m -> isNodesMember(m.name(), nodeName)).findFirst()
                .orElse(null);
        if (member == null) {
            return;
        }
        try {
            if (member.id() == cluster.leaderId()) {
                Member next = cluster.members().stream()
                        .filter(m -> m.id() != member.id() && !m.learner() && !m.name().isEmpty()).findFirst()
                        .orElse(null);
                if (next != null) {
                    membership.get().moveLeader(next.id()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
            membership.get().removeMember(member.id()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("event=member_removed node={} member={} id={}", nodeName, member.name(),
                    Long.toHexString(member.id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "ServiceUnavailable", "interrupted while removing the etcd member of node "
                    + nodeName);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            String why = cause instanceof DatastoreException d ? d.getMessage() : String.valueOf(cause);
            throw new ApiException(503, "ServiceUnavailable", "node " + nodeName + " is an etcd member that could"
                    + " not be removed from the cluster: " + why + "; the Node was kept, try again");
        }
    }

    /** K3s's rule: a member name is the node name, or the node name with a suffix after its last dash. */
    static boolean isNodesMember(String memberName, String nodeName) {
        if (memberName.equals(nodeName)) {
            return true;
        }
        int dash = memberName.lastIndexOf('-');
        return dash > 0 && memberName.substring(0, dash).equals(nodeName);
    }
}
