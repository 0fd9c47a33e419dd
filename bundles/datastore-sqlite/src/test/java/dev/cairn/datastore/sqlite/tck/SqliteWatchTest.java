package dev.cairn.datastore.sqlite.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.WatchContract;
import org.junit.Rule;

public class SqliteWatchTest extends WatchContract {
    @Rule
    public final SqliteStores stores = new SqliteStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
