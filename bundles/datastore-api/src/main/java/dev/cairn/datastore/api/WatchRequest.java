package dev.cairn.datastore.api;

/**
 * @param range         the keys to watch; an empty range is refused by the caller, not by the store
 * @param startRevision 0: from the next revision; otherwise replay history from this revision, inclusive (a future
 *                      revision waits for it); below the compact revision the watch is cancelled as compacted
 * @param prevKv        attach the previous key-value to each event
 * @param noPut         filter out PUT events
 * @param noDelete      filter out DELETE events
 */
public record WatchRequest(KeyRange range, long startRevision, boolean prevKv, boolean noPut, boolean noDelete) {
    public static WatchRequest of(KeyRange range, long startRevision) {
        return new WatchRequest(range, startRevision, false, false, false);
    }
}
