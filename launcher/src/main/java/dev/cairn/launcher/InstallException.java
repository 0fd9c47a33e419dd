package dev.cairn.launcher;

/** {@code cairn install} or {@code uninstall} refused or failed; the message says what and what to do instead. */
final class InstallException extends Exception {

    InstallException(String message) {
        super(message);
    }

    InstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
