package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonParser;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.security.tls.ServerCertificates;
import dev.cairn.security.tls.ServerIdentity;
import dev.cairn.security.tls.TlsLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The DS component as SCR drives it, on a loopback address: what the HTTPS port serves with and without the API. */
public class ApiServerComponentTest {
    private static final String IP = "127.0.0.33";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dataDir;
    private TlsLayout tls;
    private SqliteDatastore datastore;
    private ApiServerComponent component;

    @Before
    public void prepare() throws Exception {
        dataDir = tmp.getRoot().toPath();
        tls = new ServerCertificates(new TlsLayout(dataDir), new ServerIdentity("s1", IP, IP, List.of()),
                Clock.systemUTC()).ensure();
        Files.createDirectories(dataDir.resolve("server/cred"));
        Files.writeString(dataDir.resolve("server/cred/passwd"), "$1:00:15:8:1:AA,server,server,cairn:server\n");
        datastore = SqliteDatastore.open(new BackendSettings(tmp.newFolder("db").toPath(), "", "s1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        component = new ApiServerComponent();
        component.datastore = datastore;
        component.credentials = FakeCluster.credentials();
        component.bindTls(tls);
    }

    @After
    public void stop() {
        component.deactivate();
        datastore.close();
    }

    private SupervisorClient activate(boolean disableApiserver) throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("data_dir", dataDir.toString(), "node_name", "s1",
                "node_ip", IP, "bind_address", IP, "https_port", 0, "disable_apiserver", disableApiserver));
        component.activate((ApiServerComponent.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ApiServerComponent.Config.class}, (proxy, method, args) -> values.getOrDefault(
                        method.getName(), method.getDefaultValue())));
        return new SupervisorClient(tls.serverCa(), IP, component.port());
    }

    @Test
    public void withDisabledApiserverOnlyTheSupervisorIsServedAndNothingIsWritten() throws Exception {
        long revision = datastore.currentRevision();
        SupervisorClient client = activate(true);
        assertEquals("pong", client.get("/ping", null).body());
        assertEquals(200, client.get("/v1-cairn/config", "server:" + FakeCluster.PASSWORD).statusCode());
        HttpResponse<String> nodes = client.get("/api/v1/nodes", null);
        assertEquals(404, nodes.statusCode());
        assertTrue(nodes.body(), nodes.body().contains("--disable-apiserver"));
        assertEquals(revision, datastore.currentRevision()); // no namespaces, no Node
        assertFalse(Files.exists(dataDir.resolve("cairn.yaml")));
    }

    @Test
    public void withTheApiBothAreServedAndTheKubernetesRoutesKeepClientCertificates() throws Exception {
        SupervisorClient client = activate(false);
        HttpResponse<String> config = client.get("/v1-cairn/config", "node:" + FakeCluster.PASSWORD);
        assertEquals(200, config.statusCode());
        assertEquals("{\"critical\":{\"cluster-cidr\":\"10.42.0.0/16\",\"service-cidr\":\"10.43.0.0/16\","
                + "\"cluster-dns\":\"10.43.0.10\",\"cluster-domain\":\"cluster.local\",\"disable\":[],"
                + "\"disable-helm-controller\":false,\"disable-kube-proxy\":false,\"disable-network-policy\":false,"
                + "\"secrets-encryption\":false}}", config.body());

        HttpResponse<String> anonymous = client.get("/api/v1/nodes", "server:" + FakeCluster.PASSWORD);
        assertEquals(401, anonymous.statusCode()); // the token opens no Kubernetes route
        assertEquals("Status", JsonParser.parseString(anonymous.body()).getAsJsonObject().get("kind").getAsString());

        SupervisorClient admin = new SupervisorClient(tls.serverCa(), IP, component.port(),
                new Path[] {tls.adminCert(), tls.adminKey()});
        HttpResponse<String> nodes = admin.get("/api/v1/nodes", null);
        assertEquals(200, nodes.statusCode());
        assertTrue(nodes.body(), nodes.body().contains("\"name\":\"s1\""));
        assertEquals(200, admin.get("/v1-cairn/server-bootstrap", "server:" + FakeCluster.PASSWORD).statusCode());
        assertTrue(Files.exists(dataDir.resolve("cairn.yaml")));
    }

    /**
     * A server that starts while its datastore has no leader (an election: the leader stopped while this server
     * started) waits for one: it used to stop with "cannot start the Kubernetes API: etcdserver: no leader".
     */
    @Test
    public void aStartDuringAnElectionWaitsForTheLeaderInsteadOfStoppingTheServer() throws Exception {
        AtomicInteger refusals = new AtomicInteger(5);
        component.datastore = (Datastore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Datastore.class}, (proxy, method, args) -> {
                    if (method.getReturnType() == CompletableFuture.class && refusals.getAndDecrement() > 0) {
                        return CompletableFuture.failedFuture(StoreError.NO_LEADER.exception());
                    }
                    try {
                        return method.invoke(datastore, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SupervisorClient client = activate(false);
        assertTrue("every refusal was met", refusals.get() < 0);
        SupervisorClient admin = new SupervisorClient(tls.serverCa(), IP, component.port(),
                new Path[] {tls.adminCert(), tls.adminKey()});
        HttpResponse<String> namespace = admin.get("/api/v1/namespaces/default", null);
        assertEquals(namespace.body(), 200, namespace.statusCode());
        HttpResponse<String> nodes = admin.get("/api/v1/nodes", null);
        assertTrue(nodes.body(), nodes.body().contains("\"name\":\"s1\""));
        assertEquals("pong", client.get("/ping", null).body());
    }
}
