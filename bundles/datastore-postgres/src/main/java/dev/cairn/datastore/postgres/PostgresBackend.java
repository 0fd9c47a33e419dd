package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Offers the PostgreSQL backend: a {@link DatastoreProvider} service with {@code datastore.type=postgres}, which the
 * datastore selector picks for {@code --datastore-endpoint postgres://...}. This is all a backend bundle has to
 * register; the rest of it is its {@link Datastore}.
 */
@Component(service = DatastoreProvider.class, property = DatastoreProvider.TYPE + "=" + PostgresDatastore.TYPE)
public final class PostgresBackend implements DatastoreProvider {

    @Override
    public String type() {
        return PostgresDatastore.TYPE;
    }

    @Override
    public Datastore open(BackendSettings settings) {
        return PostgresDatastore.open(settings);
    }
}
