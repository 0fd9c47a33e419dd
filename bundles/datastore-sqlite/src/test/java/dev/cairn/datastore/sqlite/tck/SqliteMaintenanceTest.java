package dev.cairn.datastore.sqlite.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.MaintenanceContract;
import org.junit.Rule;

public class SqliteMaintenanceTest extends MaintenanceContract {
    @Rule
    public final SqliteStores stores = new SqliteStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
