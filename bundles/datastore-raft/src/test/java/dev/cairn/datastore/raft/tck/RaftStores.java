package dev.cairn.datastore.raft.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.raft.RaftDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.tck.BackgroundCleanup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

/**
 * Opens single-member Raft stores in fresh temporary data dirs (deleted after the test), each on its own loopback
 * peer port, and reopens them on the same dir and port. The stores a test leaves open are closed in the background
 * ({@link #closeLater}), and their dirs deleted once they are closed, while the next test runs: a Ratis member takes
 * about a second to close (its log worker polls its queue once a second), longer than most contract tests take.
 */
public final class RaftStores extends TemporaryFolder {
    private final Map<Datastore, Path> dataDirs = new IdentityHashMap<>();
    private final Map<Path, Integer> ports = new java.util.HashMap<>();
    private final List<Datastore> toClose = new ArrayList<>();
    private String test = "a test";

    @Override
    public Statement apply(Statement base, Description description) {
        test = description.getDisplayName();
        return super.apply(base, description);
    }

    /** Closes {@code store} after the test, in the background, before its dir is deleted. */
    public void closeLater(Datastore store) {
        toClose.add(store);
    }

    /** Hands this test's stores and dirs to a background cleanup: close the stores, then delete the dirs. */
    @Override
    protected void after() {
        List<Datastore> stores = List.copyOf(toClose);
        toClose.clear();
        BackgroundCleanup.submit("the Raft stores of " + test, () -> {
            try {
                for (Datastore s : stores) {
                    s.close();
                }
            } finally {
                super.after();
            }
        });
    }

    /** A fresh, empty store in its own data dir, with a leader. */
    public Datastore open() throws Exception {
        return open(newFolder().toPath());
    }

    /** The data of {@code closed} opened again. */
    public Datastore reopen(Datastore closed) throws Exception {
        Path dir = dataDirs.get(closed);
        if (dir == null) {
            throw new IllegalArgumentException("not a store opened by this rule: " + closed);
        }
        return open(dir);
    }

    private Datastore open(Path dataDir) throws Exception {
        int port = ports.computeIfAbsent(dataDir, d -> freePort());
        BackendSettings settings = new BackendSettings(dataDir, "", "node1", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:" + port), 0, null,
                Map.of("raft.election.timeout.ms", "500", "raft.request.timeout.ms", "5000"));
        RaftDatastore store = RaftDatastore.open(settings);
        if (!store.awaitLeader(Duration.ofSeconds(20))) {
            store.close();
            throw new AssertionError("the single-member group elected no leader within 20 s");
        }
        dataDirs.put(store, dataDir);
        return store;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e, e);
        }
    }
}
