package dev.cairn.datastore.tck;

import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link WatchListener} that records every call and lets a test wait, with a bounded timeout, until a condition on
 * the recorded calls holds. It also checks the listener contract as calls arrive: never two calls at once, events
 * in revision order without duplicates, every event of a revision in one call, nothing after a cancel. Every wait
 * fails on the first such violation.
 */
public final class RecordingWatchListener implements WatchListener {

    /** One recorded callback. */
    public sealed interface Call permits Events, Progress, Cancelled {
    }

    public record Events(List<Event> events, long revision) implements Call {
    }

    public record Progress(long revision) implements Call {
    }

    public record Cancelled(long compactRevision, String reason) implements Call {
    }

    private final Duration timeout;
    private final AtomicInteger inCall = new AtomicInteger();
    private final List<Call> calls = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private long lastEventRevision;
    private int progressTaken;
    private boolean cancelled;

    public RecordingWatchListener() {
        this(DatastoreContract.TIMEOUT);
    }

    public RecordingWatchListener(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void onEvents(List<Event> events, long revision) {
        enter("onEvents");
        try {
            synchronized (this) {
                checkEvents(events, revision);
                calls.add(new Events(List.copyOf(events), revision));
                notifyAll();
            }
        } finally {
            inCall.decrementAndGet();
        }
    }

    @Override
    public void onProgress(long revision) {
        enter("onProgress");
        try {
            synchronized (this) {
                if (cancelled) {
                    violations.add("onProgress(" + revision + ") after onCancelled");
                }
                if (revision < lastEventRevision) {
                    violations.add("onProgress(" + revision + ") after an event at revision " + lastEventRevision
                            + " was delivered");
                }
                calls.add(new Progress(revision));
                notifyAll();
            }
        } finally {
            inCall.decrementAndGet();
        }
    }

    @Override
    public void onCancelled(long compactRevision, String reason) {
        enter("onCancelled");
        try {
            synchronized (this) {
                if (cancelled) {
                    violations.add("onCancelled called twice");
                }
                cancelled = true;
                calls.add(new Cancelled(compactRevision, reason));
                notifyAll();
            }
        } finally {
            inCall.decrementAndGet();
        }
    }

    private void enter(String method) {
        if (inCall.incrementAndGet() > 1) {
            synchronized (this) {
                violations.add(method + " called while another call for the same watch was still running");
                notifyAll();
            }
        }
    }

    private void checkEvents(List<Event> events, long revision) {
        if (cancelled) {
            violations.add("onEvents after onCancelled: " + events);
        }
        if (events == null || events.isEmpty()) {
            violations.add("onEvents with no events");
            return;
        }
        long first = events.get(0).kv().modRevision();
        if (first <= lastEventRevision) {
            violations.add("event at revision " + first + " delivered after an event at revision " + lastEventRevision
                    + " (out of order, duplicated, or one revision split over two calls): " + events);
        }
        long previous = first;
        for (Event e : events) {
            long r = e.kv().modRevision();
            if (r < previous) {
                violations.add("events out of revision order within one call: " + events);
            }
            previous = r;
        }
        if (revision < previous) {
            violations.add("onEvents revision " + revision + " is below its last event's revision " + previous);
        }
        lastEventRevision = previous;
    }

    // ---- reading what was recorded ----

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every event delivered so far, in order. */
    public synchronized List<Event> events() {
        List<Event> all = new ArrayList<>();
        for (Call c : calls) {
            if (c instanceof Events e) {
                all.addAll(e.events());
            }
        }
        return all;
    }

    /** The event lists of each onEvents call, in order. */
    public synchronized List<List<Event>> batches() {
        List<List<Event>> all = new ArrayList<>();
        for (Call c : calls) {
            if (c instanceof Events e) {
                all.add(e.events());
            }
        }
        return all;
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Fails if the listener contract was broken by any call so far. */
    public synchronized void assertWellFormed() {
        if (!violations.isEmpty()) {
            fail("watch listener contract broken: " + violations);
        }
    }

    // ---- waiting ----

    /** Waits until at least {@code n} events were delivered; returns all events delivered so far. */
    public List<Event> awaitEvents(int n) {
        await("at least " + n + " events", r -> r.eventCount() >= n);
        return events();
    }

    /** Waits until an event at {@code revision} or later was delivered; returns all events delivered so far. */
    public List<Event> awaitRevision(long revision) {
        await("an event at revision " + revision, r -> r.lastEventRevision >= revision);
        return events();
    }

    /**
     * Waits for the next onProgress call not yet returned by an earlier awaitProgress (calls are consumed in order,
     * so one that arrived before this method was called is not missed); returns its revision.
     */
    public long awaitProgress() {
        int wanted;
        synchronized (this) {
            wanted = progressTaken + 1;
        }
        await("onProgress call #" + wanted, r -> r.progressCount() >= wanted);
        synchronized (this) {
            progressTaken = wanted;
            int seen = 0;
            for (Call c : calls) {
                if (c instanceof Progress p && ++seen == wanted) {
                    return p.revision();
                }
            }
        }
        throw new IllegalStateException("unreachable");
    }

    public Cancelled awaitCancelled() {
        await("onCancelled", r -> r.cancelled);
        synchronized (this) {
            return (Cancelled) calls.get(calls.size() - 1);
        }
    }

    /** Waits until {@code condition} holds on this recorder, failing after the timeout or on a contract violation. */
    public synchronized void await(String what, Predicate<RecordingWatchListener> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            assertWellFormed();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out after " + timeout + " waiting for " + what + "; received " + summary());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        assertWellFormed();
    }

    private synchronized int eventCount() {
        int n = 0;
        for (Call c : calls) {
            if (c instanceof Events e) {
                n += e.events().size();
            }
        }
        return n;
    }

    private synchronized int progressCount() {
        int n = 0;
        for (Call c : calls) {
            if (c instanceof Progress) {
                n++;
            }
        }
        return n;
    }

    /** The calls received, shortened to the last few when there are many. */
    private synchronized String summary() {
        int shown = Math.min(calls.size(), 10);
        String last = calls.subList(calls.size() - shown, calls.size()).toString();
        return calls.size() + " calls (" + eventCount() + " events)" + (shown < calls.size() ? ", the last "
                + shown + ": " : ": ") + (last.length() > 4000 ? last.substring(0, 4000) + "..." : last);
    }

    @Override
    public String toString() {
        return "RecordingWatchListener[" + summary() + "]";
    }
}
