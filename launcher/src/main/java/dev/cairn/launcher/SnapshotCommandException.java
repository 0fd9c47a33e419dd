package dev.cairn.launcher;

/** A {@code cairn etcd-snapshot} command failed; the message says why and what to do. */
final class SnapshotCommandException extends Exception {

    SnapshotCommandException(String message) {
        super(message);
    }

    SnapshotCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
