package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes over the Raft configuration, for the join flow: add a member as a learner (a Raft listener:
 * it gets the log, does not vote), promote it to voter once it caught up, remove a member, hand leadership over.
 * Each call goes to the leader from any member and returns once the new configuration is committed.
 *
 * <p>A new member's server must already run (started to join, with an empty configuration) before it is added:
 * the leader first brings it up to date, and fails the change if it cannot reach it within the request timeout.
 */
public final class RaftMembership {
    private static final Logger LOG = LoggerFactory.getLogger(RaftMembership.class);

    private final RaftNode node;
    private final Duration timeout;
    private final Function<Command, CompletableFuture<Void>> propose;

    RaftMembership(RaftNode node, Duration timeout, Function<Command, CompletableFuture<Void>> propose) {
        this.node = node;
        this.timeout = timeout;
        this.propose = propose;
    }

    /**
     * Adds the member named {@code name} (its Raft peer id) with its peer URL and client URLs as a learner.
     *
     * @return the new member, as MemberList will show it
     */
    public Member addLearner(String name, String peerUrl, List<String> clientUrls) {
        URI u = URI.create(peerUrl);
        if (u.getHost() == null || u.getPort() <= 0) {
            throw new IllegalArgumentException("peer URL '" + peerUrl + "' has no host and port; write it as"
                    + " https://<node-ip>:<peer-port>");
        }
        long id = MemberIds.of(name);
        RaftConfiguration conf = node.division().getRaftConf();
        if (find(conf, id) != null) {
            throw new IllegalArgumentException("member " + name + " is already in the cluster");
        }
        join(propose.apply(new Command.SetMember(new MemberRecord(id, name, List.of(peerUrl), clientUrls))));
        RaftPeer peer = RaftPeer.newBuilder().setId(name).setAddress(u.getHost() + ":" + u.getPort()).build();
        List<RaftPeer> listeners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        listeners.add(peer);
        change(new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)), listeners, "learner added", name);
        return new Member(id, name, List.of(peerUrl), List.copyOf(clientUrls), true);
    }

    /**
     * Makes a learner a voter. Ratis 3.3.0 never marks a listener that becomes a voter as caught up, so it would
     * stay "initializing" (it could neither vote nor serve); the promotion therefore takes it out of the
     * configuration and adds it back as a voter, which the leader stages and marks caught up as usual.
     */
    public void promote(long memberId) {
        RaftConfiguration conf = node.division().getRaftConf();
        RaftPeer peer = find(conf, memberId);
        if (peer == null) {
            throw StoreError.MEMBER_NOT_FOUND.exception();
        }
        List<RaftPeer> listeners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        if (!listeners.remove(peer)) {
            return; // already a voter
        }
        List<RaftPeer> voters = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        change(voters, listeners, "learner detached for promotion", peer.getId().toString());
        voters.add(peer);
        change(voters, listeners, "learner promoted", peer.getId().toString());
    }

    /** Removes a member (voter or learner) and its stored name and URLs. */
    public void remove(long memberId) {
        RaftConfiguration conf = node.division().getRaftConf();
        RaftPeer peer = find(conf, memberId);
        if (peer == null) {
            throw StoreError.MEMBER_NOT_FOUND.exception();
        }
        List<RaftPeer> voters = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        List<RaftPeer> listeners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        voters.remove(peer);
        listeners.remove(peer);
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("cannot remove the last voter " + peer.getId());
        }
        change(voters, listeners, "member removed", peer.getId().toString());
        join(propose.apply(new Command.RemoveMember(memberId)));
    }

    /** Hands leadership to the voter {@code memberId}; returns once it leads. */
    public void transferLeadership(long memberId) {
        RaftPeer peer = find(node.division().getRaftConf(), memberId);
        if (peer == null) {
            throw StoreError.MEMBER_NOT_FOUND.exception();
        }
        RaftClientReply reply = call(() -> node.client().admin().transferLeadership(peer.getId(),
                timeout.toMillis()));
        check(reply);
        LOG.info("raft leadership transferred to={}", peer.getId());
    }

    private void change(List<RaftPeer> voters, List<RaftPeer> listeners, String what, String name) {
        long start = System.nanoTime();
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(voters).setListenersInNewConf(listeners)
                .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY).build();
        check(call(() -> node.client().admin().setConfiguration(args)));
        LOG.info("raft {} member={} voters={} learners={} tookMs={}", what, name, voters.size(), listeners.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static RaftPeer find(RaftConfiguration conf, long memberId) {
        for (RaftPeerRole role : List.of(RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)) {
            for (RaftPeer p : conf.getCurrentPeers(role)) {
                if (MemberIds.of(p.getId().toString()) == memberId) {
                    return p;
                }
            }
        }
        return null;
    }

    private static RaftClientReply call(Tccl.Call<RaftClientReply> admin) {
        try {
            return Tccl.call(admin);
        } catch (Exception e) {
            throw RaftErrors.of(e);
        }
    }

    private static void check(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw RaftErrors.of(reply.getException());
        }
    }

    private static void join(CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            throw DatastoreException.of(e);
        }
    }
}
