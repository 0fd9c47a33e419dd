/** The external etcd backend: the Datastore contract carried out by an etcd cluster over its v3 gRPC API. */
package dev.cairn.datastore.etcd;
