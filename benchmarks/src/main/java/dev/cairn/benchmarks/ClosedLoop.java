package dev.cairn.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Runs a workload with a fixed number of clients, each with one request in flight: first the warm-up requests
 * (indexes -warmup..-1, not measured), then the measured ones (0..total-1).
 */
final class ClosedLoop<T> {

    /** A run fails instead of hanging when no request at all completes for this long. */
    private static final long STALL_SECONDS = 60;

    private final List<RequestSender<T>> senders;
    private AckListener ackListener;

    /** @param senderForClient builds client {@code c}'s sender, bound to its stub and channel */
    ClosedLoop(int clients, IntFunction<RequestSender<T>> senderForClient) {
        senders = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            senders.add(senderForClient.apply(c));
        }
    }

    ClosedLoop<T> onAck(AckListener listener) {
        this.ackListener = listener;
        return this;
    }

    RunResult run(long warmup, long total) {
        if (warmup > 0) {
            phase(-warmup, 0);
        }
        return phase(0, total);
    }

    private RunResult phase(long first, long end) {
        AtomicLong next = new AtomicLong(first);
        ErrorTally errors = new ErrorTally();
        CountDownLatch finished = new CountDownLatch(senders.size());
        List<Requester<T>> requesters = new ArrayList<>(senders.size());
        for (RequestSender<T> sender : senders) {
            requesters.add(new Requester<>(sender, next, end, errors, first >= 0 ? ackListener : null, finished));
        }
        long start = System.nanoTime();
        for (Requester<T> requester : requesters) {
            requester.start();
        }
        awaitOrFail(finished, next);
        long elapsed = System.nanoTime() - start;
        LatencyStats merged = new LatencyStats();
        for (Requester<T> requester : requesters) {
            merged.add(requester.latencies());
        }
        return new RunResult(merged, errors, elapsed);
    }

    private static void awaitOrFail(CountDownLatch finished, AtomicLong next) {
        long seen = next.get();
        try {
            while (!finished.await(STALL_SECONDS, TimeUnit.SECONDS)) {
                long now = next.get();
                if (now == seen) {
                    throw new BenchmarkFailure("stalled: no request completed in " + STALL_SECONDS + " s");
                }
                seen = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted", e);
        }
    }
}
