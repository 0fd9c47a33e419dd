package dev.cairn.datastore.sqlite.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.DurabilityContract;
import org.junit.Rule;

public class SqliteDurabilityTest extends DurabilityContract {
    @Rule
    public final SqliteStores stores = new SqliteStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }

    @Override
    protected Datastore reopen(Datastore closed) throws Exception {
        return stores.reopen(closed);
    }
}
