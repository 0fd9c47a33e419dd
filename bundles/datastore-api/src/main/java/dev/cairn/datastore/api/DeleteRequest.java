package dev.cairn.datastore.api;

/** Deletes every key in the range in one revision (one DELETE event per key); deleting nothing is a no-op. */
public record DeleteRequest(KeyRange range, boolean prevKv) {
    public static DeleteRequest of(KeyRange range) {
        return new DeleteRequest(range, false);
    }
}
