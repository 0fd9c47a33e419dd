package dev.cairn.datastore.api;

/** A request the datastore refused or could not carry out; {@link #error()} says which etcd error it is. */
public class DatastoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final StoreError error;

    public DatastoreException(StoreError error) {
        super(error.message());
        this.error = error;
    }

    /** For {@link StoreError#INTERNAL} and friends: a message naming what failed (a file, a disk). */
    public DatastoreException(StoreError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public StoreError error() {
        return error;
    }

    /** Unwraps completion wrappers to the DatastoreException inside, or wraps anything else as INTERNAL. */
    public static DatastoreException of(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof DatastoreException d) {
            return d;
        }
        return new DatastoreException(StoreError.INTERNAL, String.valueOf(c.getMessage()), c);
    }
}
