package dev.cairn.security.tls;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.security.api.ClusterTls;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS component as SCR drives it: configuration in, files on disk, a ClusterTls service out. */
public class ClusterTlsComponentTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final List<Object> registered = new ArrayList<>();
    private final List<Object> unregistered = new ArrayList<>();
    private final List<String> fatalMessages = new ArrayList<>();
    private final List<Object> generations = new ArrayList<>();

    @Test
    public void aLeafWith30DaysLeftIsReissuedFromTheSameCaAndConsumersAreNotified() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        ClusterTlsComponent component = new ClusterTlsComponent();
        Instant start = Instant.now();
        component.clock = Clock.fixed(start, ZoneOffset.UTC);
        component.activate(context(), config(dataDir.toString(), "node1", "127.0.0.1", new String[0]));
        ClusterTls tls = (ClusterTls) registered.get(0);
        byte[] ca = Files.readAllBytes(tls.etcdServerCa());
        BigInteger serial = TlsFixture.cert(tls.etcdServerCert()).getSerialNumber();

        component.renewDue(); // nothing is due yet
        assertEquals(List.of(), generations);

        Instant later = start.plus(CertificateAuthority.LEAF_VALIDITY).minus(Duration.ofDays(30));
        component.clock = Clock.fixed(later, ZoneOffset.UTC);
        component.renewDue();

        assertEquals(List.of(1L), generations);
        X509Certificate renewed = TlsFixture.cert(tls.etcdServerCert());
        assertNotEquals(serial, renewed.getSerialNumber());
        assertTrue(renewed.getNotAfter().toInstant().isAfter(later.plus(Duration.ofDays(300))));
        assertArrayEquals(ca, Files.readAllBytes(tls.etcdServerCa()));
        for (Path cert : List.of(tls.servingCert(), tls.adminCert(), tls.etcdClientCert(), tls.peerCert())) {
            assertTrue(cert.toString(), TlsFixture.cert(cert).getNotAfter().toInstant().isAfter(later));
        }

        component.renewDue(); // renewed once, not again
        assertEquals(List.of(1L), generations);
        component.deactivate();
    }

    @Test
    public void aCaThatVanishesWhileRunningIsNeverReplacedByTheRenewal() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        ClusterTlsComponent component = new ClusterTlsComponent();
        Instant start = Instant.now();
        component.clock = Clock.fixed(start, ZoneOffset.UTC);
        component.activate(context(), config(dataDir.toString(), "node1", "127.0.0.1", new String[0]));
        ClusterTls tls = (ClusterTls) registered.get(0);
        Files.delete(tls.clientCa());
        Files.delete(dataDir.resolve("server/tls/client-ca.key"));

        component.clock = Clock.fixed(start.plus(Duration.ofDays(340)), ZoneOffset.UTC);
        component.renewDue();

        assertFalse(Files.exists(tls.clientCa()));
        assertEquals(List.of(), generations);
        component.deactivate();
    }

    @Test
    public void activationRegistersClusterTlsAndASecondActivationReusesTheFiles() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        ClusterTlsComponent first = new ClusterTlsComponent();
        first.activate(context(), config(dataDir.toString(), "node1", "127.0.0.1", new String[] {"x.example"}));

        ClusterTls tls = (ClusterTls) registered.get(0);
        assertEquals(dataDir.resolve("server/tls/etcd/server-client.crt"), tls.etcdServerCert());
        assertTrue(Files.exists(tls.adminKey()));
        byte[] ca = Files.readAllBytes(tls.etcdServerCa());
        byte[] serving = Files.readAllBytes(tls.etcdServerCert());
        first.deactivate();
        assertEquals(List.of(tls), unregistered);

        new ClusterTlsComponent().activate(context(),
                config(dataDir.toString(), "node1", "127.0.0.1", new String[] {"x.example"}));

        assertEquals(2, registered.size());
        assertArrayEquals(ca, Files.readAllBytes(tls.etcdServerCa()));
        assertArrayEquals(serving, Files.readAllBytes(tls.etcdServerCert()));
    }

    @Test
    public void unusableFileIsReportedToTheFatalSinkOnceAndNothingIsRegistered() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        new ClusterTlsComponent().activate(context(), config(dataDir.toString(), "node1", "", new String[0]));
        Path ca = dataDir.resolve("server/tls/client-ca.crt");
        Files.writeString(ca, "garbage");
        registered.clear();

        ClusterTlsComponent component = new ClusterTlsComponent();
        Field fatal = ClusterTlsComponent.class.getDeclaredField("fatal");
        fatal.setAccessible(true);
        fatal.set(component, (Consumer<String>) fatalMessages::add);
        component.activate(context(), config(dataDir.toString(), "node1", "", new String[0]));

        assertEquals(1, fatalMessages.size());
        assertTrue(fatalMessages.get(0), fatalMessages.get(0).contains(ca.toString()));
        assertTrue(registered.isEmpty());
    }

    @Test
    public void withoutTheLauncherAnUnusableFileFailsTheActivation() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        new ClusterTlsComponent().activate(context(), config(dataDir.toString(), "node1", "", new String[0]));
        Path key = dataDir.resolve("server/tls/etcd/server-ca.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        try {
            new ClusterTlsComponent().activate(context(), config(dataDir.toString(), "node1", "", new String[0]));
            fail("activation should fail");
        } catch (TlsFileException expected) {
            assertEquals(key, expected.file());
        }
    }

    @Test
    public void missingDataDirNamesTheSetting() throws Exception {
        try {
            new ClusterTlsComponent().activate(context(), config("", "node1", "", new String[0]));
            fail("activation should fail");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("data.dir"));
        }
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Object service = args[1];
                    assertNotNull(args[2]);
                    registered.add(service);
                    return Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    unregistered.add(service);
                                }
                                if (m.getName().equals("setProperties")) {
                                    generations.add(((java.util.Dictionary<?, ?>) a[0]).get(ClusterTls.GENERATION));
                                }
                                return null;
                            });
                });
    }

    private static ClusterTlsComponent.Config config(String dataDir, String nodeName, String nodeIp, String[] sans) {
        Map<String, Object> values = Map.of("data_dir", dataDir, "node_name", nodeName, "node_ip", nodeIp,
                "bind_address", "", "tls_san", sans);
        return (ClusterTlsComponent.Config) Proxy.newProxyInstance(ClusterTlsComponentTest.class.getClassLoader(),
                new Class<?>[] {ClusterTlsComponent.Config.class}, (proxy, method, args) -> {
                    Object value = values.get(method.getName());
                    if (value == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return value;
                });
    }
}
