package dev.cairn.datastore.raft.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.DurabilityContract;
import org.junit.Rule;

public class RaftDurabilityTest extends DurabilityContract {
    @Rule
    public final RaftStores stores = new RaftStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }

    @Override
    protected void closeAfterTest(Datastore s) {
        stores.closeLater(s);
    }

    @Override
    protected Datastore reopen(Datastore closed) throws Exception {
        return stores.reopen(closed);
    }
}
