package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ShellCommandsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static DatastoreProvider provider(String type) {
        return new DatastoreProvider() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Datastore open(BackendSettings settings) {
                throw new UnsupportedOperationException("not opened by this test");
            }
        };
    }

    @Test
    public void aSlowDiskShowsTheWarning() {
        assertEquals("/d: fsync p99 250.0 ms at start (p50 40.0 ms), recent p99 not enough fsyncs yet, tolerated"
                + " 100 ms\n            SLOW: move the data dir", ShellCommands.disk(new DiskCheck("/d", 40, 250, -1,
                        100, "move the data dir")));
        assertEquals("not measured by this backend", ShellCommands.disk(DiskCheck.NONE));
    }

    @Test
    public void statusShowsTheActiveStoreAndBackendsWhichOneServes() throws Exception {
        ShellCommands commands = new ShellCommands();
        assertTrue(commands.status(), commands.status().startsWith("no datastore is active yet"));
        assertEquals("no datastore backend bundle is installed\n", commands.backends());

        try (Datastore store = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "s1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()))) {
            store.put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("v"))).get(10, TimeUnit.SECONDS);
            commands.datastore = store;
            commands.addProvider(provider("sqlite"));
            commands.addProvider(provider("raft"));
            String status = commands.status();
            assertTrue(status, status.startsWith("backend     sqlite\nrevision    2 (compacted up to 0)\n"));
            assertTrue(status, status.contains("\nleader      "));
            assertTrue(status, status.contains("\nmembers     1: "));
            assertTrue(status, status.contains("\nalarms      none\n"));
            assertTrue(status, status.matches("(?s).*\ndisk        \\S+/server/db: fsync p99 [0-9.]+ ms at start.*"));
            // outside a framework a provider has no bundle: shown as "?"
            assertEquals("raft     ?  available\nsqlite   ?  active\n", commands.backends().replace("\r", ""));
        }
    }
}
