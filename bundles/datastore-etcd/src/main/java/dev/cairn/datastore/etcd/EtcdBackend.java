package dev.cairn.datastore.etcd;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Offers the external etcd backend, selected by {@code --datastore-endpoint https://...} (or {@code http://}); the
 * TLS files come as the {@code etcd.cafile}, {@code etcd.certfile} and {@code etcd.keyfile} options.
 */
@Component(service = DatastoreProvider.class, property = DatastoreProvider.TYPE + "=" + EtcdDatastore.TYPE)
public final class EtcdBackend implements DatastoreProvider {

    @Override
    public String type() {
        return EtcdDatastore.TYPE;
    }

    @Override
    public Datastore open(BackendSettings settings) {
        return EtcdDatastore.open(settings.endpoint(), settings.options(), settings.quotaBytes());
    }
}
