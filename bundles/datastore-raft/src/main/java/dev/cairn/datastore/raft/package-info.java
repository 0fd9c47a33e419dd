/**
 * The embedded-etcd backend: a Raft group (Apache Ratis 3.3.0, embedded privately) whose members each apply the log
 * to their own copy of the SQLite MVCC engine ({@code dev.cairn.datastore.sqlite}, copied into this bundle from the
 * datastore-sqlite jar), so both backends share one MVCC implementation and one schema.
 *
 * <ul>
 * <li>{@link dev.cairn.datastore.raft.RaftDatastore}: the {@code Datastore} of one member; writes go through the
 * log, reads are linearizable (ReadIndex) then local.</li>
 * <li>{@code ReplicaStateMachine}: applies entries in order ({@code ApplyPipeline} keeps the outcome independent of
 * how the store batches them); snapshots are consistent copies of the store file.</li>
 * <li>{@code CommandCodec}, {@code ReplyCodec}, {@code Query}: the versioned binary formats of log entries, their
 * replies and read-only queries.</li>
 * <li>{@link dev.cairn.datastore.raft.RaftMembership}: etcd's Cluster API (members recorded by peer URL, promoted,
 * removed, leadership moved); {@code MemberReconciler}: the leader adds recorded members as learners once reachable
 * and promotes caught-up ones; {@code ClusterReset}: K3s's --cluster-reset.</li>
 * </ul>
 *
 * <p>Files of a member, under {@code <data-dir>/server/db/etcd/}: {@code name} (the display name),
 * {@code member-id} (the member id, from the first peer URL; the Raft peer id is it in hex), {@code state.db} (the
 * local store), {@code raft/<group-id>/} (Ratis log, metadata and snapshots in {@code sm/}), {@code raft-old-<unix>/}
 * (storage moved aside by a cluster reset, which also writes {@code <data-dir>/server/db/reset-flag}).
 *
 * <p>Nothing here is exported.
 */
package dev.cairn.datastore.raft;
