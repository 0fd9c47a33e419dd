package dev.cairn.datastore.sqlite.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.DeleteContract;
import org.junit.Rule;

public class SqliteDeleteTest extends DeleteContract {
    @Rule
    public final SqliteStores stores = new SqliteStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
