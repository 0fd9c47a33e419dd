package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client's watch on the {@link SwappableDatastore}, carried from backend to backend. It remembers the revision
 * after the last one it delivered; attached to the next backend it asks for history from there, so the client sees
 * every revision once. Callbacks of a backend it was detached from are dropped (they come again from the history of
 * the next one).
 *
 * <p>The watch's lock is never held while calling into a backend: backends deliver events while holding their own
 * locks.
 */
final class SwappableWatch implements Watch {
    private final WatchRequest request;
    private final WatchListener listener;
    private final Consumer<SwappableWatch> onEnd;

    // guarded by this
    private long nextRevision;
    private long generation;
    private long minEpoch;
    private Datastore attachedTo;
    private Watch inner;
    private boolean progressWanted;
    private boolean ended;

    /** @param start the first revision to deliver, on whichever backend the watch is attached to first */
    SwappableWatch(WatchRequest request, long start, WatchListener listener, Consumer<SwappableWatch> onEnd) {
        this.request = request;
        this.listener = listener;
        this.onEnd = onEnd;
        this.nextRevision = start;
    }

    /** Goes on on {@code store} from the next undelivered revision, unless detached in a later epoch. */
    void attach(Datastore store, long epoch) {
        long gen;
        long start;
        synchronized (this) {
            if (ended || epoch < minEpoch || attachedTo == store) {
                return;
            }
            gen = ++generation;
            attachedTo = store;
            start = nextRevision;
        }
        Watch w = store.watch(new WatchRequest(request.range(), start, request.prevKv(), request.noPut(),
                request.noDelete()), new Delivery(gen));
        boolean progress = false;
        boolean kept = false;
        synchronized (this) {
            if (generation == gen) {
                inner = w;
                kept = true;
                progress = progressWanted;
                progressWanted = false;
            }
        }
        if (!kept) {
            w.close(); // detached or ended while attaching
        } else if (progress) {
            w.requestProgress();
        }
    }

    /** Stops delivery from the current backend; the watch waits for the next {@link #attach}. */
    void detach(long epoch) {
        Watch w;
        synchronized (this) {
            minEpoch = Math.max(minEpoch, epoch);
            generation++;
            attachedTo = null;
            w = inner;
            inner = null;
        }
        if (w != null) {
            w.close();
        }
    }

    /** Ends the watch for good with {@code reason} (the server is stopping). */
    void cancel(String reason) {
        if (end()) {
            listener.onCancelled(0, reason);
        }
    }

    @Override
    public void requestProgress() {
        Watch w;
        synchronized (this) {
            w = inner;
            if (w == null) {
                progressWanted = !ended; // asked again of the next backend
                return;
            }
        }
        w.requestProgress();
    }

    @Override
    public void close() {
        end();
    }

    /** Detaches and forgets the watch; false when it had ended already. */
    private boolean end() {
        Watch w;
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            generation++;
            attachedTo = null;
            w = inner;
            inner = null;
        }
        onEnd.accept(this);
        if (w != null) {
            w.close();
        }
        return true;
    }

    /** The listener given to one backend; stale once the watch is detached from it. */
    private final class Delivery implements WatchListener {
        private final long gen;

        Delivery(long gen) {
            this.gen = gen;
        }

        @Override
        public void onEvents(List<Event> events, long revision) {
            synchronized (SwappableWatch.this) {
                if (generation != gen || events.isEmpty()) {
                    return;
                }
                nextRevision = Math.max(nextRevision, events.get(events.size() - 1).kv().modRevision() + 1);
                listener.onEvents(events, revision);
            }
        }

        @Override
        public void onProgress(long revision) {
            synchronized (SwappableWatch.this) {
                if (generation != gen) {
                    return;
                }
                nextRevision = Math.max(nextRevision, revision + 1);
                listener.onProgress(revision);
            }
        }

        @Override
        public void onCancelled(long compactRevision, String reason) {
            synchronized (SwappableWatch.this) {
                if (generation != gen) {
                    return; // the backend closed under a swap: the next one continues the watch
                }
            }
            if (end()) {
                listener.onCancelled(compactRevision, reason);
            }
        }
    }
}
