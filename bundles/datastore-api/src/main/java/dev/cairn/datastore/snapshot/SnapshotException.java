package dev.cairn.datastore.snapshot;

/** A snapshot operation that cannot be done; the message says why and what to do. */
public class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
