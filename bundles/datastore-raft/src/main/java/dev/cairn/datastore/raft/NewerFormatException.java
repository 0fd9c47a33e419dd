package dev.cairn.datastore.raft;

/**
 * A log entry, reply or query this release cannot read: an unknown format version, an unknown command or enum
 * value, or bytes after the last field it knows. A newer Cairn wrote it, so the only remedy is to upgrade the member
 * that reads it; applying what could be read, or skipping the entry, would make its store diverge from the others.
 */
final class NewerFormatException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NewerFormatException(String message) {
        super(message);
    }

    NewerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
