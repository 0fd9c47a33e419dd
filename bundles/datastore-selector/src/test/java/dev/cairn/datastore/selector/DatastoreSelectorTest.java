package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.conversion.ConversionException;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import dev.cairn.datastore.sqlite.SqliteDatastoreProvider;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The selector with the real SQLite provider: the published Datastore survives its provider going away and coming
 * back, and a live conversion whose embedded etcd does not come up leaves SQLite serving with nothing lost.
 */
public class DatastoreSelectorTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<Object> registered = new ArrayList<>();
    private final DatastoreProvider sqlite = new SqliteDatastoreProvider();
    private DatastoreSelector selector;
    private Path dataDir;

    @Before
    public void setUp() throws Exception {
        dataDir = tmp.newFolder("data").toPath();
        selector = new DatastoreSelector();
        selector.activate(context(), SnapshotComponentTest.config(Map.of("data_dir", dataDir.toString(),
                "node_name", "s1")));
        selector.addProvider(sqlite);
    }

    @After
    public void tearDown() {
        selector.deactivate();
    }

    @Test
    public void theDatastoreStaysPublishedWhileItsProviderIsAwayAndRequestsWaitForItsReturn() throws Exception {
        Datastore published = published();
        put(published, "a", "1");
        selector.removeProvider(sqlite);
        assertEquals("registered once", 1, registered.size());
        CompletableFuture<PutResult> held = published.put(PutRequest.of(bytes("b"), bytes("2")));
        assertFalse(held.isDone());
        selector.addProvider(sqlite);
        assertEquals(3, held.get(5, TimeUnit.SECONDS).revision());
        assertEquals(1, published.range(RangeRequest.of(KeyRange.single(bytes("a")))).get().count());
    }

    @Test
    public void aConversionWhoseEmbeddedEtcdFailsLeavesSqliteServingWithNothingLost() throws Exception {
        Datastore published = published();
        put(published, "kept", "1");
        selector.addProvider(new FailingRaft(dataDir));

        String message = conversionFailure("etcd");
        assertTrue(message, message.contains("the conversion to the embedded etcd failed: no leader within 30 s"));
        assertTrue(message, message.contains("serves from its SQLite store again, nothing was lost"));

        assertEquals("sqlite", published.type());
        assertEquals(1, published.range(RangeRequest.of(KeyRange.single(bytes("kept")))).get().count());
        assertEquals(3, put(published, "after", "2"));
        assertTrue(Files.exists(dataDir.resolve("server/db/state.db")));
        try (Stream<Path> db = Files.list(dataDir.resolve("server/db"))) {
            assertTrue("the unfinished embedded etcd is moved aside",
                    db.anyMatch(p -> p.getFileName().toString().startsWith("etcd-failed-")));
        }
        assertFalse(BackendChoice.embeddedEtcdInitialized(dataDir));
    }

    @Test
    public void aConversionIsRefusedWithTheReason() throws Exception {
        published();
        assertEquals("cannot convert to 'zookeeper': the only target is etcd (the embedded etcd)",
                conversionFailure("zookeeper"));
        String missing = conversionFailure("etcd");
        assertTrue(missing, missing.startsWith("the embedded etcd backend is not available: install and start the"
                + " bundle dev.cairn.datastore-raft"));
    }

    /** A Raft provider whose new member never elects itself, after it made its storage. */
    private static final class FailingRaft implements DatastoreProvider {
        private final Path dataDir;

        FailingRaft(Path dataDir) {
            this.dataDir = dataDir;
        }

        @Override
        public String type() {
            return BackendChoice.RAFT;
        }

        @Override
        public Datastore open(BackendSettings settings) throws Exception {
            assertNotNull(settings.options().get(BackendChoice.CONVERT_BASE));
            assertTrue("the copy was taken before the switch",
                    Files.isRegularFile(Path.of(settings.options().get(BackendChoice.CONVERT_BASE))));
            Path raft = BackendChoice.etcdDir(dataDir).resolve("raft");
            Files.createDirectories(raft);
            Files.writeString(raft.resolve("storage"), "x");
            throw new IllegalStateException("no leader within 30 s");
        }
    }

    private String conversionFailure(String target) throws Exception {
        try {
            selector.convert(target).get(60, TimeUnit.SECONDS);
            fail("the conversion to " + target + " succeeded");
            return null;
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ConversionException);
            return e.getCause().getMessage();
        }
    }

    private Datastore published() {
        assertEquals(1, registered.size());
        return (Datastore) registered.get(0);
    }

    private static long put(Datastore store, String key, String value) throws Exception {
        return store.put(PutRequest.of(bytes(key), bytes(value))).get(5, TimeUnit.SECONDS).revision();
    }

    /** Records the services the selector registers itself; nothing else of the framework is needed. */
    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        registered.add(args[1]);
                        return Proxy.newProxyInstance(ServiceRegistration.class.getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
