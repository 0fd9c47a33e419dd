package dev.cairn.security.cred;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.security.api.ClusterCredentials;
import dev.cairn.security.api.ClusterTls;
import dev.cairn.security.api.JoinToken;
import dev.cairn.security.tls.ServerCertificates;
import dev.cairn.security.tls.ServerIdentity;
import dev.cairn.security.tls.TlsLayout;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS component as SCR drives it: the CAs and the configuration in, the files and the service out. */
public class ClusterCredentialsComponentTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final List<Object> registered = new ArrayList<>();
    private final List<Object> unregistered = new ArrayList<>();
    private final List<String> fatalMessages = new ArrayList<>();

    @Test
    public void registersTheServiceWithTheTokenOfTheServerCa() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        ClusterCredentialsComponent component = component(dataDir);
        component.activate(context(), config(dataDir.toString(), "pw"));

        ClusterCredentials credentials = (ClusterCredentials) registered.get(0);
        String caHash = JoinToken.caHash(Files.readAllBytes(component.tls.serverCa()));
        assertEquals(caHash, credentials.caHash());
        assertEquals("K10" + caHash + "::server:pw", credentials.token());
        assertEquals(credentials.token() + "\n", Files.readString(dataDir.resolve("server/token")));
        assertEquals(Optional.of("server"), credentials.authenticate("server", "pw"));
        assertEquals(Optional.of("node"), credentials.authenticate("node", "pw"));
        assertEquals(Optional.empty(), credentials.authenticate("server", "wrong"));
        assertEquals(Optional.empty(), credentials.authenticate("admin", "pw"));
        assertEquals(Optional.empty(), credentials.authenticate(null, null));

        component.deactivate();
        assertEquals(registered, unregistered);
    }

    @Test
    public void aMismatchingTokenIsFatalAndRegistersNothing() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        ClusterCredentialsComponent first = component(dataDir);
        first.activate(context(), config(dataDir.toString(), "pw"));
        first.deactivate();
        registered.clear();

        ClusterCredentialsComponent second = component(dataDir);
        second.fatal = fatalMessages::add;
        second.activate(context(), config(dataDir.toString(), "other"));
        assertEquals(List.of(), registered);
        assertEquals(1, fatalMessages.size());
        assertTrue(fatalMessages.get(0), fatalMessages.get(0).contains("does not match the server password"));
    }

    private ClusterCredentialsComponent component(Path dataDir) throws Exception {
        TlsLayout layout = new ServerCertificates(new TlsLayout(dataDir),
                new ServerIdentity("node1", "127.0.0.1", "", List.of()), Clock.systemUTC()).ensure();
        ClusterCredentialsComponent component = new ClusterCredentialsComponent();
        component.tls = (ClusterTls) layout;
        return component;
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
                                return null;
                            });
                });
    }

    private static ClusterCredentialsComponent.Config config(String dataDir, String token) {
        Map<String, Object> values = Map.of("data_dir", dataDir, "_token", token);
        return (ClusterCredentialsComponent.Config) Proxy.newProxyInstance(
                ClusterCredentialsComponentTest.class.getClassLoader(),
                new Class<?>[] {ClusterCredentialsComponent.Config.class}, (proxy, method, args) -> {
                    Object value = values.get(method.getName());
                    if (value == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return value;
                });
    }
}
