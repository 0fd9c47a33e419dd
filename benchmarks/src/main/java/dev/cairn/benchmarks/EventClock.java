package dev.cairn.benchmarks;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each put of the watch benchmark was sent and acknowledged, so that a watcher can time the event it
 * receives: the put's number travels in the first 8 bytes of its value.
 */
final class EventClock implements AckListener {

    private final AtomicLongArray sentNanos;
    private final AtomicLongArray ackNanos;

    EventClock(int puts) {
        sentNanos = new AtomicLongArray(puts);
        ackNanos = new AtomicLongArray(puts);
    }

    void sent(long put, long nanos) {
        sentNanos.set((int) put, nanos);
    }

    @Override
    public void acknowledged(long put, long sent, long ack) {
        ackNanos.set((int) put, ack);
    }

    long sentNanos(long put) {
        return sentNanos.get((int) put);
    }

    /** 0 while the put is not yet acknowledged (its event may arrive first). */
    long ackNanos(long put) {
        return ackNanos.get((int) put);
    }

    int puts() {
        return sentNanos.length();
    }
}
