package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.security.api.ClusterTls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The DS component without a framework: what it prints on start, and how it fails when its port is taken. */
public class EtcdServerComponentTest {
    private Path dir;
    private TestTls tls;
    private SqliteDatastore store;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("cairn-etcd-component-test");
        tls = TestTls.create(dir.resolve("tls"));
        store = SqliteDatastore.open(new BackendSettings(dir, "", "node-1", List.of(), List.of(), 0, Duration.ZERO,
                Map.of()));
    }

    @After
    public void tearDown() {
        store.close();
        EtcdServerRule.deleteRecursively(dir);
    }

    private EtcdServerComponent component(List<String> fatalMessages) {
        EtcdServerComponent c = new EtcdServerComponent();
        c.datastore = store;
        c.tls = clusterTls();
        c.fatal = fatalMessages::add;
        return c;
    }

    private EtcdServerComponent.Config config(int clientPort, int metricsPort) {
        Map<String, Object> values = Map.of("data_dir", dir.toString(), "node_name", "node-1", "node_ip",
                "127.0.0.1", "bind_address", "127.0.0.1", "client_port", clientPort, "metrics_port", metricsPort,
                "max_request_bytes", ServerSettings.DEFAULT_MAX_REQUEST_BYTES);
        return (EtcdServerComponent.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EtcdServerComponent.Config.class}, (proxy, method, args) -> values.get(method.getName()));
    }

    private ClusterTls clusterTls() {
        return (ClusterTls) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ClusterTls.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "etcdServerCa" -> tls.ca;
                    case "etcdServerCert" -> tls.serverCert;
                    case "etcdServerKey" -> tls.serverKey;
                    case "etcdClientCert" -> tls.clientCert;
                    case "etcdClientKey" -> tls.clientKey;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    public void printsTheEtcdctlLineAndServes() throws Exception {
        int port = freePort();
        EtcdServerComponent c = component(new ArrayList<>());
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            c.activate(config(port, 0));
        } finally {
            System.setOut(original);
        }
        try {
            String line = "etcdctl --endpoints=https://127.0.0.1:" + port + " --cacert=" + tls.ca.toAbsolutePath()
                    + " --cert=" + tls.clientCert.toAbsolutePath() + " --key=" + tls.clientKey.toAbsolutePath();
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed, printed.lines().anyMatch(line::equals));
            assertTrue(printed, printed.contains("data in " + dir.toAbsolutePath()));
            Etcdctl.Result r = new Etcdctl("https://127.0.0.1:" + port, tls).run("put", "k", "v").ok();
            assertEquals("OK\n", r.out());
        } finally {
            c.deactivate();
        }
    }

    @Test
    public void aTakenPortIsFatalAndNamesTheAddressPortAndFlag() throws Exception {
        List<String> fatal = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try {
                component(fatal).activate(config(port, 0));
                fail("started on a taken port");
            } catch (PortInUseException e) {
                assertEquals(port, e.port());
                assertEquals("client.port", e.setting());
            }
            assertEquals(1, fatal.size());
            String message = fatal.get(0);
            assertTrue(message, message.contains("127.0.0.1:" + port) && message.contains("--etcd-client-port")
                    && message.contains("client.port"));
        }
    }
}
