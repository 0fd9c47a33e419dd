package dev.cairn.datastore.sqlite;

/**
 * The committed state other threads read without touching SQLite. Only the writer thread changes it, and only
 * after the commit that made the change durable (or when reloading from the database after a failed commit).
 */
final class StoreState {
    volatile long revision;
    volatile long compactRevision;
    volatile long appliedIndex;

    void load(Meta meta) {
        compactRevision = meta.compactRevision();
        appliedIndex = meta.appliedIndex();
        revision = meta.revision();
    }
}
