package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import org.osgi.service.component.annotations.Component;

/** Offers the SQLite backend to the datastore selector ({@code datastore.type=sqlite}). */
@Component(service = DatastoreProvider.class, property = DatastoreProvider.TYPE + "=" + SqliteDatastore.TYPE)
public class SqliteDatastoreProvider implements DatastoreProvider {

    @Override
    public String type() {
        return SqliteDatastore.TYPE;
    }

    @Override
    public Datastore open(BackendSettings settings) {
        return SqliteDatastore.open(settings);
    }
}
