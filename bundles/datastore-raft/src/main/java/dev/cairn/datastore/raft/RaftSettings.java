package dev.cairn.datastore.raft;

import dev.cairn.datastore.spi.BackendSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * How one server of the Raft group runs: where its files are, its identity and addresses, and the Raft tunables.
 *
 * @param dir             {@code <data-dir>/server/db/etcd}: the Ratis storage ({@code raft/}), the local store
 *                        ({@code state.db}) and the member name file ({@code name})
 * @param name            this member's display name, {@code <node-name>-<8 hex>} (stable: kept in {@code dir/name})
 * @param memberId        this member's etcd id, from its first peer URL when it first started (kept in
 *                        {@code dir/member-id}, so that an address change later does not make it another member);
 *                        its Raft peer id is this id in hex
 * @param bindHost        the address the peer port listens on ("" or 0.0.0.0: all)
 * @param peerPort        the Raft peer port
 * @param peerUrls        advertised peer URLs ({@code https://host:port}); the first one is the Raft address
 * @param clientUrls      advertised etcd client URLs
 * @param join            start without a configuration and wait to be added by an existing member (a joining
 *                        server); otherwise a server without Raft storage founds a one-member group
 * @param reset           make this member the only voter of a new configuration (cluster reset), then stop
 * @param electionMin     the Raft election timeout range; the leader heartbeats every {@code electionMin / 2}
 * @param heartbeat       the heartbeat interval asked for (Ratis ties it to {@code electionMin / 2}, see
 *                        {@link #DEFAULT_ELECTION_MS})
 * @param snapshotEvery   applied entries between automatic snapshots
 * @param snapshotsKept   snapshots kept on disk
 * @param segmentBytes    Raft log segment size; the log is purged a whole segment at a time
 * @param requestTimeout  how long a write or read may wait for a leader before failing (NO_LEADER/TIMEOUT)
 * @param tls             peer mutual TLS files, or null for plaintext peer traffic
 * @param fsyncDelay      fault injection (the fsyncDelay failpoint): added to every Raft log fsync; zero normally
 */
record RaftSettings(Path dir, String name, long memberId, String bindHost, int peerPort, List<String> peerUrls,
        List<String> clientUrls, long quotaBytes, boolean join, boolean reset, Duration electionMin,
        Duration electionMax, Duration heartbeat, long snapshotEvery, int snapshotsKept, long segmentBytes,
        Duration requestTimeout, PeerTls tls, Duration fsyncDelay) {

    /** PEM files for peer traffic: this server's certificate chain and PKCS#8 key, and the peer CA. */
    record PeerTls(Path ca, Path cert, Path key) {
    }

    static final String BIND_ADDRESS = "bind.address";
    static final String JOIN = "raft.join";
    static final String RESET = "cluster.reset";
    static final String ELECTION_TIMEOUT = "raft.election.timeout.ms";
    static final String HEARTBEAT_INTERVAL = "raft.heartbeat.interval.ms";
    /**
     * The default lower bound of the election timeout (the upper one is twice it); Ratis's leader heartbeats every
     * half of it (its heartbeat is not separately settable), so 200 ms by default.
     *
     * <ul>
     * <li>Failover: after the leader dies (kill -9), a follower campaigns after 400 to 800 ms without heartbeats
     * ({@link CandidacyTimer}; Ratis's own check alone comes up to a timeout later);
     * pre-vote and vote take a round trip each and the new leader is ready once its first entry applies, so writes
     * succeed again within about a second at worst (0.6 s on average).</li>
     * <li>Stability: a follower campaigns only after missing two heartbeats in a row for 400+ ms. On a loaded
     * machine that happens when its timer thread itself was starved; Ratis (and CandidacyTimer) then skips the
     * election because the timer overslept (raft.server.sleep.deviation.threshold, 300 ms), and with pre-vote (on by default) a lone
     * follower that does campaign is turned down by the others while they still hear the leader, so it cannot
     * depose a live leader. A 10-minute idle run of 3 members on 2 shared cores therefore keeps one leader;
     * etcd's own default (100 ms heartbeat, 1 s election) is in the same range. Slow disks or long GC pauses
     * call for larger values (K3s uses 500 / 5000 ms through --etcd-arg).</li>
     * </ul>
     */
    static final long DEFAULT_ELECTION_MS = 400;
    static final String SNAPSHOT_EVERY = "raft.snapshot.entries";
    static final String SEGMENT_BYTES = "raft.log.segment.bytes";
    static final String REQUEST_TIMEOUT = "raft.request.timeout.ms";

    /** The Raft peer address others dial: host:port of the first peer URL. */
    String address() {
        URI u = URI.create(peerUrls.get(0));
        return u.getHost() + ":" + u.getPort();
    }

    Path raftDir() {
        return dir.resolve("raft");
    }

    /**
     * The Raft log fsync 99th percentile this member tolerates: a quarter of the minimum election timeout, i.e. half
     * of Ratis's heartbeat interval (it heartbeats every electionMin / 2). A follower acknowledges appended entries
     * only after fsyncing them, and the leader's lease (which answers linearizable reads without a round trip) and
     * its view of who is alive rest on those acknowledgements; a p99 above half a heartbeat interval means the
     * slowest one in a hundred eats most of the margin between heartbeats, and a few in a row come near the
     * election timeout, after which followers campaign and writes stall for an election. 100 ms at the default.
     */
    double toleratedFsyncMs() {
        return electionMin.toMillis() / 4.0;
    }

    /** What to do about a disk too slow for the Raft timing, with this member's figures. */
    String slowDiskAdvice() {
        return "move the data dir (--data-dir) to a faster local disk (an SSD, not network storage), or raise"
                + " --etcd-election-timeout (now " + electionMin.toMillis() + " ms; the leader heartbeats every half"
                + " of it, --etcd-heartbeat-interval follows it) on every server of the cluster";
    }

    Path storeFile() {
        return dir.resolve("state.db");
    }

    RaftSettings withTls(PeerTls peerTls) {
        return new RaftSettings(dir, name, memberId, bindHost, peerPort, peerUrls, clientUrls, quotaBytes, join, reset,
                electionMin, electionMax, heartbeat, snapshotEvery, snapshotsKept, segmentBytes, requestTimeout,
                peerTls, fsyncDelay);
    }

    /** The same settings for a normal start (after a cluster reset). */
    RaftSettings withoutReset() {
        return new RaftSettings(dir, name, memberId, bindHost, peerPort, peerUrls, clientUrls, quotaBytes, false, false,
                electionMin, electionMax, heartbeat, snapshotEvery, snapshotsKept, segmentBytes, requestTimeout, tls,
                fsyncDelay);
    }

    /**
     * The settings of the backend: files under {@code dbDir/etcd}, the peer port from the first peer URL. Options
     * (all optional): {@value #BIND_ADDRESS}, {@value #JOIN}, {@value #RESET}, {@value #ELECTION_TIMEOUT} (the
     * lower bound; the upper one is twice it), {@value #HEARTBEAT_INTERVAL}, {@value #SNAPSHOT_EVERY},
     * {@value #SEGMENT_BYTES}, {@value #REQUEST_TIMEOUT}.
     */
    static RaftSettings from(BackendSettings s) {
        if (s.peerUrls().isEmpty()) {
            throw new IllegalArgumentException("the Raft datastore needs this server's peer URL"
                    + " (https://<node-ip>:<peer-port>); set --node-ip and the peer port");
        }
        URI peer = URI.create(s.peerUrls().get(0));
        if (peer.getHost() == null || peer.getPort() <= 0) {
            throw new IllegalArgumentException("peer URL '" + s.peerUrls().get(0) + "' has no host and port;"
                    + " write it as https://<node-ip>:<peer-port>");
        }
        Map<String, String> o = s.options();
        Path dir = s.dbDir().resolve("etcd");
        long election = positive(o, ELECTION_TIMEOUT, DEFAULT_ELECTION_MS);
        long heartbeat = positive(o, HEARTBEAT_INTERVAL, election / 2);
        return new RaftSettings(dir, memberName(dir, s.nodeName()), memberId(dir, s.peerUrls().get(0)),
                o.getOrDefault(BIND_ADDRESS, peer.getHost()), peer.getPort(), s.peerUrls(), s.clientUrls(),
                s.quotaBytes(), Boolean.parseBoolean(o.getOrDefault(JOIN, "false")),
                Boolean.parseBoolean(o.getOrDefault(RESET, "false")), Duration.ofMillis(election),
                Duration.ofMillis(2 * election), Duration.ofMillis(heartbeat),
                Long.parseLong(o.getOrDefault(SNAPSHOT_EVERY, "10000")), 2,
                Long.parseLong(o.getOrDefault(SEGMENT_BYTES, String.valueOf(8L * 1024 * 1024))),
                Duration.ofMillis(Long.parseLong(o.getOrDefault(REQUEST_TIMEOUT, "5000"))), null, s.fsyncDelay());
    }

    private static long positive(Map<String, String> o, String key, long fallback) {
        String v = o.get(key);
        if (v == null || v.isBlank() || v.trim().equals("0")) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a positive number of milliseconds, not '" + v + "'");
    }

    /** The member id in {@code dir/member-id}; a new member's comes from its first peer URL. */
    static long memberId(Path dir, String firstPeerUrl) {
        Path file = dir.resolve("member-id");
        try {
            if (Files.exists(file)) {
                String hex = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!hex.isEmpty()) {
                    return Long.parseUnsignedLong(hex, 16);
                }
            }
            long id = MemberIds.ofPeerUrl(firstPeerUrl);
            writeAtomically(dir, file, Long.toHexString(id));
            return id;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read or write the member id file " + file + ": " + e
                    + "; check the permissions of " + dir + " (a damaged file may be deleted while the member is"
                    + " not yet part of a cluster)", e);
        }
    }

    private static void writeAtomically(Path dir, Path file, String text) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The member name in {@code dir/name}; a new member gets {@code <node-name>-<8 hex chars>} (K3s's form), so that
     * a rejoining node with the same node name is a new member.
     */
    static String memberName(Path dir, String nodeName) {
        Path file = dir.resolve("name");
        try {
            if (Files.exists(file)) {
                String name = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            byte[] suffix = new byte[4];
            new SecureRandom().nextBytes(suffix);
            String base = nodeName == null || nodeName.isBlank() ? "cairn" : nodeName.trim();
            String name = base + "-" + HexFormat.of().formatHex(suffix);
            writeAtomically(dir, file, name);
            return name;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write the member name file " + file + ": " + e
                    + "; check the permissions of " + dir, e);
        }
    }
}
