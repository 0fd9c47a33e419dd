package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's Cluster API over the Raft group. A member is first <em>recorded</em> (a replicated row of the members
 * table: id, name, URLs); the leader's {@link MemberReconciler} then adds it to the Raft configuration as a learner
 * (a Raft listener: it gets the log, does not vote) once its server can be reached, and promotes it once it caught
 * up, unless it was added as a learner explicitly. MemberList shows recorded and configured members alike.
 *
 * <p>Every call runs on the one membership thread of this server (shared with the reconciler), so this server's
 * configuration changes never race each other; a change that meets one made elsewhere (another server's call)
 * is retried from the new configuration until the request timeout.
 */
public final class RaftMembership implements ClusterMembership {
    private static final Logger LOG = LoggerFactory.getLogger(RaftMembership.class);
    /** How long a member being removed may take to receive the record of its removal. */
    private static final java.time.Duration REMOVAL_NOTICE = java.time.Duration.ofSeconds(3);
    /**
     * Kept in a recorded member's client URLs while it was added as a learner explicitly (MemberAdd with
     * isLearner): it stays a learner until promoted. The members table has no column for it; never shown.
     */
    static final String KEEP_LEARNER = "cairn:keep-learner";
    private static final long FIRST_RETRY_MS = 50;
    private static final long MAX_RETRY_MS = 400;

    private final RaftNode node;
    private final Duration timeout;
    private final Function<Command, CompletableFuture<Void>> propose;
    private final Supplier<CompletableFuture<Void>> barrier;
    private final Supplier<List<MemberRecord>> records;
    private final ExecutorService thread;

    RaftMembership(RaftNode node, Duration timeout, Function<Command, CompletableFuture<Void>> propose,
            Supplier<CompletableFuture<Void>> barrier, Supplier<List<MemberRecord>> records, ExecutorService thread) {
        this.node = node;
        this.timeout = timeout;
        this.propose = propose;
        this.barrier = barrier;
        this.records = records;
        this.thread = thread;
    }

    // ---- etcd's Cluster API ----

    @Override
    public CompletableFuture<Member> addMember(String name, List<String> peerUrls, boolean learner) {
        return run(() -> {
            List<String> urls = MemberIds.checked(peerUrls);
            catchUp();
            List<Member> now = members();
            Set<String> taken = new HashSet<>();
            now.forEach(m -> m.peerUrls().forEach(u -> taken.add(MemberIds.normalized(u))));
            for (String u : urls) {
                if (taken.contains(MemberIds.normalized(u))) {
                    throw StoreError.PEER_URL_EXISTS.exception();
                }
            }
            long id = MemberIds.ofPeerUrl(urls.get(0));
            if (now.stream().anyMatch(m -> m.id() == id)) {
                throw StoreError.PEER_URL_EXISTS.exception();
            }
            String display = name == null ? "" : name;
            join(propose.apply(new Command.SetMember(new MemberRecord(id, display, urls,
                    learner ? List.of(KEEP_LEARNER) : List.of()))));
            LOG.info("member recorded memberId={} name=\"{}\" peerUrls={} learner={} next=\"the leader adds it as a"
                    + " learner once its server can be reached{}\"", Long.toHexString(id), display, urls, learner,
                    learner ? "" : ", and promotes it once it caught up");
            return new Member(id, display, urls, List.of(), true);
        });
    }

    @Override
    public CompletableFuture<Member> promoteMember(long memberId) {
        return run(() -> {
            catchUp();
            RaftConfiguration conf = conf();
            RaftPeer peer = configured(conf, memberId);
            MemberRecord record = recorded(memberId);
            if (peer == null) {
                throw (record == null ? StoreError.MEMBER_NOT_FOUND : StoreError.LEARNER_NOT_READY).exception();
            }
            if (isVoter(conf, peer.getId())) {
                throw StoreError.MEMBER_NOT_LEARNER.exception();
            }
            if (!caughtUp(memberId)) {
                throw StoreError.LEARNER_NOT_READY.exception();
            }
            if (record != null && keepsLearner(record)) {
                join(propose.apply(new Command.SetMember(withoutKeepLearner(record))));
            }
            promote(peer);
            return find(memberId);
        });
    }

    @Override
    public CompletableFuture<Void> removeMember(long memberId) {
        return run(() -> {
            catchUp();
            RaftConfiguration conf = conf();
            RaftPeer peer = configured(conf, memberId);
            MemberRecord record = recorded(memberId);
            if (peer == null && record == null) {
                throw StoreError.MEMBER_NOT_FOUND.exception();
            }
            if (peer != null && isVoter(conf, peer.getId())
                    && conf.getCurrentPeers(RaftPeerRole.FOLLOWER).size() == 1) {
                throw StoreError.MEMBER_NOT_ENOUGH_STARTED.exception();
            }
            // the record first: a recorded member missing from the configuration is what the reconciler adds; also
            // without a record (not published yet), so that a publication racing this removal is refused
            join(propose.apply(new Command.RemoveMember(memberId)));
            if (record != null && peer != null) {
                awaitApplied(peer.getId());
            }
            if (peer != null) {
                change("member removed", peer, c -> {
                    List<RaftPeer> voters = new ArrayList<>(c.getCurrentPeers(RaftPeerRole.FOLLOWER));
                    List<RaftPeer> listeners = new ArrayList<>(c.getCurrentPeers(RaftPeerRole.LISTENER));
                    boolean present = voters.removeIf(p -> p.getId().equals(peer.getId()))
                            | listeners.removeIf(p -> p.getId().equals(peer.getId()));
                    if (voters.isEmpty()) {
                        throw StoreError.MEMBER_NOT_ENOUGH_STARTED.exception();
                    }
                    return present ? new Target(voters, listeners) : null;
                });
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Member> updateMember(long memberId, List<String> peerUrls) {
        return run(() -> {
            List<String> urls = MemberIds.checked(peerUrls);
            catchUp();
            for (Member m : members()) {
                if (m.id() != memberId && m.peerUrls().stream().map(MemberIds::normalized)
                        .anyMatch(u -> urls.stream().map(MemberIds::normalized).anyMatch(u::equals))) {
                    throw StoreError.PEER_URL_EXISTS.exception();
                }
            }
            RaftPeer peer = configured(conf(), memberId);
            MemberRecord record = recorded(memberId);
            if (peer == null && record == null) {
                throw StoreError.MEMBER_NOT_FOUND.exception();
            }
            MemberRecord updated = record == null ? new MemberRecord(memberId, "", urls, List.of())
                    : new MemberRecord(memberId, record.name(), urls, record.clientUrls());
            join(propose.apply(new Command.SetMember(updated)));
            if (peer != null) {
                RaftPeer moved = peer(memberId, urls.get(0));
                change("member address changed", moved, c -> {
                    List<RaftPeer> voters = replaced(c.getCurrentPeers(RaftPeerRole.FOLLOWER), moved);
                    List<RaftPeer> listeners = replaced(c.getCurrentPeers(RaftPeerRole.LISTENER), moved);
                    return new Target(voters, listeners);
                });
            }
            return find(memberId);
        });
    }

    @Override
    public CompletableFuture<Void> moveLeader(long memberId) {
        return run(() -> {
            RaftConfiguration conf = conf();
            RaftPeer peer = configured(conf, memberId);
            if (peer == null || !isVoter(conf, peer.getId())) {
                throw StoreError.BAD_LEADER_TRANSFEREE.exception();
            }
            check(call(() -> node.client().admin().transferLeadership(peer.getId(), timeout.toMillis())));
            LOG.info("raft leadership transferred to={}", Long.toHexString(memberId));
            return null;
        });
    }

    /** Voters, then learners (configured, then recorded only), each with its recorded name and URLs. */
    @Override
    public List<Member> members() {
        return view(conf(), records.get());
    }

    static List<Member> view(RaftConfiguration conf, List<MemberRecord> recorded) {
        Map<Long, MemberRecord> byId = new LinkedHashMap<>();
        recorded.forEach(r -> byId.put(r.id(), r));
        List<Member> list = new ArrayList<>();
        for (RaftPeerRole role : List.of(RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)) {
            for (RaftPeer p : conf.getCurrentPeers(role)) {
                long id = MemberIds.of(p.getId());
                MemberRecord r = byId.remove(id);
                boolean learner = role == RaftPeerRole.LISTENER;
                list.add(r == null ? new Member(id, "", List.of("https://" + p.getAddress()), List.of(), learner)
                        : new Member(id, r.name(), r.peerUrls(), shownClientUrls(r), learner));
            }
        }
        for (MemberRecord r : byId.values()) {
            list.add(new Member(r.id(), r.name(), r.peerUrls(), shownClientUrls(r), true));
        }
        return list;
    }

    // ---- for the reconciler (on the membership thread) ----

    /** Adds a recorded member to the configuration as a learner. */
    void addLearner(MemberRecord record) {
        RaftPeer peer = peer(record.id(), record.peerUrls().get(0));
        change("learner added", peer, c -> {
            if (configured(c, record.id()) != null) {
                return null;
            }
            List<RaftPeer> listeners = new ArrayList<>(c.getCurrentPeers(RaftPeerRole.LISTENER));
            listeners.add(peer);
            return new Target(new ArrayList<>(c.getCurrentPeers(RaftPeerRole.FOLLOWER)), listeners);
        });
    }

    /**
     * Makes a learner a voter. Ratis 3.3.0 never marks a listener that becomes a voter as caught up, so it would
     * stay "initializing" (it could neither vote nor serve); the promotion therefore takes it out of the
     * configuration and adds it back as a voter, which the leader stages and marks caught up as usual.
     */
    void promote(RaftPeer peer) {
        change("learner detached for promotion", peer, c -> {
            List<RaftPeer> listeners = new ArrayList<>(c.getCurrentPeers(RaftPeerRole.LISTENER));
            return listeners.removeIf(p -> p.getId().equals(peer.getId()))
                    ? new Target(new ArrayList<>(c.getCurrentPeers(RaftPeerRole.FOLLOWER)), listeners) : null;
        });
        change("learner promoted", peer, c -> {
            if (isVoter(c, peer.getId())) {
                return null;
            }
            List<RaftPeer> voters = new ArrayList<>(c.getCurrentPeers(RaftPeerRole.FOLLOWER));
            voters.add(peer);
            List<RaftPeer> listeners = new ArrayList<>(c.getCurrentPeers(RaftPeerRole.LISTENER));
            listeners.removeIf(p -> p.getId().equals(peer.getId()));
            return new Target(voters, listeners);
        });
    }

    static boolean keepsLearner(MemberRecord r) {
        return r.clientUrls().contains(KEEP_LEARNER);
    }

    static List<String> shownClientUrls(MemberRecord r) {
        return r.clientUrls().stream().filter(u -> !u.equals(KEEP_LEARNER)).toList();
    }

    static RaftPeer peer(long memberId, String peerUrl) {
        return RaftPeer.newBuilder().setId(MemberIds.peerId(memberId)).setAddress(MemberIds.address(peerUrl))
                .build();
    }

    static boolean isVoter(RaftConfiguration conf, org.apache.ratis.protocol.RaftPeerId id) {
        return conf.getCurrentPeers(RaftPeerRole.FOLLOWER).stream().anyMatch(p -> p.getId().equals(id));
    }

    static RaftPeer configured(RaftConfiguration conf, long memberId) {
        return conf.getPeer(MemberIds.peerId(memberId), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER);
    }

    // ---- internals ----

    /** The new configuration a change wants, computed from the current one; null: nothing (left) to do. */
    private record Target(List<RaftPeer> voters, List<RaftPeer> listeners) {
    }

    /**
     * Sets the configuration {@code target} computes from the current one, if the current one is still what it
     * was computed from (compare-and-set); a configuration changed meanwhile, or a change still in progress, is
     * waited out and the target computed again, until the request timeout.
     */
    private void change(String what, RaftPeer peer, Function<RaftConfiguration, Target> target) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long backoff = FIRST_RETRY_MS;
        while (true) {
            RaftConfiguration current = conf();
            Target t = target.apply(current);
            if (t == null) {
                return;
            }
            SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInCurrentConf(new ArrayList<>(current.getCurrentPeers(RaftPeerRole.FOLLOWER)))
                    .setListenersInCurrentConf(new ArrayList<>(current.getCurrentPeers(RaftPeerRole.LISTENER)))
                    .setServersInNewConf(t.voters()).setListenersInNewConf(t.listeners())
                    .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build();
            RaftClientReply reply;
            Throwable failure;
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                reply = Tccl.call(() -> node.setConfiguration(args, remainingMs));
                failure = reply.isSuccess() ? null : reply.getException();
            } catch (Exception e) {
                failure = e;
            }
            // a call that timed out while Ratis staged the new member (its catch-up) may still have taken effect:
            // its retry then fails the compare-and-set against the changed configuration
            if (failure == null || target.apply(conf()) == null) {
                LOG.info("raft {} memberId={} address={} voters={} learners={} tookMs={}", what,
                        Long.toHexString(MemberIds.of(peer.getId())), peer.getAddress(), t.voters().size(),
                        t.listeners().size(), (System.nanoTime() - start) / 1_000_000);
                return;
            }
            boolean retry = failure instanceof ReconfigurationInProgressException
                    || failure instanceof SetConfigurationException || RaftErrors.isTransient(failure);
            if (!retry || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
                LOG.warn("raft {} failed memberId={} cause=\"{}\"", what, Long.toHexString(MemberIds.of(peer.getId())),
                        failure.toString());
                throw RaftErrors.of(failure);
            }
            pause(backoff);
            backoff = Math.min(2 * backoff, MAX_RETRY_MS);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreError.STOPPED.exception();
        }
    }

    /**
     * Gives a member being removed a moment to receive the record of its removal (committed while it is still in
     * the configuration), so that it learns it was removed, writes its tombstone and stops, instead of campaigning
     * in vain. Best effort: a member that is down, or a removal run away from the leader, does not wait.
     */
    private void awaitApplied(RaftPeerId peer) {
        if (!node.isLeader()) {
            return;
        }
        long target = node.division().getRaftLog().getLastCommittedIndex();
        long deadline = System.nanoTime() + REMOVAL_NOTICE.toNanos();
        while (System.nanoTime() < deadline && !LearnerProgress.reached(node.division(), peer, target)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether the leader counts this member as caught up (asked of the leader wherever this runs). */
    private boolean caughtUp(long memberId) {
        if (node.isLeader()) {
            return LearnerProgress.caughtUp(node.division(), MemberIds.peerId(memberId));
        }
        var leader = node.leader();
        if (leader == null) {
            throw StoreError.NO_LEADER.exception();
        }
        RaftClientReply reply = join(node.query(new Query(Query.Kind.LEARNER_CAUGHT_UP, memberId).encode(), leader)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
        if (!reply.isSuccess()) {
            throw RaftErrors.of(reply.getException());
        }
        return ReplyCodec.number(reply.getMessage().getContent().toByteArray()) == 1;
    }

    /** Waits until this member has applied everything committed (members and configuration are read here). */
    private void catchUp() {
        join(barrier.get());
    }

    private RaftConfiguration conf() {
        return node.division().getRaftConf();
    }

    private MemberRecord recorded(long memberId) {
        return records.get().stream().filter(r -> r.id() == memberId).findFirst().orElse(null);
    }

    private Member find(long memberId) {
        return members().stream().filter(m -> m.id() == memberId).findFirst()
                .orElseThrow(StoreError.MEMBER_NOT_FOUND::exception);
    }

    private static MemberRecord withoutKeepLearner(MemberRecord r) {
        return new MemberRecord(r.id(), r.name(), r.peerUrls(), shownClientUrls(r));
    }

    private static List<RaftPeer> replaced(java.util.Collection<RaftPeer> peers, RaftPeer moved) {
        List<RaftPeer> list = new ArrayList<>();
        for (RaftPeer p : peers) {
            list.add(p.getId().equals(moved.getId()) ? moved : p);
        }
        return list;
    }

    private <T> CompletableFuture<T> run(Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return call.get();
                } catch (RuntimeException e) {
                    throw new CompletionException(DatastoreException.of(e));
                }
            }, thread);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(StoreError.STOPPED.exception());
        }
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

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw RaftErrors.of(e);
        }
    }
}
