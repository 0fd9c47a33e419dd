package dev.cairn.datastore.postgres.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.DurabilityContract;
import org.junit.Rule;

/** Reopening opens the closed store's schema again, as a restarted server would: what survives is what committed. */
public class PostgresDurabilityTest extends DurabilityContract {
    @Rule
    public final PostgresStores stores = new PostgresStores();

    @Override
    protected Datastore newStore() {
        return stores.open();
    }

    @Override
    protected Datastore reopen(Datastore closed) {
        return stores.reopen(closed);
    }
}
