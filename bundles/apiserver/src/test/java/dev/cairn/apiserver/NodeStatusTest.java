package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class NodeStatusTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private SqliteDatastore datastore;
    private ObjectStore store;
    private final ManualClock clock = new ManualClock();

    @Before
    public void open() {
        datastore = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        store = new ObjectStore(datastore, clock);
        DefaultNamespaces.ensure(store);
    }

    @After
    public void close() {
        datastore.close();
    }

    @Test
    public void registersItselfAsAReadyControlPlaneWithALease() {
        new NodeHeartbeat(store, clock, "server1", "127.0.0.9", () -> false, "https://127.0.0.9:6443").beat();
        JsonObject node = store.get(ResourceType.NODES, null, "server1");
        assertEquals("Ready", TableRenderer.nodeStatus(node));
        assertEquals("control-plane,master", TableRenderer.roles(ObjectStore.labelsOf(node)));
        assertEquals("v1.32.0+cairn", node.getAsJsonObject("status").getAsJsonObject("nodeInfo")
                .get("kubeletVersion").getAsString());
        JsonObject lease = store.get(ResourceType.LEASES, "kube-node-lease", "server1");
        assertEquals("2026-01-01T00:00:00.000000Z", lease.getAsJsonObject("spec").get("renewTime").getAsString());
    }

    @Test
    public void raftMembersHaveTheEtcdRole() {
        new NodeHeartbeat(store, clock, "server1", "127.0.0.9", () -> true, "https://127.0.0.9:6443").beat();
        assertEquals("control-plane,etcd,master", TableRenderer.roles(ObjectStore.labelsOf(
                store.get(ResourceType.NODES, null, "server1"))));
        new NodeHeartbeat(store, clock, "server1", "127.0.0.9", () -> false, "https://127.0.0.9:6443").beat();
        assertEquals("control-plane,master", TableRenderer.roles(ObjectStore.labelsOf(
                store.get(ResourceType.NODES, null, "server1"))));
    }

    @Test
    public void aNodeWithoutHeartbeatTurnsNotReadyAfterTheGracePeriodAndBackOnTheNextBeat() {
        NodeHeartbeat heartbeat = new NodeHeartbeat(store, clock, "server1", "127.0.0.9", () -> false,
                "https://127.0.0.9:6443");
        NodeLifecycle lifecycle = new NodeLifecycle(store, clock, Duration.ofSeconds(40));
        heartbeat.beat();
        clock.now = clock.now.plusSeconds(40);
        assertEquals(0, lifecycle.check());
        assertEquals("Ready", TableRenderer.nodeStatus(store.get(ResourceType.NODES, null, "server1")));
        clock.now = clock.now.plusSeconds(1);
        assertEquals(1, lifecycle.check());
        JsonObject node = store.get(ResourceType.NODES, null, "server1");
        assertEquals("NotReady", TableRenderer.nodeStatus(node));
        assertTrue(node.toString().contains("Kubelet stopped posting node status."));
        assertEquals(0, lifecycle.check());
        heartbeat.beat();
        assertEquals("Ready", TableRenderer.nodeStatus(store.get(ResourceType.NODES, null, "server1")));
        assertFalse(store.get(ResourceType.NODES, null, "server1").toString().contains("NodeStatusUnknown"));
    }
}
