package dev.cairn.datastore.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The schema version recorded in a closed store file: a Raft member's snapshot copy, or the image inside an etcd
 * snapshot file. Both are whole SQLite stores, so the {@code meta.schema_version} inside them is their format
 * version; it is checked before such a file replaces a store, so that a file a newer Cairn wrote is refused while
 * the store it would have replaced is still as it was (opening it would be refused only after the replacement).
 *
 * <p>The file is opened {@code immutable}: SQLite then takes no lock and writes no {@code -wal} or {@code -shm} file
 * beside it, so looking changes nothing on disk. Public only for the Raft backend, which embeds this package.
 */
public final class StoreFileVersion {
    /** The newest schema version this release reads, and the one it writes. */
    public static final int NEWEST = Schema.VERSION;

    private StoreFileVersion() {
    }

    /**
     * The schema version of {@code file}, refused when this release cannot read it.
     *
     * @param name what the file is for the user, with its path where that is the one they know
     *             ({@code "Raft snapshot /var/lib/cairn/server/db/etcd/raft/.../sm/snapshot.2_120"})
     * @throws NewerStoreException   naming the file and both versions when a newer Cairn wrote it
     * @throws IllegalStateException when it is no readable Cairn store at all
     */
    public static int check(Path file, String name) {
        int version = read(file, name);
        if (version > NEWEST) {
            throw new NewerStoreException(name + " was written by a newer Cairn: its store schema version is "
                    + version + " and this Cairn reads versions 1 to " + NEWEST + ". Upgrade this server to the"
                    + " release that wrote it (or a newer one); nothing was changed");
        }
        if (version < 1) {
            throw new IllegalStateException(name + " has an invalid store schema version " + version
                    + "; nothing was changed");
        }
        return version;
    }

    private static int read(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(name + " does not exist or is not a file");
        }
        try (Statements db = DatabaseFile.openImmutable(file)) {
            return Meta.read(db).schemaVersion();
        } catch (SQLException e) {
            throw new IllegalStateException(name + " is not a readable Cairn store: " + e.getMessage()
                    + "; nothing was changed", e);
        }
    }
}
