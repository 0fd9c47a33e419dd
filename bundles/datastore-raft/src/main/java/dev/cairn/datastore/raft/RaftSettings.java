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
 * @param name            this member's name, also its Raft peer id (stable: kept in {@code dir/name})
 * @param bindHost        the address the peer port listens on ("" or 0.0.0.0: all)
 * @param peerPort        the Raft peer port
 * @param peerUrls        advertised peer URLs ({@code https://host:port}); the first one is the Raft address
 * @param clientUrls      advertised etcd client URLs
 * @param join            start without a configuration and wait to be added by an existing member (a joining
 *                        server); otherwise a server without Raft storage founds a one-member group
 * @param electionMin     the Raft election timeout range; the leader heartbeats every {@code electionMin / 2}
 * @param snapshotEvery   applied entries between automatic snapshots
 * @param snapshotsKept   snapshots kept on disk
 * @param segmentBytes    Raft log segment size; the log is purged a whole segment at a time
 * @param requestTimeout  how long a write or read may wait for a leader before failing (NO_LEADER/TIMEOUT)
 * @param tls             peer mutual TLS files, or null for plaintext peer traffic
 */
record RaftSettings(Path dir, String name, String bindHost, int peerPort, List<String> peerUrls,
        List<String> clientUrls, long quotaBytes, boolean join, Duration electionMin, Duration electionMax,
        long snapshotEvery, int snapshotsKept, long segmentBytes, Duration requestTimeout, PeerTls tls) {

    /** PEM files for peer traffic: this server's certificate chain and PKCS#8 key, and the peer CA. */
    record PeerTls(Path ca, Path cert, Path key) {
    }

    static final String BIND_ADDRESS = "bind.address";
    static final String JOIN = "raft.join";
    static final String ELECTION_TIMEOUT = "raft.election.timeout.ms";
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

    Path storeFile() {
        return dir.resolve("state.db");
    }

    RaftSettings withTls(PeerTls peerTls) {
        return new RaftSettings(dir, name, bindHost, peerPort, peerUrls, clientUrls, quotaBytes, join, electionMin,
                electionMax, snapshotEvery, snapshotsKept, segmentBytes, requestTimeout, peerTls);
    }

    /**
     * The settings of the backend: files under {@code dbDir/etcd}, the peer port from the first peer URL. Options
     * (all optional): {@value #BIND_ADDRESS}, {@value #JOIN}, {@value #ELECTION_TIMEOUT} (the lower bound; the
     * upper one is twice it), {@value #SNAPSHOT_EVERY}, {@value #SEGMENT_BYTES}, {@value #REQUEST_TIMEOUT}.
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
        long election = Long.parseLong(o.getOrDefault(ELECTION_TIMEOUT, "1000"));
        return new RaftSettings(dir, memberName(dir, s.nodeName()), o.getOrDefault(BIND_ADDRESS, peer.getHost()),
                peer.getPort(), s.peerUrls(), s.clientUrls(), s.quotaBytes(),
                Boolean.parseBoolean(o.getOrDefault(JOIN, "false")), Duration.ofMillis(election),
                Duration.ofMillis(2 * election), Long.parseLong(o.getOrDefault(SNAPSHOT_EVERY, "10000")), 2,
                Long.parseLong(o.getOrDefault(SEGMENT_BYTES, String.valueOf(8L * 1024 * 1024))),
                Duration.ofMillis(Long.parseLong(o.getOrDefault(REQUEST_TIMEOUT, "5000"))), null);
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
            Files.createDirectories(dir);
            Path tmp = dir.resolve("name.tmp");
            Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return name;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write the member name file " + file + ": " + e
                    + "; check the permissions of " + dir, e);
        }
    }
}
