package dev.cairn.datastore.sqlite;

import static dev.cairn.datastore.sqlite.StoreFixture.b;
import static dev.cairn.datastore.sqlite.StoreFixture.get;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import java.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The fsync-delay failpoint delays every commit, so a single put takes at least the delay. */
public class FsyncDelayTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aPutWaitsForTheDelay() throws Exception {
        Duration delay = Duration.ofMillis(200);
        try (SqliteDatastore store = SqliteDatastore.open(StoreFixture.settings(tmp.getRoot().toPath(), delay, 0))) {
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                get(store.put(PutRequest.of(b("k"), b("v"))));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue("a put took " + tookMs + " ms with a 200 ms fsync delay", tookMs >= 200);
            }
            assertEquals(2, get(store.range(RangeRequest.of(KeyRange.single(b("k"))))).kvs().get(0).version());
        }
    }
}
