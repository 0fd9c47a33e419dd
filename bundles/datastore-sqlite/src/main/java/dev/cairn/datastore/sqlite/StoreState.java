package dev.cairn.datastore.sqlite;

/**
 * The committed state other threads read without touching SQLite. Only the writer thread changes it, and only
 * after the commit that made the change durable (or when reloading from the database after a failed commit).
 */
final class StoreState {
    volatile long revision;
    volatile long compactRevision;
    volatile long appliedIndex;
    /** A Raft replica's last applied log entry (0, 0 for a plain store). */
    volatile long raftTerm;
    volatile long raftIndex;

    void load(Meta meta) {
        raftTerm = meta.raftTerm();
        raftIndex = meta.raftIndex();
        compactRevision = meta.compactRevision();
        appliedIndex = meta.appliedIndex();
        revision = meta.revision();
    }
}
