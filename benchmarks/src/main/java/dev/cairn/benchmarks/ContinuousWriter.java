package dev.cairn.benchmarks;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One client that writes without pause: each write goes to the current endpoint with a short deadline; a failed
 * write is tallied and the next one goes at once to the next endpoint, the way a client fails over when the
 * server it talks to dies or has no leader. A write that succeeds keeps the client on its endpoint.
 */
final class ContinuousWriter {

    /** Sends write {@code sequence} to endpoint {@code endpoint} and returns when it is acknowledged. */
    @FunctionalInterface
    interface Write {
        void send(int endpoint, long sequence) throws Exception;
    }

    private final Write write;
    private final int endpoints;
    private final LongSupplier epochNanos;
    private final AckTimeline timeline = new AckTimeline();
    private final ErrorTally errors = new ErrorTally();
    private int current;
    private long sequence;

    /** @param epochNanos the wall clock, in nanoseconds since the epoch */
    ContinuousWriter(Write write, int endpoints, LongSupplier epochNanos) {
        if (endpoints < 1) {
            throw new IllegalArgumentException("at least one endpoint is needed, was " + endpoints);
        }
        this.write = write;
        this.endpoints = endpoints;
        this.epochNanos = epochNanos;
    }

    /** Writes until {@code stop} says so; it is asked before every write. */
    void run(BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            long sent = epochNanos.getAsLong();
            try {
                write.send(current, sequence++);
                timeline.record(sent, epochNanos.getAsLong());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkFailure("interrupted", e);
            } catch (Exception e) {
                errors.record(e);
                current = (current + 1) % endpoints;
            }
        }
    }

    AckTimeline timeline() {
        return timeline;
    }

    ErrorTally errors() {
        return errors;
    }

    /** Writes sent so far, acknowledged or not. */
    long sent() {
        return sequence;
    }
}
