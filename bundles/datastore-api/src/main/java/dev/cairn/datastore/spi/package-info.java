/**
 * The backend SPI: a bundle offers a datastore backend by registering a {@link dev.cairn.datastore.spi.DatastoreProvider}
 * service. The datastore selector picks one provider by type, opens the store and publishes the resulting
 * {@link dev.cairn.datastore.api.Datastore} as the active datastore.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.cairn.datastore.spi;
