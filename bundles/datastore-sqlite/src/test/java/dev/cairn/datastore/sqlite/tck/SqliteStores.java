package dev.cairn.datastore.sqlite.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.rules.TemporaryFolder;

/** Opens SQLite stores in fresh temporary data dirs (deleted after the test) and reopens them on the same dir. */
public final class SqliteStores extends TemporaryFolder {
    private final Map<Datastore, Path> dataDirs = new IdentityHashMap<>();

    /** A fresh, empty store in its own data dir. */
    public Datastore open() throws Exception {
        return open(newFolder().toPath());
    }

    /** The data of {@code closed} opened again. */
    public Datastore reopen(Datastore closed) throws Exception {
        Path dir = dataDirs.get(closed);
        if (dir == null) {
            throw new IllegalArgumentException("not a store opened by this rule: " + closed);
        }
        return open(dir);
    }

    private Datastore open(Path dataDir) throws Exception {
        Datastore store = SqliteDatastore.open(new BackendSettings(dataDir, "", "node1",
                List.of("https://127.0.0.1:2379"), List.of(), 0, null, null));
        dataDirs.put(store, dataDir);
        return store;
    }
}
