package dev.cairn.datastore.raft;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.spi.BackendSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A member that cannot start fails with an error naming the cause, and never ends the process. */
public class StartFailureTest {
    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aTakenPeerPortIsAnErrorNamingThePortNotAnExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            BackendSettings s = new BackendSettings(dirs.newFolder().toPath(), "", "n", List.of(),
                    List.of("https://127.0.0.1:" + port), 0, null, Map.of());
            try {
                RaftDatastore.open(s).close();
                fail("opened on a taken port");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("peer port " + port));
            }
        }
        // still running: the process was not ended; and a member on a free port starts
        BackendSettings ok = new BackendSettings(dirs.newFolder().toPath(), "", "n", List.of(),
                List.of("https://127.0.0.1:" + TestCluster.freeLoopbackPort()), 0, null, Map.of());
        try (RaftDatastore store = RaftDatastore.open(ok)) {
            assertTrue(store.awaitLeader(java.time.Duration.ofSeconds(20)));
        }
    }
}
