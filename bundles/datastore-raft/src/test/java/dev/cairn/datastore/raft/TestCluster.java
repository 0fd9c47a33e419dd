package dev.cairn.datastore.raft;

import dev.cairn.datastore.spi.BackendSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * A Raft cluster in this JVM: member i listens on 127.0.0.(11+i) (or from another first address) with its own peer
 * port and data dir. Member 0
 * founds the group; the others are added by peer URL (MemberAdd) and start empty (joining), as the join flow does;
 * the leader adds them as learners and promotes them.
 */
final class TestCluster implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Path root;
    private final Map<String, String> options;
    private final List<RaftDatastore> members = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    /** Peer TLS of member i, or null for plaintext. */
    private final IntFunction<RaftSettings.PeerTls> tls;
    private final long quotaBytes;
    /** The last byte of member 0's loopback address. */
    private final int firstHost;
    /** The fsyncDelay failpoint of every member, or null. */
    private final Duration fsyncDelay;

    private TestCluster(Path root, Map<String, String> options, IntFunction<RaftSettings.PeerTls> tls,
            long quotaBytes, int firstHost, Duration fsyncDelay) {
        this.root = root;
        this.options = options;
        this.tls = tls;
        this.quotaBytes = quotaBytes;
        this.firstHost = firstHost;
        this.fsyncDelay = fsyncDelay;
    }

    /** A cluster whose member i listens on 127.0.0.(firstHost+i), each with the fsync delay (null: none). */
    static TestCluster startOn(int firstHost, Duration fsyncDelay, Path root, int size, Map<String, String> extra)
            throws Exception {
        return start(root, size, extra, i -> null, 0, firstHost, fsyncDelay);
    }

    static TestCluster start(Path root, int size, Map<String, String> extra) throws Exception {
        return start(root, size, extra, i -> null);
    }

    static TestCluster start(Path root, int size, Map<String, String> extra, IntFunction<RaftSettings.PeerTls> tls)
            throws Exception {
        return start(root, size, extra, tls, 0);
    }

    static TestCluster start(Path root, int size, Map<String, String> extra, IntFunction<RaftSettings.PeerTls> tls,
            long quotaBytes) throws Exception {
        return start(root, size, extra, tls, quotaBytes, 11, null);
    }

    private static TestCluster start(Path root, int size, Map<String, String> extra,
            IntFunction<RaftSettings.PeerTls> tls, long quotaBytes, int firstHost, Duration fsyncDelay)
            throws Exception {
        Map<String, String> options = new HashMap<>(Map.of(RaftSettings.ELECTION_TIMEOUT, "500",
                RaftSettings.REQUEST_TIMEOUT, "5000"));
        options.putAll(extra);
        TestCluster c = new TestCluster(root, options, tls, quotaBytes, firstHost, fsyncDelay);
        try {
            c.ports.add(freePort(c.hostOf(0)));
            c.members.add(c.open(0, false));
            if (!c.members.get(0).awaitLeader(WAIT)) {
                throw new AssertionError("the founding member elected no leader");
            }
            for (int i = 1; i < size; i++) {
                c.join(false);
            }
            c.awaitVoters(size);
            for (RaftDatastore m : c.members) {
                if (!m.awaitLeader(WAIT)) {
                    throw new AssertionError(m.name() + " knows no leader");
                }
            }
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Adds a member by peer URL through member 0 (as a learner to keep when {@code learner}), then starts it. */
    RaftDatastore join(boolean learner) throws Exception {
        int i = reserve();
        ClusterCalls.get(members.get(0).raftMembership().addMember("", List.of(peerUrl(i)), learner));
        return startJoining(i);
    }

    /** A port and slot for member {@code size()}; returns its index. */
    int reserve() {
        int i = members.size();
        ports.add(freePort(hostOf(i)));
        members.add(null);
        return i;
    }

    /** Starts member i's server empty, to be added (joining). */
    RaftDatastore startJoining(int i) throws Exception {
        RaftDatastore joining = open(i, true);
        members.set(i, joining);
        return joining;
    }

    String peerUrl(int i) {
        return "https://" + hostOf(i) + ":" + ports.get(i);
    }

    /**
     * Waits until member 0 lists {@code n} voters, each with its published name, in a committed configuration
     * that is no longer changing (a joint configuration needs a majority of the old voters too).
     */
    void awaitVoters(int n) throws InterruptedException {
        await(n + " named voters in a stable configuration", () -> {
            RaftDatastore first = members.get(0);
            var division = first.node().division();
            var conf = division.getRaftConf();
            return conf.getPreviousPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER).isEmpty()
                    && conf.getLogEntryIndex() <= division.getRaftLog().getLastCommittedIndex()
                    && first.cluster().members().stream().filter(m -> !m.learner() && !m.name().isEmpty())
                            .count() == n;
        });
    }

    static String host(int i) {
        return "127.0.0." + (11 + i);
    }

    String hostOf(int i) {
        return "127.0.0." + (firstHost + i);
    }

    /** Opens member i's data dir (again); {@code join}: start without a configuration. */
    RaftDatastore open(int i, boolean join) throws Exception {
        return RaftDatastore.open(settings(i, Map.of(RaftSettings.JOIN, String.valueOf(join))));
    }

    /** Member i's settings with {@code extra} options. */
    RaftSettings settings(int i, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(options);
        o.putAll(extra);
        BackendSettings s = new BackendSettings(root.resolve("m" + i), "", "m" + i,
                List.of("https://" + hostOf(i) + ":2379"), List.of(peerUrl(i)), quotaBytes, fsyncDelay, o);
        RaftSettings raft = RaftSettings.from(s);
        RaftSettings.PeerTls peerTls = tls.apply(i);
        return peerTls == null ? raft : raft.withTls(peerTls);
    }

    /** Puts a member opened from outside (a cluster reset) in slot i. */
    void set(int i, RaftDatastore m) {
        members.set(i, m);
    }

    RaftDatastore member(int i) {
        return members.get(i);
    }

    int size() {
        return members.size();
    }

    /** The index of the member that leads, as the running members see it; -1 when none does. */
    int leaderIndex() {
        for (int i = 0; i < members.size(); i++) {
            RaftDatastore m = members.get(i);
            if (m != null && m.node().isLeader()) {
                return i;
            }
        }
        return -1;
    }

    int awaitLeaderIndex() throws InterruptedException {
        int[] found = {-1};
        await("a leader among the running members", () -> (found[0] = leaderIndex()) >= 0
                && members.get(found[0]).node().division().getInfo().isLeaderReady());
        return found[0];
    }

    void stop(int i) {
        RaftDatastore m = members.set(i, null);
        if (m != null) {
            m.close();
        }
    }

    RaftDatastore restart(int i) throws Exception {
        RaftDatastore m = open(i, false);
        members.set(i, m);
        return m;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Stops every member still running, all at once: a member takes about a second to close (Ratis's log worker polls
     * its queue once a second), and the test is over, so nothing depends on the order.
     */
    @Override
    public void close() {
        List<Thread> closing = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = members.size() - 1; i >= 0; i--) {
            RaftDatastore m = members.set(i, null);
            if (m == null) {
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    m.close();
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }, "test-cluster-close-m" + i);
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while closing the cluster", e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("closing the cluster failed: " + failures.get(0),
                    failures.get(0));
            failures.subList(1, failures.size()).forEach(error::addSuppressed);
            throw error;
        }
    }

    static int freeLoopbackPort() {
        return freePort("127.0.0.1");
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on " + host + ": " + e, e);
        }
    }
}
