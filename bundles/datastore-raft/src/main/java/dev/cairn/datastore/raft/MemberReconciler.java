package dev.cairn.datastore.raft;

import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the Raft configuration in line with the members table, on the leader only (K3s's learner controller does
 * the same from outside etcd): a recorded member missing from the configuration is added as a learner once its
 * server accepts connections; a learner that was not added as a learner explicitly is promoted to voter once it
 * has caught up. One change at a time, on the membership thread; after a change the next one is looked for at once
 * (a joining member is promoted as soon as the change that added it returns, not a period later). Nothing here runs
 * on the apply path.
 */
final class MemberReconciler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberReconciler.class);
    static final long PERIOD_MS = 500;
    /** Changes one run makes at most, one after another. */
    private static final int CHANGES_PER_RUN = 4;
    private static final int CONNECT_TIMEOUT_MS = 250;

    private final RaftNode node;
    private final RaftMembership membership;
    private final Supplier<List<MemberRecord>> records;
    private final Supplier<Boolean> usable;

    /** @param usable true while this server may act (open, leading, its store applied) */
    MemberReconciler(RaftNode node, RaftMembership membership, Supplier<List<MemberRecord>> records,
            Supplier<Boolean> usable) {
        this.node = node;
        this.membership = membership;
        this.records = records;
        this.usable = usable;
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < CHANGES_PER_RUN && usable.get() && node.isLeader()
                    && node.division().getInfo().isLeaderReady() && reconcile(); i++) {
                // one more change may be due at once
            }
        } catch (RuntimeException e) {
            // retried on the next run; a failed change already logged its cause
            LOG.debug("member reconciliation failed cause=\"{}\"", e.toString());
        }
    }

    /** Makes the first change due, if any; true when it made one. */
    private boolean reconcile() {
        RaftConfiguration conf = node.division().getRaftConf();
        List<MemberRecord> recorded = records.get();
        for (MemberRecord r : recorded) {
            if (RaftMembership.configured(conf, r.id()) == null && !r.peerUrls().isEmpty()
                    && reachable(MemberIds.address(r.peerUrls().get(0)))) {
                membership.addLearner(r);
                return true;
            }
        }
        for (RaftPeer learner : conf.getCurrentPeers(RaftPeerRole.LISTENER)) {
            MemberRecord r = recorded.stream().filter(m -> m.id() == MemberIds.of(learner.getId())).findFirst()
                    .orElse(null);
            if (r != null && !RaftMembership.keepsLearner(r)
                    && LearnerProgress.caughtUp(node.division(), learner.getId())) {
                membership.promote(learner);
                return true;
            }
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
}
