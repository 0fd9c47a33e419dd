package dev.cairn.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Bundles stopped, updated to a new bundle version and started again while writers go on through the published
 * Datastore: no acknowledged write is lost, writes are at worst refused with a retryable UNAVAILABLE, and the server
 * serves again once the bundle is back. Across a backend bundle's swap a real {@code etcdctl watch} (a gRPC stream
 * from another process, on the etcd port that stays open) sees every acknowledged revision once, in order. Each
 * subclass runs one backend in its own Felix on its own loopback address.
 */
abstract class HotSwapScenario {
    static final long TIMEOUT_MS = 60_000;
    private static final int WRITERS = 2;
    private static final Pattern REVISION = Pattern.compile("\"mod_revision\":(\\d+)");

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    /** One server per framework (a class): configured before its first test. */
    private static Path dataDir;

    /** This scenario's loopback address. */
    abstract String address();

    /** Backend configuration on top of the common one (e.g. {@code cluster.init}). */
    abstract Map<String, Object> backendConfiguration();

    @Configuration
    public Option[] config() {
        return FelixBundles.felix();
    }

    @Before
    public void configure() throws Exception {
        Path configured = ServerConfiguration.applyOnce(configAdmin, "hot-swap", address(), 2379,
                backendConfiguration());
        if (configured != null) {
            dataDir = configured;
        }
    }

    /**
     * Stops, updates and starts the backend bundle under load while {@code etcdctl watch} watches through the etcd
     * port, which stays open; then checks every write and the watch.
     */
    void swapBackendUnderLoad(String backend) throws Exception {
        Datastore store = awaitStore();
        awaitPort(2379, true);
        long start = store.put(PutRequest.of(bytes("/swap/start"), bytes("0"))).get(TIMEOUT_MS,
                TimeUnit.MILLISECONDS).revision();
        Path watchOutput = dataDir.resolve("watch.json");
        Process watch = etcdctl(watchOutput, "watch", "--prefix", "/swap/w", "--rev", String.valueOf(start + 1),
                "-w", "json");
        Writers writers = swapUnderLoad(store, backend);
        try {
            long lastRevision = writers.acknowledged.values().stream().mapToLong(Long::longValue).max().orElse(0);
            await("etcdctl watch to show revision " + lastRevision, () -> watched(watchOutput).contains(lastRevision)
                    || !watch.isAlive());
            List<Long> seen = watched(watchOutput);
            assertTrue("etcdctl watch still running: " + tail(watchOutput), watch.isAlive());
            for (int i = 1; i < seen.size(); i++) {
                assertTrue("watch revisions in order, no duplicate: " + seen.get(i - 1) + " then " + seen.get(i),
                        seen.get(i) > seen.get(i - 1));
            }
            TreeSet<Long> missing = new TreeSet<>(writers.acknowledged.values());
            missing.removeAll(seen);
            assertTrue("acknowledged revisions the watch did not show: " + missing, missing.isEmpty());
        } finally {
            watch.destroyForcibly();
        }
    }

