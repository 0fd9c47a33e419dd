package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.launcher.testbundle.FatalOnStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;

/** Felix embedded in this JVM with the real Config Admin bundle. */
public class EmbeddedFrameworkTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private EmbeddedFramework framework;

    @After
    public void stop() {
        if (framework != null) {
            assertTrue("framework stopped in time", framework.stop(Duration.ofSeconds(10)));
        }
    }

    @Test
    public void configAdminWiresToTheLaunchersApiAndReceivesTheConfiguration() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        Path dataDir = temp.newFolder("data").toPath();
        framework = EmbeddedFramework.init(EmbeddedFramework.properties(dataDir, false));
        framework.registerFatalErrors(new FatalErrors());

        framework.installAndStart(home.resolve("bundle"));
        framework.configure(Map.of("data.dir", dataDir.toString(), "client.port", 2379,
                "tls.san", new String[] {"a.example"}));

        BundleContext context = framework.framework().getBundleContext();
        Bundle configAdmin = bundle(context, "org.apache.felix.configadmin");
        assertEquals(Bundle.ACTIVE, configAdmin.getState());
        assertEquals("org.osgi.service.cm must come from the system bundle", 0L, cmProvider(configAdmin));

        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        Dictionary<String, Object> stored = context.getService(reference)
                .getConfiguration(EmbeddedFramework.SERVER_PID, "?").getProperties();
        assertEquals(dataDir.toString(), stored.get("data.dir"));
        assertEquals(2379, stored.get("client.port"));
        assertEquals("a.example", ((String[]) stored.get("tls.san"))[0]);
        assertTrue(Files.isDirectory(dataDir.resolve("felix-cache")));
    }

    @Test
    public void fatalErrorServiceReachesTheLauncher() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        TestBundles.fatalBundle(home.resolve("bundle"));
        FatalErrors fatal = new FatalErrors();
        framework = EmbeddedFramework.init(EmbeddedFramework.properties(temp.newFolder("data").toPath(), false));
        framework.registerFatalErrors(fatal);

        framework.installAndStart(home.resolve("bundle"));

        assertEquals(FatalOnStart.MESSAGE, fatal.first().get(10, TimeUnit.SECONDS));
    }

    @Test
    public void bundleThatDoesNotResolveIsNamed() throws Exception {
        Path home = TestBundles.home(temp.newFolder("home").toPath());
        TestBundles.unresolvableBundle(home.resolve("bundle"));
        framework = EmbeddedFramework.init(EmbeddedFramework.properties(temp.newFolder("data").toPath(), false));
        try {
            framework.installAndStart(home.resolve("bundle"));
            fail("expected a resolution failure");
        } catch (StartupException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("bundle test.broken 1.0.0 (test-broken.jar) does "
                    + "not resolve: "));
            assertTrue(e.getMessage(), e.getMessage().contains("com.example.missing"));
        }
    }

    @Test
    public void emptyBundleDirectoryIsAnError() throws Exception {
        Path bundles = temp.newFolder("bundle").toPath();
        framework = EmbeddedFramework.init(EmbeddedFramework.properties(temp.newFolder("data").toPath(), false));
        try {
            framework.installAndStart(bundles);
            fail("expected an error");
        } catch (StartupException e) {
            assertEquals("no bundles in " + bundles + " (is cairn.home a Cairn distribution?)", e.getMessage());
        }
    }

    private static Bundle bundle(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " not installed");
    }

    private static long cmProvider(Bundle bundle) {
        for (BundleWire wire : bundle.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package")) {
            if ("org.osgi.service.cm".equals(wire.getCapability().getAttributes().get("osgi.wiring.package"))) {
                return wire.getProvider().getBundle().getBundleId();
            }
        }
        throw new AssertionError("org.osgi.service.cm is not imported");
    }
}
