/**
 * Snapshots of the active datastore as files, K3s's {@code etcd-snapshot}: the {@link
 * dev.cairn.datastore.snapshot.SnapshotService} a server publishes (save, list, delete, prune; scheduled saves) and
 * the {@link dev.cairn.datastore.snapshot.SnapshotImage} file format that a restore reads.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.cairn.datastore.snapshot;
