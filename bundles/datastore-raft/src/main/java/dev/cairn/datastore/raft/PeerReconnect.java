package dev.cairn.datastore.raft;

import java.lang.reflect.Method;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a leaderless member's channels to its peers ready to reconnect. gRPC backs off reconnecting to a peer that
 * was down (up to two minutes), and only a leader's log appender resets that backoff in Ratis. So a member with the
 * newest log, whose votes are needed, could not reach a peer that came back for minutes: the peer's pre-votes were
 * rejected (its log is older) and this member's own went nowhere, and the cluster stayed without a leader although a
 * majority was up. While there is no leader, this resets every peer channel's backoff once per period.
 */
final class PeerReconnect implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerReconnect.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-raft-reconnect");
        t.setDaemon(true);
        return t;
    });

    PeerReconnect(RaftServer server, Supplier<RaftServer.Division> division, BooleanSupplier leaderless,
            long periodMs) {
        timer.scheduleWithFixedDelay(() -> {
            if (leaderless.getAsBoolean()) {
                resetBackoff(server, division.get());
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private static void resetBackoff(RaftServer server, RaftServer.Division division) {
        try {
            if (!(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
                return;
            }
            for (RaftPeer peer : division.getRaftConf().getAllPeers()) {
                if (peer.getId().equals(server.getId())) {
                    continue;
                }
                Object channel = rpc.getProxies().getProxy(peer.getId());
                Method reset = channel.getClass().getMethod("resetConnectBackoff");
                // public method of Ratis's package-private gRPC client class
                reset.setAccessible(true);
                reset.invoke(channel);
            }
        } catch (Exception e) {
            LOG.debug("raft peer reconnect skipped cause=\"{}\"", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
