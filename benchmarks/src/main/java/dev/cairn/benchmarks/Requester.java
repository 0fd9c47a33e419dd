package dev.cairn.benchmarks;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client of a closed-loop run: it keeps exactly one request in flight and sends the next when the previous
 * completes, drawing request numbers from a counter shared by all clients (so fast clients do more, as with
 * etcd's shared request channel). The same observer serves every request of the client, so a request costs only
 * its protobuf message and gRPC's own call objects.
 */
final class Requester<T> implements StreamObserver<T> {

    private final RequestSender<T> sender;
    private final AtomicLong next;
    private final long end;
    private final LatencyStats latencies = new LatencyStats();
    private final ErrorTally errors;
    private final AckListener ackListener;
    private final CountDownLatch finished;
    /** Completions not yet turned into a send; makes sending iterative even when a call fails synchronously. */
    private final AtomicInteger pendingSends = new AtomicInteger();

    private long index;
    private long sentNanos;

    Requester(RequestSender<T> sender, AtomicLong next, long end, ErrorTally errors, AckListener ackListener,
            CountDownLatch finished) {
        this.sender = sender;
        this.next = next;
        this.end = end;
        this.errors = errors;
        this.ackListener = ackListener;
        this.finished = finished;
    }

    void start() {
        sendNext();
    }

    LatencyStats latencies() {
        return latencies;
    }

    private void sendNext() {
        if (pendingSends.getAndIncrement() != 0) {
            return; // the thread already in the loop below sends it
        }
        do {
            sendOne();
        } while (pendingSends.decrementAndGet() != 0);
    }

    private void sendOne() {
        long i = next.getAndIncrement();
        if (i >= end) {
            finished.countDown();
            return;
        }
        index = i;
        sentNanos = System.nanoTime();
        try {
            sender.send(i, this);
        } catch (RuntimeException e) {
            errors.record(e);
            sendNext();
        }
    }

    @Override
    public void onNext(T response) {
        // Unary calls: the completion below is what counts.
    }

    @Override
    public void onError(Throwable error) {
        errors.record(error);
        sendNext();
    }

    @Override
    public void onCompleted() {
        long now = System.nanoTime();
        latencies.record(now - sentNanos);
        if (ackListener != null) {
            ackListener.acknowledged(index, sentNanos, now);
        }
        sendNext();
    }
}
