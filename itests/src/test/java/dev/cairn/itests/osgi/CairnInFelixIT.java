package dev.cairn.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Cairn's bundles inside a plain Felix, configured only through Config Admin, as an embedder would run them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CairnInFelixIT {
    /** A loopback address of its own, so this server does not collide with the process tests. */
    private static final String ADDRESS = "127.0.0.61";
    private static final int CLIENT_PORT = 2379;
    private static final long TIMEOUT_MS = 20_000;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return FelixBundles.felix();
    }

    @Before
    public void configureOnce() throws Exception {
        ServerConfiguration.applyOnce(configAdmin, "felix-it", ADDRESS, CLIENT_PORT, Map.of());
    }

    @Test
    public void everyBundleResolvesAndStarts() {
        for (Bundle b : context.getBundles()) {
            if (b.getHeaders().get("Fragment-Host") == null) {
                assertEquals(b.getSymbolicName() + " is not active", Bundle.ACTIVE, b.getState());
            }
        }
    }

    @Test
    public void etcdServiceComesUp() throws Exception {
        Datastore store = awaitStore();
        assertNotNull(store);
        assertTrue("etcd client port " + ADDRESS + ":" + CLIENT_PORT + " never opened", awaitPort(true));
    }

    /**
     * While the SQLite bundle is stopped the published Datastore stays (the etcd port stays open, its clients stay
     * connected) and a write waits; once the bundle is started again the write is carried out and the data is there.
     */
    @Test
    public void stoppingAndRestartingTheSqliteBundleKeepsTheDataAndTheClients() throws Exception {
        Datastore store = awaitStore();
        byte[] key = "/felix/restart".getBytes(StandardCharsets.UTF_8);
        store.put(PutRequest.of(key, "kept".getBytes(StandardCharsets.UTF_8))).join();
        assertTrue(awaitPort(true));

        Bundle sqlite = bundle("dev.cairn.datastore-sqlite");
        sqlite.stop();
        assertSame("the published datastore stays while its backend bundle is stopped", store, currentStore());
        assertTrue("the etcd port stays open", portOpen());
        var held = store.put(PutRequest.of("/felix/during".getBytes(StandardCharsets.UTF_8),
                "held".getBytes(StandardCharsets.UTF_8)));
        assertFalse("a write waits while no backend serves", held.isDone());

        sqlite.start();
        held.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        var read = store.range(RangeRequest.of(KeyRange.single(key))).join();
        assertEquals(1, read.kvs().size());
        assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), read.kvs().get(0).value());
        assertEquals(1, store.range(RangeRequest.of(KeyRange.single("/felix/during".getBytes(
                StandardCharsets.UTF_8)))).join().kvs().size());
    }

    @Test
    public void gogoCommandsShowTheActiveDatastoreAndTheBackends() throws Exception {
        awaitStore();
        ServiceTracker<CommandProcessor, CommandProcessor> tracker = new ServiceTracker<>(context,
                CommandProcessor.class, null);
        tracker.open();
        try {
            CommandProcessor processor = tracker.waitForService(TIMEOUT_MS);
            assertNotNull("no Gogo CommandProcessor", processor);
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
            CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
            try {
                // the tracker above may see the Datastore before SCR's own listener has bound it to the commands
                String status = String.valueOf(session.execute("cairn:status"));
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
                while (status.startsWith("no datastore") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    status = String.valueOf(session.execute("cairn:status"));
                }
                assertTrue(status, status.startsWith("backend     sqlite\n"));
                assertTrue(status, status.contains("\nmembers     1: felix-it"));
                String backends = String.valueOf(session.execute("cairn:backends"));
                assertTrue(backends, backends.matches("(?s).*sqlite +dev\\.cairn\\.datastore-sqlite \\S+ +active.*"));
            } finally {
                session.close();
            }
        } finally {
            tracker.close();
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private Datastore currentStore() {
        var ref = context.getServiceReference(Datastore.class);
        return ref == null ? null : context.getService(ref);
    }

    private Datastore awaitStore() throws InterruptedException {
        ServiceTracker<Datastore, Datastore> tracker = new ServiceTracker<>(context, Datastore.class, null);
        tracker.open();
        try {
            Datastore s = tracker.waitForService(TIMEOUT_MS);
            assertNotNull("no Datastore service within " + TIMEOUT_MS + " ms", s);
            return s;
        } finally {
            tracker.close();
        }
    }

    /** Waits until the client port is open ({@code open}) or closed, within the timeout. */
    private static boolean awaitPort(boolean open) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (portOpen() == open) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ADDRESS, CLIENT_PORT), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
