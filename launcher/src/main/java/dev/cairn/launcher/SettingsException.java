package dev.cairn.launcher;

/**
 * A setting the user must fix. The message names the flag (or variable, or file and key) and the value, and is
 * printed as {@code cairn: <message>} before exiting with status 1.
 */
final class SettingsException extends Exception {

    SettingsException(String message) {
        super(message);
    }

    SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
