package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.TxnContract;
import org.junit.Rule;

public class EtcdTxnTest extends TxnContract {
    @Rule
    public final EtcdStores stores = new EtcdStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
