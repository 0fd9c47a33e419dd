package dev.cairn.datastore.sqlite;

/**
 * A store file a newer Cairn wrote (its schema version is above {@link StoreFileVersion#NEWEST}): it is refused and
 * left as it was. Its own type, because the remedy differs from a damaged file's: run the newer release; moving the
 * file away or restoring a snapshot over it would lose data. Public only for the Raft backend.
 */
public final class NewerStoreException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NewerStoreException(String message) {
        super(message);
    }
}
