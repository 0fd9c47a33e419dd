package dev.cairn.etcd.server;

import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.etcd.pb.Rpc.ResponseHeader;

/**
 * etcd's {@code v3rpc/header.go}: every top-level response carries the cluster id, this member's id, the raft term
 * and a revision; the revision is the one the operation produced, or the current store revision when it set none.
 */
final class ResponseHeaders {
    private final Datastore datastore;

    ResponseHeaders(Datastore datastore) {
        this.datastore = datastore;
    }

    /** A header at the current store revision. */
    ResponseHeader current() {
        return at(0);
    }

    /** A header at {@code revision}, or at the current revision when {@code revision} is 0. */
    ResponseHeader at(long revision) {
        ClusterState c = datastore.cluster();
        return ResponseHeader.newBuilder()
                .setClusterId(c.clusterId())
                .setMemberId(c.memberId())
                .setRaftTerm(c.raftTerm())
                .setRevision(revision != 0 ? revision : datastore.currentRevision())
                .build();
    }

    /** The revision-only header etcd puts on the sub-responses of a txn. */
    static ResponseHeader revisionOnly(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }
}
