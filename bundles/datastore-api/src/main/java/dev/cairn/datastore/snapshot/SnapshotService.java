package dev.cairn.datastore.snapshot;

import java.util.List;

/**
 * Snapshots of this server's datastore in its snapshot directory ({@code <data-dir>/server/db/snapshots} unless
 * {@code --etcd-snapshot-dir} says otherwise), the way K3s's {@code etcd-snapshot} keeps them: files named
 * {@code <name>-<node>-<unix time>}, optionally zipped. Every file is a {@link SnapshotImage}: a consistent copy of
 * the whole store at one revision with its checksum, taken while writes go on.
 */
public interface SnapshotService {

    /** Name of on-demand snapshots (K3s's {@code etcd-snapshot save} default). */
    String ON_DEMAND = "on-demand";

    /**
     * Takes a snapshot now. One save runs at a time: a second one fails with "snapshot save already in progress".
     *
     * @param name     the base name ({@code on-demand} when empty)
     * @param compress zip the file (one entry, the file's name without {@code .zip})
     */
    SnapshotFile save(String name, boolean compress);

    /** The snapshot files, oldest first. */
    List<SnapshotFile> list();

    /**
     * Deletes the named snapshot files (names as {@link #list()} gives them).
     *
     * @return the names deleted
     * @throws SnapshotException naming every file that does not exist, before deleting any
     */
    List<String> delete(List<String> names);

    /**
     * Keeps the newest {@code retention} snapshots of this node with the base name {@code name} and deletes the
     * older ones; {@code retention < 1} keeps them all.
     *
     * @return the names deleted
     */
    List<String> prune(String name, int retention);
}
