package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a throwaway one-member group (its own directory beside the real one, an ephemeral loopback port, the real
 * peer TLS) through an election, a write and a read, then removes it. The first Raft member of a process spends
 * seconds loading and compiling Ratis, gRPC and TLS code; a live conversion does this while SQLite still serves, so
 * that the real member starts in milliseconds while requests wait.
 */
final class RaftWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(RaftWarmUp.class);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(20);
    private static final String NAME = "warm-up";

    private RaftWarmUp() {
    }

    static void run(RaftSettings real) throws Exception {
        long start = System.nanoTime();
        Path dir = real.dir().resolveSibling(real.dir().getFileName() + "-" + NAME);
        deleteTree(dir);
        int port = freeLoopbackPort();
        String url = "https://127.0.0.1:" + port;
        RaftSettings s = new RaftSettings(dir, NAME, MemberIds.ofPeerUrl(url), "127.0.0.1", port, List.of(url),
                List.of(), real.quotaBytes(), false, false, real.electionMin(), real.electionMax(), real.heartbeat(),
                real.snapshotEvery(), real.snapshotsKept(), real.segmentBytes(), real.requestTimeout(), real.tls(),
                Duration.ZERO);
        try (RaftDatastore member = RaftDatastore.open(s)) {
            if (!member.awaitLeader(LEADER_WAIT)) {
                throw new IllegalStateException("the warm-up member did not elect itself within "
                        + LEADER_WAIT.toSeconds() + " s");
            }
            member.put(PutRequest.of(Bytes.utf8("warm-up"), Bytes.utf8("1"))).get(LEADER_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
            member.range(RangeRequest.of(KeyRange.single(Bytes.utf8("warm-up")))).get(LEADER_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } finally {
            deleteTree(dir);
        }
        LOG.info("raft warm-up done tookMs={}", (System.nanoTime() - start) / 1_000_000);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
