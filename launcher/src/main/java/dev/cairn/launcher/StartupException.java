package dev.cairn.launcher;

/** The server could not start; the message says what failed and names the bundle or file at fault. */
final class StartupException extends Exception {

    StartupException(String message) {
        super(message);
    }

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
