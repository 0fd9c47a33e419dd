package dev.cairn.datastore.spi;

import dev.cairn.datastore.api.Datastore;

/**
 * A datastore backend. Register one as an OSGi service with the service property {@link #TYPE} set to
 * {@link #type()}.
 */
public interface DatastoreProvider {
    /** Service property naming the backend type. */
    String TYPE = "datastore.type";

    /** The backend type, e.g. {@code sqlite}; matches the {@code --datastore-endpoint} scheme that selects it. */
    String type();

    /**
     * Opens (creating if needed) the store described by {@code settings}, recovers it, and returns it ready to
     * serve. Fails with an exception whose message names the file or setting at fault; never silently replaces an
     * unreadable store with an empty one.
     */
    Datastore open(BackendSettings settings) throws Exception;

    /**
     * Called ahead of {@link #open} when the selector will open this backend soon while another one still serves (a
     * live conversion): do the slow one-time work now (class loading, TLS contexts, thread pools), so that the
     * switch, during which requests wait, is short. Must not touch the store {@code settings} describe. A failure
     * is logged and the open goes ahead anyway.
     */
    default void prepare(BackendSettings settings) throws Exception {
    }
}
