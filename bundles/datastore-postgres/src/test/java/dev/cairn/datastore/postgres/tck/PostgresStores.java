package dev.cairn.datastore.postgres.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.postgres.PostgresDatastore;
import dev.cairn.datastore.postgres.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.rules.ExternalResource;

/**
 * Gives each TCK test empty stores on the real PostgreSQL server: every {@link #open()} creates a store in a schema
 * of its own; {@link #reopen} opens a closed store's schema again, which is what a restarted Cairn server does.
 * The schemas are dropped after the test.
 */
public final class PostgresStores extends ExternalResource {
    private final Map<Datastore, String> schemas = new IdentityHashMap<>();
    private final List<String> created = new ArrayList<>();

    public Datastore open() {
        String schema = TestDatabase.freshSchema("tck");
        created.add(schema);
        return connect(schema);
    }

    public Datastore reopen(Datastore closed) {
        String schema = schemas.get(closed);
        if (schema == null) {
            throw new IllegalArgumentException("not a store opened by this rule: " + closed);
        }
        return connect(schema);
    }

    private Datastore connect(String schema) {
        PostgresDatastore store = PostgresDatastore.open(TestDatabase.settings(TestDatabase.endpoint(schema)));
        schemas.put(store, schema);
        return store;
    }

    @Override
    protected void after() {
        for (String schema : created) {
            try {
                TestDatabase.dropSchema(schema);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop the test schema " + schema + ": " + e.getMessage(), e);
            }
        }
    }
}
