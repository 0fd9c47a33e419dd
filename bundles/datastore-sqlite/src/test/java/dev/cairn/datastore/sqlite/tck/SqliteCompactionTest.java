package dev.cairn.datastore.sqlite.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.CompactionContract;
import org.junit.Rule;

public class SqliteCompactionTest extends CompactionContract {
    @Rule
    public final SqliteStores stores = new SqliteStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
