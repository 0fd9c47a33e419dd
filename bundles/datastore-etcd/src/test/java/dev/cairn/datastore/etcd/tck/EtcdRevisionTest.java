package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.RevisionContract;
import org.junit.Rule;

public class EtcdRevisionTest extends RevisionContract {
    @Rule
    public final EtcdStores stores = new EtcdStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }
}
