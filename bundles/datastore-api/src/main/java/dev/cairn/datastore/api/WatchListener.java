package dev.cairn.datastore.api;

import java.util.List;

/**
 * Receives a watch's events. Calls for one watch are never concurrent and come in revision order, without gaps or
 * duplicates within the history window; all events of one revision come in one call. A callback must return
 * quickly (hand the events to a stream, do not block on I/O).
 */
public interface WatchListener {

    /** Events in revision order; {@code revision} is the store revision they were read at (≥ the last event's). */
    void onEvents(List<Event> events, long revision);

    /**
     * Answers {@link Watch#requestProgress()}: every event up to {@code revision} has been delivered and the watch
     * is caught up with the store.
     */
    void onProgress(long revision);

    /**
     * The watch can never continue: its next revision was compacted ({@code compactRevision > 0}) or the store
     * closed ({@code reason} says why). No further call follows.
     */
    void onCancelled(long compactRevision, String reason);
}
