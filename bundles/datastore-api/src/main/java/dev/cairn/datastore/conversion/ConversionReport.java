package dev.cairn.datastore.conversion;

/**
 * What a live conversion did.
 *
 * @param from              the backend type before, e.g. {@code sqlite}
 * @param to                the backend type after, e.g. {@code raft}
 * @param revision          the store revision at the switch; the new store continues from it
 * @param totalMillis       from the request to the new store serving
 * @param unavailableMillis how long requests were held: from the old store's last request to the new store's first
 */
public record ConversionReport(String from, String to, long revision, long totalMillis, long unavailableMillis) {
}
