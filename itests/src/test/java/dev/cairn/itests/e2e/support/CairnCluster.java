package dev.cairn.itests.e2e.support;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.maintenance.StatusResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A cluster of real Cairn servers, numbered from 1: server {@code i} is node {@code s<i>} on its own loopback
 * address {@code 127.0.0.(10+i)} with the default ports and a fresh data directory. Server 1 founds the cluster
 * ({@code --cluster-init}); each other server joins through the supervisor port of a server that is running when
 * it first starts ({@code --server https://<address>:6443}). All share one token. A restarted server keeps its
 * command line: its launcher ignores {@code --cluster-init} and {@code --server} once its Raft data exists.
 */
public final class CairnCluster implements AutoCloseable {

    public static final String TOKEN = "e2e-cluster-secret";
    public static final int SUPERVISOR_PORT = 6443;
    public static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(120);

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String namePrefix;
    private final int firstHost;
    private final int size;
    private final List<String> extraArgs;
    private final CairnProcess[] servers;
    private final Map<Integer, Client> clients = new HashMap<>();
    private int niceAdjustment;

    /**
     * Not started yet; servers on 127.0.0.11, .12, ...; {@code extraArgs} go to every server (e.g.
     * {@code --disable-apiserver}).
     */
    public CairnCluster(int size, String... extraArgs) {
        this(11, size, extraArgs);
    }

    /** Not started yet; server {@code i} (from 1) on 127.0.0.(firstHost + i - 1). */
    public CairnCluster(int firstHost, int size, String... extraArgs) {
        this("", firstHost, size, extraArgs);
    }

    /**
     * Not started yet; server {@code i} is node {@code <namePrefix>s<i>}, so that its log file and node name do
     * not collide with those of other test classes' clusters (whose nodes are {@code s1}, {@code s2}, ...).
     */
    public CairnCluster(String namePrefix, int firstHost, int size, String... extraArgs) {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("a test cluster has 1 to 9 servers, not " + size);
        }
        this.namePrefix = namePrefix;
        this.firstHost = firstHost;
        this.size = size;
        this.extraArgs = List.of(extraArgs);
        this.servers = new CairnProcess[size + 1];
    }

    public int size() {
        return size;
    }

    /** Runs every server of this cluster under {@code nice -n adjustment} (see {@link CairnProcess#withNiceness}). */
    public CairnCluster withNiceness(int adjustment) {
        niceAdjustment = adjustment;
        return this;
    }

    public String address(int server) {
        return "127.0.0." + (firstHost - 1 + server);
    }

    public String nodeName(int server) {
        return namePrefix + "s" + server;
    }

    /** The supervisor URL a joining server is pointed at. */
    public String supervisorUrl(int server) {
        return "https://" + address(server) + ":" + SUPERVISOR_PORT;
    }

    /** Starts every server in turn, each once the ones before it are started voters. */
    public void start() {
        for (int i = 1; i <= size; i++) {
            startServer(i);
            awaitStartedVoters(i, MEMBERSHIP_TIMEOUT);
        }
    }

    /** The first start of server {@code i}: founds the cluster (server 1) or joins it through a running server. */
    public void startServer(int i) {
        if (i == 1) {
            startServer(1, 0);
            return;
        }
        int via = runningServers().stream().findFirst().orElseThrow(() -> new IllegalStateException(
                "no running server for " + nodeName(i) + " to join through"));
        startServer(i, via);
    }

    /** The first start of server {@code i}: founds the cluster ({@code via} 0) or joins through server {@code via}. */
    public void startServer(int i, int via) {
        if (servers[i] != null) {
            throw new IllegalStateException(nodeName(i) + " was started before; restart it instead");
        }
        List<String> args = new ArrayList<>();
        if (via == 0) {
            args.add("--cluster-init");
        } else {
            args.addAll(List.of("--server", supervisorUrl(via)));
        }
        args.addAll(List.of("--token", TOKEN));
        args.addAll(extraArgs);
        servers[i] = CairnProcess.create(nodeName(i), address(i), args.toArray(new String[0]))
                .withNiceness(niceAdjustment);
        servers[i].start();
    }

    public CairnProcess server(int i) {
        if (i < 1 || i > size || servers[i] == null) {
            throw new IllegalArgumentException("no started server " + i + " in this cluster of " + size);
        }
        return servers[i];
    }

    /** The started servers as etcd endpoints (for a {@link HistoryRecorder}). */
    public List<CairnProcess> servers() {
        List<CairnProcess> list = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            if (servers[i] != null) {
                list.add(servers[i]);
            }
        }
        return list;
    }

    public List<Integer> runningServers() {
        List<Integer> running = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            if (servers[i] != null && servers[i].isRunning()) {
                running.add(i);
            }
        }
        return running;
    }

    /** SIGTERM, SIGKILL after a grace period. */
    public ManagedServer.Stop stop(int i) {
        return server(i).stop(STOP_GRACE);
    }

    /** SIGKILL, like a power cut. */
    public void kill(int i) {
        server(i).kill();
    }

    /** Starts a stopped or killed server again on its data directory. */
    public void restart(int i) {
        server(i).restart();
    }

    /** etcdctl against server {@code i}, with its TLS files. */
    public Etcdctl etcdctl(int i) {
        return new Etcdctl(server(i));
    }

    /** The flags {@code --endpoints --cacert --cert --key} for server {@code i}. */
    public List<String> etcdctlFlags(int i) {
        return etcdctl(i).connectionFlags();
    }

    /** The member list as a running server reports it; empty when no running server answers in time. */
    public Optional<List<Member>> members() {
        for (int i : runningServers()) {
            try {
                return Optional.of(client(i).getClusterClient().listMember()
                        .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getMembers());
            } catch (ExecutionException | TimeoutException e) {
                // this server cannot answer now (no leader, still starting): ask the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return Optional.empty();
    }

    /** Members that have started (they have a name) and vote (they are not learners). */
    public static long startedVoters(List<Member> members) {
        return members.stream().filter(m -> !m.getName().isEmpty() && !m.isLearner()).count();
    }

    /** Waits until the member list shows exactly {@code n} started voters. */
    public void awaitStartedVoters(int n, Duration timeout) {
        Await.until(n + " started voters", timeout,
                () -> members().map(m -> startedVoters(m) == n).orElse(false), this::describe);
    }

    /** The running server that reports itself as leader right now, if any. */
    public OptionalInt leader() {
        for (int i : runningServers()) {
            try {
                StatusResponse status = client(i).getMaintenanceClient().statusMember(server(i).clientUrl())
                        .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (status.getLeader() != 0 && status.getLeader() == status.getHeader().getMemberId()) {
                    return OptionalInt.of(i);
                }
            } catch (ExecutionException | TimeoutException e) {
                // not answering: not the leader we can use
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return OptionalInt.empty();
    }

    /** Waits until some running server leads and returns its number. */
    public int awaitLeader(Duration timeout) {
        Await.until("a leader", timeout, () -> leader().isPresent(), this::describe);
        return leader().orElseThrow(() -> new AssertionError("the leader went away again\n" + describe()));
    }

    /** The member list and every server's log tail, for assertion messages. */
    public String describe() {
        StringBuilder text = new StringBuilder("members: ").append(members().map(list -> list.stream()
                .map(m -> (m.getName().isEmpty() ? "(unstarted)" : m.getName()) + (m.isLearner() ? " learner" : "")
                        + " " + m.getPeerURIs()).collect(Collectors.joining(", ", "[", "]")))
                .orElse("(no running server answered)")).append('\n');
        for (CairnProcess server : servers()) {
            text.append(server.isRunning() ? "" : "(not running) ").append(server.logTail()).append('\n');
        }
        return text.toString();
    }

    /** One client per server, reused: jetcd reconnects by itself after the server restarts. */
    public synchronized Client client(int i) {
        return clients.computeIfAbsent(i, n -> EtcdClients.jetcdBuilder(server(n)).retryMaxAttempts(0).build());
    }

    /** Closes the clients, stops every server still running and deletes the data directories. */
    @Override
    public void close() {
        synchronized (this) {
            clients.values().forEach(Client::close);
            clients.clear();
        }
        RuntimeException first = null;
        for (CairnProcess server : servers()) {
            try {
                server.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
