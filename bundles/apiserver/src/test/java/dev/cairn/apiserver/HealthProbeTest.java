package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The 6443 probes: not ready without a leader (quorum lost), live all the same. */
public class HealthProbeTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore store;

    @Before
    public void open() {
        store = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(), List.of(),
                0, Duration.ZERO, Map.of()));
    }

    @After
    public void close() {
        store.close();
    }

    /** The store as a Raft member that lost quorum sees itself: no leader known. */
    private Datastore withoutLeader() {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("cluster")) {
                ClusterState c = store.cluster();
                return new ClusterState(c.clusterId(), c.memberId(), 0, c.raftTerm(), c.raftIndex(),
                        c.appliedIndex(), c.learner(), c.members());
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Datastore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Datastore.class}, h);
    }

    private static String body(ApiResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    public void aServingStoreIsReadyLiveAndHealthy() {
        HealthProbe probe = new HealthProbe(store);
        for (String endpoint : new String[] {"readyz", "livez", "healthz"}) {
            ApiResponse r = probe.probe(endpoint);
            assertEquals(endpoint, 200, r.code());
            assertEquals("ok", body(r));
        }
    }

    @Test
    public void withoutQuorumItIsNotReadyButStaysLive() {
        HealthProbe probe = new HealthProbe(withoutLeader());
        ApiResponse ready = probe.probe("readyz");
        assertEquals(503, ready.code());
        assertTrue(body(ready), body(ready).startsWith("[-]etcd-linearizable-read failed: no leader"));
        assertTrue(body(ready), body(ready).endsWith("\nreadyz check failed"));
        assertEquals(503, probe.probe("healthz").code());
        ApiResponse live = probe.probe("livez");
        assertEquals(200, live.code());
        assertEquals("ok", body(live));
    }
}
