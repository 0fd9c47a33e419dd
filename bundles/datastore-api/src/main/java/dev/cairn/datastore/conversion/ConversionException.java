package dev.cairn.datastore.conversion;

/** A live conversion that cannot be done or did not finish; the message says why and what to do. */
public class ConversionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConversionException(String message) {
        super(message);
    }

    public ConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
