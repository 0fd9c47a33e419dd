package dev.cairn.datastore.raft;

import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the Raft configuration in line with the members table, on the leader only (K3s's learner controller does
 * the same from outside etcd): a recorded member missing from the configuration is added as a learner once its
 * server accepts connections; a learner that was not added as a learner explicitly is promoted to voter once it
 * has caught up. One change at a time, on the membership thread; after a change the next one is looked for at once
 * (a joining member is promoted as soon as the change that added it returns, not a period later), and while a
 * member's server is about to start or a learner catches up, sooner than a period. Nothing here runs on the apply
 * path.
 */
final class MemberReconciler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberReconciler.class);
    static final long PERIOD_MS = 500;
    /**
     * While a learner is catching up (its reported commit index grew within the last period), the next look comes
     * this soon: Ratis ends a learner's staging while it still trails by up to 1,000 entries, and a whole period more
     * delayed every join by up to half a second. The index grows in steps of one append, which can take longer than
     * this on a busy machine, so one look without growth is no sign of a stop. A learner that stopped answering is
     * looked at once a period.
     */
    static final long CATCHING_UP_MS = 50;
    /**
     * For this long after a recorded member was first found unreachable, it is looked for every
     * {@value #CATCHING_UP_MS} ms too: a joining server records itself seconds before its own Raft server starts. A
     * member recorded for a server that is not started soon (etcdctl member add) is looked for once a period after
     * this.
     */
    static final long STARTING_MS = 30_000;
    /** Changes one run makes at most, one after another. */
    private static final int CHANGES_PER_RUN = 4;
    private static final int CONNECT_TIMEOUT_MS = 250;

    private final RaftNode node;
    private final RaftMembership membership;
    private final Supplier<List<MemberRecord>> records;
    private final Supplier<Boolean> usable;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean lookSoon = new AtomicBoolean();
    /** Per learner, the highest commit index it reported and when it first did (membership thread only). */
    private final Map<RaftPeerId, Progress> learnerProgress = new HashMap<>();
    /** Per recorded member not in the configuration, when it was first found unreachable (membership thread only). */
    private final Map<Long, Long> unreachableSince = new HashMap<>();
    /** Set by a run that found a learner catching up or a member's server about to start. */
    private boolean lookAgainSoon;

    /**
     * @param usable true while this server may act (open, leading, its store applied)
     * @param thread the membership thread this runs on, for the next look while a learner catches up
     */
    MemberReconciler(RaftNode node, RaftMembership membership, Supplier<List<MemberRecord>> records,
            Supplier<Boolean> usable, ScheduledExecutorService thread) {
        this.node = node;
        this.membership = membership;
        this.records = records;
        this.usable = usable;
        this.thread = thread;
    }

    @Override
    public void run() {
        lookAgainSoon = false;
        try {
            for (int i = 0; i < CHANGES_PER_RUN && usable.get() && node.isLeader()
                    && node.division().getInfo().isLeaderReady() && reconcile(); i++) {
                // one more change may be due at once
            }
        } catch (RuntimeException e) {
            // retried on the next run; a failed change already logged its cause
            LOG.debug("member reconciliation failed cause=\"{}\"", e.toString());
        }
        if (lookAgainSoon && lookSoon.compareAndSet(false, true)) {
            try {
                thread.schedule(() -> {
                    lookSoon.set(false);
                    run();
                }, CATCHING_UP_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                lookSoon.set(false); // the datastore closes
            }
        }
    }

    /** Makes the first change due, if any; true when it made one. */
    private boolean reconcile() {
        RaftConfiguration conf = node.division().getRaftConf();
        List<MemberRecord> recorded = records.get();
        unreachableSince.keySet().removeIf(id -> RaftMembership.configured(conf, id) != null
                || recorded.stream().noneMatch(r -> r.id() == id));
        for (MemberRecord r : recorded) {
            if (RaftMembership.configured(conf, r.id()) != null || r.peerUrls().isEmpty()) {
                continue;
            }
            if (reachable(MemberIds.address(r.peerUrls().get(0)))) {
                unreachableSince.remove(r.id());
                membership.addLearner(r);
                return true;
            }
            long now = System.nanoTime();
            long since = unreachableSince.computeIfAbsent(r.id(), id -> now);
            lookAgainSoon |= now - since < TimeUnit.MILLISECONDS.toNanos(STARTING_MS);
        }
        List<RaftPeer> learners = List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        learnerProgress.keySet().removeIf(id -> learners.stream().noneMatch(l -> l.getId().equals(id)));
        for (RaftPeer learner : learners) {
            MemberRecord r = recorded.stream().filter(m -> m.id() == MemberIds.of(learner.getId())).findFirst()
                    .orElse(null);
            if (r == null || RaftMembership.keepsLearner(r)) {
                continue;
            }
            if (LearnerProgress.caughtUp(node.division(), learner.getId())) {
                learnerProgress.remove(learner.getId());
                membership.promote(learner);
                return true;
            }
            long reported = LearnerProgress.reported(node.division(), learner.getId());
            long now = System.nanoTime();
            Progress progress = learnerProgress.merge(learner.getId(), new Progress(reported, now),
                    (before, look) -> look.index() > before.index() ? look : before);
            lookAgainSoon |= now - progress.since() < TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
        }
        return false;
    }

    /** Whether the member's peer port accepts connections (its server runs), within a short bound. */
    private static boolean reachable(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))),
                    CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A learner's highest reported commit index, and when it was first reported. */
    private record Progress(long index, long since) {
    }
}
