package dev.cairn.launcher;

/** {@code cairn certificate rotate} refused or failed; the message says what and what to do instead. */
final class RotationException extends Exception {

    RotationException(String message) {
        super(message);
    }

    RotationException(String message, Throwable cause) {
        super(message, cause);
    }
}
