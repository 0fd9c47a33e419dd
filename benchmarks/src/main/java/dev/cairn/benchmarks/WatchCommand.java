package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.WatchGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code watch}: opens --streams Watch streams with --watch-per-stream watchers each (spread over the
 * connections and over --watched-key-total keys), then sends --put-total puts to the watched keys with --clients
 * putters and times every event a watcher receives: from the put's acknowledgement to delivery (an event that
 * arrives before its ack counts as 0), and from the put's send to delivery.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark watch: watcher creation, then event delivery latency for --put-total puts. "
                + "--total and --warmup are not used.")
final class WatchCommand implements Callable<Integer> {

    private static final long WAIT_SECONDS = 60;

    @ParentCommand
    Benchmark global;

    @Option(names = "--streams", defaultValue = "10", description = "Total watch streams. Default: ${DEFAULT-VALUE}.")
    int streams;

    @Option(names = "--watch-per-stream", defaultValue = "100", description = "Watchers per stream. Default: ${DEFAULT-VALUE}.")
    int watchPerStream;

    @Option(names = "--watched-key-total", defaultValue = "1", description = "Distinct watched keys. Default: ${DEFAULT-VALUE}.")
    int watchedKeyTotal;

    @Option(names = "--put-total", defaultValue = "1000", description = "Puts to the watched keys. Default: ${DEFAULT-VALUE}.")
    int putTotal;

    @Option(names = "--key-size", defaultValue = "32", description = "Key size (after the prefix). Default: ${DEFAULT-VALUE}.")
    int keySize;

    @Option(names = "--val-size", defaultValue = "32", description = "Value size, at least 8. Default: ${DEFAULT-VALUE}.")
    int valSize;

    @Option(names = "--key-prefix", defaultValue = "watch/", description = "Text before every key. Default: ${DEFAULT-VALUE}.")
    String keyPrefix;

    @Override
    public Integer call() {
        global.validate();
        checkOptions();
        KeyFormat format = new KeyFormat(keyPrefix, keySize);
        format.checkFits(watchedKeyTotal - 1, "--watched-key-total " + watchedKeyTotal);
        List<ByteString> keys = new ArrayList<>();
        for (int k = 0; k < watchedKeyTotal; k++) {
            keys.add(format.key(k));
        }
        int watchers = streams * watchPerStream;
        long[] watchersOnKey = new long[watchedKeyTotal];
        for (int w = 0; w < watchers; w++) {
            watchersOnKey[w % watchedKeyTotal]++;
        }
        long expectedEvents = 0;
        for (int p = 0; p < putTotal; p++) {
            expectedEvents += watchersOnKey[p % watchedKeyTotal];
        }

        EventClock clock = new EventClock(putTotal);
        ErrorTally watchErrors = new ErrorTally();
        AtomicLong delivered = new AtomicLong();
        AtomicLong early = new AtomicLong();
        CountDownLatch created = new CountDownLatch(watchers);
        CountDownLatch allDelivered = new CountDownLatch(1);
        Report report = new Report(System.out);
        try (Connections connections = Connections.open(global)) {
            List<WatchStream> open = new ArrayList<>(streams);
            long createStart = System.nanoTime();
            for (int s = 0; s < streams; s++) {
                WatchStream stream = new WatchStream(watchPerStream, clock, created, delivered, expectedEvents,
                        allDelivered, early, watchErrors);
                stream.open(WatchGrpc.newStub(connections.channel(s)));
                open.add(stream);
                for (int w = 0; w < watchPerStream; w++) {
                    stream.create(keys.get((s * watchPerStream + w) % watchedKeyTotal));
                }
            }
            awaitCreated(created, watchers);
            LatencyStats creation = new LatencyStats();
            open.forEach(stream -> creation.add(stream.creation()));
            report.print("watch creation", "watch-create", streams, global.conns,
                    new RunResult(creation, watchErrors, System.nanoTime() - createStart),
                    "streams=" + streams + " watchers=" + watchers);

            int putters = Math.min(global.clients, putTotal);
            long putStart = System.nanoTime();
            RunResult puts = new ClosedLoop<PutResponse>(putters,
                    c -> putSender(KVGrpc.newStub(connections.channel(c)), keys, clock)).onAck(clock)
                    .run(0, putTotal);
            report.print("watch puts", "watch-put", putters, global.conns, puts, "");

            awaitEvents(allDelivered, delivered);
            long eventsElapsed = System.nanoTime() - putStart;
            open.forEach(WatchStream::close);
            long missing = expectedEvents - delivered.get();
            if (missing > 0) {
                watchErrors.record("events not delivered within " + WAIT_SECONDS + " s of the last one: " + missing);
            }
            LatencyStats sinceAck = new LatencyStats();
            LatencyStats sinceSend = new LatencyStats();
            for (WatchStream stream : open) {
                sinceAck.add(stream.sinceAck());
                sinceSend.add(stream.sinceSend());
            }
            String fields = String.format(Locale.ROOT, "watchers=%d puts=%d expected=%d early=%d", watchers,
                    putTotal, expectedEvents, early.get());
            report.print("watch events, put ack -> delivery (" + early.get() + " of " + delivered.get()
                    + " delivered before their put's ack count as 0)", "watch-event", putters, global.conns,
                    new RunResult(sinceAck, watchErrors, eventsElapsed), fields);
            report.print("watch events, put send -> delivery", "watch-event-from-send", putters, global.conns,
                    new RunResult(sinceSend, new ErrorTally(), eventsElapsed), fields);
            return watchErrors.total() == 0 && puts.errors().total() == 0 ? 0 : 1;
        }
    }

    private void checkOptions() {
        if (streams < 1 || watchPerStream < 1 || watchedKeyTotal < 1 || putTotal < 1) {
            throw new IllegalArgumentException(
                    "--streams, --watch-per-stream, --watched-key-total and --put-total must be at least 1");
        }
        if (valSize < Long.BYTES) {
            throw new IllegalArgumentException("--val-size must be at least 8: the value carries the put's number");
        }
    }

    private RequestSender<PutResponse> putSender(KVGrpc.KVStub stub, List<ByteString> keys, EventClock clock) {
        byte[] padding = new byte[valSize - Long.BYTES];
        ThreadLocalRandom.current().nextBytes(padding);
        PutRequest.Builder request = PutRequest.newBuilder();
        return (index, done) -> {
            byte[] value = new byte[valSize];
            for (int i = 0; i < Long.BYTES; i++) {
                value[i] = (byte) (index >>> (56 - 8 * i));
            }
            System.arraycopy(padding, 0, value, Long.BYTES, padding.length);
            clock.sent(index, System.nanoTime());
            stub.put(request.setKey(keys.get((int) (index % keys.size())))
                    .setValue(UnsafeByteOperations.unsafeWrap(value)).build(), done);
        };
    }

    private static void awaitCreated(CountDownLatch created, int watchers) {
        try {
            if (!created.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new BenchmarkFailure("only " + (watchers - created.getCount()) + " of " + watchers
                        + " watchers were created within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted", e);
        }
    }

    /** Waits until every expected event arrived, or until none has arrived for {@link #WAIT_SECONDS}. */
    private static void awaitEvents(CountDownLatch allDelivered, AtomicLong delivered) {
        long seen = delivered.get();
        try {
            while (!allDelivered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                long now = delivered.get();
                if (now == seen) {
                    return; // the report counts the missing events as errors
                }
                seen = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