    /**
     * Stops, updates and starts the bundles that serve the etcd API and the HTTPS API under load: their ports close
     * and open again (clients reconnect), writes through the Datastore go on, and the new etcd API serves them.
     */
    void swapServingBundlesUnderLoad(String... bundles) throws Exception {
        Datastore store = awaitStore();
        awaitPort(2379, true);
        Writers writers = swapUnderLoad(store, bundles);
        awaitPort(6443, true);
        String last = writers.acknowledged.keySet().iterator().next();
        Path got = dataDir.resolve("get.txt");
        Process get = etcdctl(got, "get", last, "--print-value-only");
        assertTrue("etcdctl get finished", get.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals("etcdctl get through the updated etcd API: " + Files.readString(got), 0, get.exitValue());
        assertEquals("v", Files.readString(got).trim());
    }

    /** Writers run while each bundle in turn is stopped, updated and started; then every write is checked. */
    private Writers swapUnderLoad(Datastore store, String... symbolicNames) throws Exception {
        Writers writers = new Writers(store);
        try {
            writers.start();
            writers.awaitAcknowledged(100);
            for (String name : symbolicNames) {
                Bundle bundle = bundle(name);
                int before = writers.acknowledged.size();
                bundle.stop();
                bundle.update(withNewVersion(bundle));
                bundle.start();
                assertTrue(name + " updated", bundle.getVersion().getQualifier().startsWith("hotswap"));
                awaitPort(2379, true);
                writers.awaitAcknowledged(before + 100);
            }
        } finally {
            writers.stop();
        }
        assertTrue("only retryable refusals: " + writers.otherFailures, writers.otherFailures.isEmpty());
        for (Map.Entry<String, Long> ack : writers.acknowledged.entrySet()) {
            RangeResult r = store.range(RangeRequest.of(KeyRange.single(bytes(ack.getKey())))).get(TIMEOUT_MS,
                    TimeUnit.MILLISECONDS);
            assertEquals("acknowledged write " + ack.getKey(), 1, r.kvs().size());
            assertEquals(ack.getKey(), (long) ack.getValue(), r.kvs().get(0).modRevision());
        }
        return writers;
    }

    /** The same jar with {@code Bundle-Version} raised, as a new release of the bundle would be. */
    private static InputStream withNewVersion(Bundle bundle) throws IOException {
        Path jar = Path.of(URI.create(bundle.getLocation()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            Version v = bundle.getVersion();
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"),
                    new Version(v.getMajor(), v.getMinor(), v.getMicro() + 1, "hotswap").toString());
            try (JarOutputStream copy = new JarOutputStream(out, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    copy.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(copy);
                    copy.closeEntry();
                }
            }
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    private Process etcdctl(Path output, String... args) throws IOException {
        Path tls = dataDir.resolve("server/tls/etcd");
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=https://" + address() + ":2379",
                "--cacert=" + tls.resolve("server-ca.crt"), "--cert=" + tls.resolve("client.crt"),
                "--key=" + tls.resolve("client.key")));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("ETCDCTL_API", "3");
        return pb.start();
    }

    private static List<Long> watched(Path output) {
        List<Long> revisions = new ArrayList<>();
        try {
            Matcher m = REVISION.matcher(Files.readString(output));
            while (m.find()) {
                revisions.add(Long.parseLong(m.group(1)));
            }
        } catch (IOException e) {
            // not written yet
        }
        return revisions;
    }

    private static String tail(Path output) throws IOException {
        String s = Files.readString(output);
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    /** In-framework clients of the published Datastore, each writing new keys as fast as they are acknowledged. */
    private static final class Writers {
        private final Datastore store;
        private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        private final List<String> otherFailures = new CopyOnWriteArrayList<>();
        private final AtomicInteger retryable = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Writers(Datastore store) {
            this.store = store;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(writer), "hot-swap-writer-" + w);
                threads.add(t);
                t.start();
            }
        }

        private void write(int writer) {
            for (int i = 0; running.get(); i++) {
                String key = "/swap/w" + writer + "/" + i;
                try {
                    acknowledged.put(key, store.put(PutRequest.of(bytes(key), bytes("v"))).get(TIMEOUT_MS,
                            TimeUnit.MILLISECONDS).revision());
                } catch (Exception e) {
                    DatastoreException d = DatastoreException.of(e);
                    if (d.error().grpcCode().equals("UNAVAILABLE")) {
                        retryable.incrementAndGet();
                    } else {
                        otherFailures.add(key + ": " + d);
                    }
                }
            }
        }

        void awaitAcknowledged(int count) throws InterruptedException {
            await(count + " acknowledged writes (now " + acknowledged.size() + ", refused " + retryable.get()
                    + ", failed " + otherFailures + ")", () -> acknowledged.size() >= count);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(TIMEOUT_MS);
            }
        }
    }

    Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    Datastore awaitStore() throws InterruptedException {
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

    void awaitPort(int port, boolean open) throws InterruptedException {
        await("port " + address() + ":" + port + (open ? " open" : " closed"), () -> portOpen(port) == open);
    }

    private boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT_MS + " ms waiting for " + what);
            }
            Thread.sleep(20); // polling interval of a condition wait
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
