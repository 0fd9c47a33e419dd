package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's place in a write batch: the revision it builds on, the sub-revisions of its changes, the events
 * they make, and what to change in memory once the batch is committed. A request that writes gets exactly one
 * revision, {@code base + 1}, whatever the number of keys it touches.
 */
final class RevisionScope {
    private final long base;
    private final long compactRevision;
    private final boolean recordEvents;
    private final boolean recordPrevValues;
    private int sub;
    private boolean changed;
    private final List<Event> events = new ArrayList<>(1);
    private final List<Runnable> afterCommit = new ArrayList<>(0);

    /** A scope for reads only (read-only txns): it records nothing. */
    RevisionScope(long base, long compactRevision) {
        this(base, compactRevision, false, false);
    }

    /**
     * @param recordEvents     some watch exists, so changes must produce events
     * @param recordPrevValues some watch wants previous key-values, so events carry them (with their values)
     */
    RevisionScope(long base, long compactRevision, boolean recordEvents, boolean recordPrevValues) {
        this.base = base;
        this.compactRevision = compactRevision;
        this.recordEvents = recordEvents;
        this.recordPrevValues = recordPrevValues;
    }

    boolean recordsEvents() {
        return recordEvents;
    }

    boolean recordsPrevValues() {
        return recordPrevValues;
    }

    /** The store revision before this request. */
    long base() {
        return base;
    }

    long compactRevision() {
        return compactRevision;
    }

    /** The revision this request's changes get. */
    long revision() {
        return base + 1;
    }

    /** The revision this request sees now: {@code base}, or {@code base + 1} once it has changed a key. */
    long viewRevision() {
        return bumped() ? base + 1 : base;
    }

    /** Claims the next sub-revision for a key change. */
    int nextSub() {
        changed = true;
        return sub++;
    }

    /** True when the request changed at least one key, and so takes a new revision. */
    boolean bumped() {
        return sub > 0;
    }

    /** Marks a change that does not take a revision (a lease grant, an alarm, compaction progress). */
    void markChanged() {
        changed = true;
    }

    /** True when the request wrote anything, counted by the applied-write index. */
    boolean changed() {
        return changed;
    }

    void event(Event e) {
        events.add(e);
    }

    List<Event> events() {
        return events;
    }

    /** Runs after the batch is durable, on the writer thread, before the futures complete. */
    void afterCommit(Runnable r) {
        afterCommit.add(r);
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }
}
