package dev.cairn.launcher;

/**
 * A command that acts on a running server ({@code cairn etcd-snapshot}, {@code cairn datastore convert}) failed; the
 * message says why and what to do.
 */
final class ServerCommandException extends Exception {

    ServerCommandException(String message) {
        super(message);
    }

    ServerCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
