package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Watch stream of the watch benchmark with its watchers. It times watcher creation (create request to
 * {@code created} response; etcd answers the creates of a stream in order) and every event it delivers.
 * gRPC calls this observer serially, so its latency records need no locking.
 */
final class WatchStream implements StreamObserver<WatchResponse> {

    private final EventClock clock;
    private final CountDownLatch created;
    private final AtomicLong delivered;
    private final long expected;
    private final CountDownLatch allDelivered;
    private final AtomicLong early;
    private final ErrorTally errors;
    private final long[] createSentNanos;
    private final LatencyStats creation = new LatencyStats();
    private final LatencyStats sinceAck = new LatencyStats();
    private final LatencyStats sinceSend = new LatencyStats();
    private int createsSent;
    private int createsAnswered;
    private StreamObserver<WatchRequest> requests;

    WatchStream(int watchers, EventClock clock, CountDownLatch created, AtomicLong delivered, long expected,
            CountDownLatch allDelivered, AtomicLong early, ErrorTally errors) {
        this.clock = clock;
        this.created = created;
        this.delivered = delivered;
        this.expected = expected;
        this.allDelivered = allDelivered;
        this.early = early;
        this.errors = errors;
        this.createSentNanos = new long[watchers];
    }

    void open(WatchGrpc.WatchStub stub) {
        requests = stub.watch(this);
    }

    /** Called from one thread only (gRPC request observers are not thread-safe). */
    void create(ByteString key) {
        createSentNanos[createsSent++] = System.nanoTime();
        requests.onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(key)).build());
    }

    void close() {
        requests.onCompleted();
    }

    @Override
    public void onNext(WatchResponse response) {
        long now = System.nanoTime();
        if (response.getCreated()) {
            if (createsAnswered < createSentNanos.length) {
                creation.record(now - createSentNanos[createsAnswered++]);
            }
            created.countDown();
        }
        if (response.getCanceled()) {
            errors.record("watch canceled: " + response.getCancelReason());
        }
        for (int i = 0; i < response.getEventsCount(); i++) {
            onEvent(response.getEvents(i), now);
        }
    }

    private void onEvent(Event event, long now) {
        long put = putNumber(event.getKv().getValue());
        if (put < 0 || put >= clock.puts()) {
            errors.record("event for a put this run did not make (value does not carry its number)");
            return;
        }
        long ack = clock.ackNanos(put);
        if (ack == 0) {
            // Delivered before the put's own response reached the client: no delay after the ack.
            early.incrementAndGet();
            sinceAck.record(0);
        } else {
            sinceAck.record(now - ack);
        }
        sinceSend.record(now - clock.sentNanos(put));
        if (delivered.incrementAndGet() == expected) {
            allDelivered.countDown();
        }
    }

    static long putNumber(ByteString value) {
        if (value.size() < Long.BYTES) {
            return -1;
        }
        long number = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            number = (number << 8) | (value.byteAt(i) & 0xFF);
        }
        return number;
    }

    @Override
    public void onError(Throwable error) {
        errors.record(error);
    }

    @Override
    public void onCompleted() {
        // The server ended the stream; missing events show up as such in the report.
    }

    LatencyStats creation() {
        return creation;
    }

    LatencyStats sinceAck() {
        return sinceAck;
    }

    LatencyStats sinceSend() {
        return sinceSend;
    }
}
