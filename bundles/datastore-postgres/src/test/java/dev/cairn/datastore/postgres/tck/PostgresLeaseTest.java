package dev.cairn.datastore.postgres.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.LeaseContract;
import org.junit.Rule;

public class PostgresLeaseTest extends LeaseContract {
    @Rule
    public final PostgresStores stores = new PostgresStores();

    @Override
    protected Datastore newStore() {
        return stores.open();
    }
}
