package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.PutContract;
import org.junit.Rule;

public class EtcdPutTest extends PutContract {
    @Rule
    public final EtcdStores stores = new EtcdStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
