/**
 * Live conversion of a running server's datastore, without a restart: the {@link
 * dev.cairn.datastore.conversion.LiveConversion} service a server publishes, which the supervisor API ({@code POST
 * /db/convert}, behind {@code cairn datastore convert}) and the shell call.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.cairn.datastore.conversion;
