package dev.cairn.benchmarks;

/** Told when request {@code index} was acknowledged (the watch benchmark times events from the put ack). */
@FunctionalInterface
interface AckListener {

    void acknowledged(long index, long sentNanos, long ackNanos);
}
