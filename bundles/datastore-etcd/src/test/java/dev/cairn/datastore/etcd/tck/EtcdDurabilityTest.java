package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.tck.DurabilityContract;
import org.junit.Rule;

/** Reopening restarts the etcd process on the same data dir, so what survives is what etcd made durable. */
public class EtcdDurabilityTest extends DurabilityContract {
    @Rule
    public final EtcdStores stores = new EtcdStores();

    @Override
    protected Datastore newStore() throws Exception {
        return stores.open();
    }

    @Override
    protected Datastore reopen(Datastore closed) throws Exception {
        return stores.reopen(closed);
    }
}
