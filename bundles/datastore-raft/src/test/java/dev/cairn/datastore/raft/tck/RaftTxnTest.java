package dev.cairn.datastore.raft.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.TxnContract;
import org.junit.Rule;

public class RaftTxnTest extends TxnContract {
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
}
