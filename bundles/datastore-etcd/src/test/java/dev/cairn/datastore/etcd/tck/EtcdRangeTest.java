package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.RangeContract;
import org.junit.Rule;

public class EtcdRangeTest extends RangeContract {
    @Rule
    public final EtcdStores stores = new EtcdStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
