package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A process killed with SIGKILL while writing loses none of the writes it acknowledged. */
public class KillNineTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** The child process: writes with 16 writes in flight and prints every acknowledged key and revision. */
    public static void main(String[] args) throws Exception {
        SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(Path.of(args[0])));
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0;; i++) {
            String key = "k" + i;
            inFlight.add(store.put(PutRequest.of(b(key), b("v" + i))).thenAccept(r -> {
                synchronized (System.out) {
                    System.out.println("ack " + key + " " + r.revision());
                    System.out.flush();
                }
            }));
            if (inFlight.size() >= 16) {
                inFlight.remove(0).join();
            }
        }
    }

    @Test
    public void acknowledgedWritesSurviveSigkill() throws Exception {
        Path dir = tmp.newFolder("data").toPath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillNineTest.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String[]> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < 300 && (line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(line.substring(4).split(" "));
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertEquals("the child acknowledged writes before it was killed", 300, acked.size());
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(dir))) {
            long lastAcked = 0;
            for (String[] a : acked) {
                RangeResult r = get(store.range(RangeRequest.of(KeyRange.single(b(a[0])))));
                assertEquals("acknowledged key " + a[0] + " is there", 1, r.count());
                assertEquals(Long.parseLong(a[1]), r.kvs().get(0).modRevision());
                assertArrayEquals(b("v" + a[0].substring(1)), r.kvs().get(0).value());
                lastAcked = Math.max(lastAcked, Long.parseLong(a[1]));
            }
            assertTrue(store.currentRevision() >= lastAcked);
        }
    }
}
