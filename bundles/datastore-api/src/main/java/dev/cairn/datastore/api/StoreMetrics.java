package dev.cairn.datastore.api;

/**
 * The figures an operator graphs about a store: the write path, the disk, Raft, watches and leases. The metrics port
 * serves them in etcd's names; a status command shows them. Everything is this server's own view.
 *
 * @param walFsync      durations (seconds) of the fsyncs that make writes durable: the SQLite WAL commit on a
 *                      single server, the Raft log flush on a Raft member
 * @param backendCommit durations (seconds) of the local store's commits
 * @param writeBatch    requests per durable write (group commit): per SQLite commit on a single server, per Raft log
 *                      entry proposed by this server on a Raft member
 * @param disk          the data dir's fsync speed against what the datastore tolerates
 * @param raft          the Raft figures; null for a backend without Raft
 * @param watchers      open watches
 * @param pendingEvents events written but not yet handed to the watchers that want them (watch lag)
 * @param leases        live leases
 */
public record StoreMetrics(Histogram walFsync, Histogram backendCommit, Histogram writeBatch, DiskCheck disk,
        RaftMetrics raft, long watchers, long pendingEvents, long leases) {

    /** A backend that measures nothing. */
    public static final StoreMetrics NONE = new StoreMetrics(Histogram.EMPTY, Histogram.EMPTY, Histogram.EMPTY,
            DiskCheck.NONE, null, 0, 0, 0);

    public StoreMetrics {
        walFsync = walFsync == null ? Histogram.EMPTY : walFsync;
        backendCommit = backendCommit == null ? Histogram.EMPTY : backendCommit;
        writeBatch = writeBatch == null ? Histogram.EMPTY : writeBatch;
        disk = disk == null ? DiskCheck.NONE : disk;
    }
}
