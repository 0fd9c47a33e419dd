/**
 * The datastore contract: an MVCC key-value store with etcd v3 semantics.
 *
 * <p>Every backend (SQLite, Raft, external etcd, third-party) implements {@link dev.cairn.datastore.api.Datastore};
 * the etcd gRPC server and the Kubernetes-style API only ever talk to this package. The rules a backend must honour
 * are written on the types and are checked by the datastore TCK.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package dev.cairn.datastore.api;
