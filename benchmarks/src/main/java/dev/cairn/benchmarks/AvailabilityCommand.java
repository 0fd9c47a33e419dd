package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code availability}: one client writes without pause for a bounded time, failing over between the endpoints,
 * and reports how long writes stopped. Meant for a failover test: a script writes the moment it kills a server
 * (epoch nanoseconds, {@code date +%s%N}) to {@code --mark-file}, and the RESULT line gives the time from that
 * moment until the cluster acknowledged a write sent after it. Not in etcd's benchmark tool.
 */
@Command(name = "availability", mixinStandardHelpOptions = true, sortOptions = false,
        description = "One client puts without pause for --duration seconds (each put with a --request-timeout "
                + "deadline; a failed put is retried at once on the next endpoint) and reports the longest gap "
                + "between acknowledgements and, given --mark-file, the time from the mark to the first "
                + "acknowledged put sent after it. --conns, --clients, --total and --warmup are ignored: there is "
                + "one connection per endpoint and one client.")
final class AvailabilityCommand implements Callable<Integer> {

    /** Printed once the first put is acknowledged: a script waits for it before it counts steady seconds. */
    static final String FIRST_ACK_LINE = "availability: first put acknowledged";

    /** How often the writer looks for the mark file between puts. */
    private static final long MARK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    @ParentCommand
    Benchmark global;

    @Option(names = "--duration", defaultValue = "30",
            description = "Seconds to write at most. Default: ${DEFAULT-VALUE}.")
    double durationSeconds;

    @Option(names = "--request-timeout", defaultValue = "500",
            description = "Deadline of each put, in milliseconds. Default: ${DEFAULT-VALUE}.")
    long requestTimeoutMillis;

    @Option(names = "--mark-file",
            description = "A file the writer watches for: it holds the moment of interest in nanoseconds since "
                    + "the epoch (write it with: date +%%s%%N > F.tmp && mv F.tmp F).")
    Path markFile;

    @Option(names = "--after-recovery", defaultValue = "2",
            description = "Once a put sent after the mark is acknowledged, seconds to go on writing before the run "
                    + "ends early. Default: ${DEFAULT-VALUE}.")
    double afterRecoverySeconds;

    @Option(names = "--val-size", defaultValue = "256", description = "Value size. Default: ${DEFAULT-VALUE}.")
    int valSize;

    @Option(names = "--key-prefix", defaultValue = "availability/",
            description = "Text before every key (the key is the prefix and the put's number). Default: ${DEFAULT-VALUE}.")
    String keyPrefix;

    @Override
    public Integer call() {
        validate();
        global.conns = global.endpoints.size();
        LongSupplier clock = epochClock();
        try (Connections connections = Connections.open(global)) {
            List<KVGrpc.KVBlockingStub> stubs = new ArrayList<>();
            for (int i = 0; i < global.endpoints.size(); i++) {
                stubs.add(KVGrpc.newBlockingStub(connections.channel(i)));
            }
            ByteString value = WriteWorkload.randomBytes(valSize);
            PutRequest.Builder put = PutRequest.newBuilder().setValue(value);
            ContinuousWriter writer = new ContinuousWriter((endpoint, sequence) -> {
                try {
                    stubs.get(endpoint).withDeadlineAfter(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                            .put(put.setKey(ByteString.copyFromUtf8(keyPrefix + sequence)).build());
                } catch (StatusRuntimeException e) {
                    throw withoutTimings(e, global.endpoints.get(endpoint));
                }
            }, stubs.size(), clock);
            Mark mark = new Mark(markFile);
            long start = clock.getAsLong();
            StopRule stop = new StopRule(writer.timeline(), mark, clock, start,
                    (long) (durationSeconds * 1e9), (long) (afterRecoverySeconds * 1e9));
            writer.run(stop);
            long end = clock.getAsLong();
            OptionalLong m = mark.poll();
            print(System.out, writer, m, end - start);
            // Without a mark file any acknowledged put is a success; with one, a put sent after the mark must be.
            boolean recovered = m.isPresent() ? writer.timeline().firstAckOfWriteSentFrom(m.getAsLong()).isPresent()
                    : markFile == null;
            return writer.timeline().count() > 0 && recovered ? 0 : 1;
        }
    }

    private void validate() {
        global.validate();
        if (!(durationSeconds > 0)) {
            throw new IllegalArgumentException("--duration must be more than 0 seconds, was " + durationSeconds);
        }
        if (requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("--request-timeout must be at least 1 ms, was " + requestTimeoutMillis);
        }
        if (afterRecoverySeconds < 0) {
            throw new IllegalArgumentException("--after-recovery must not be negative, was " + afterRecoverySeconds);
        }
        if (valSize < 0) {
            throw new IllegalArgumentException("--val-size must not be negative, was " + valSize);
        }
    }

    /**
     * grpc-java words a missed deadline with its exact timings ("deadline exceeded after 0.499985609s ..."), which
     * would give every timeout its own line in the error distribution; one line per endpoint says enough.
     */
    static StatusRuntimeException withoutTimings(StatusRuntimeException e, String endpoint) {
        if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return e;
        }
        return Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded (" + endpoint + ")").asRuntimeException();
    }

    /** Epoch nanoseconds that advance with the monotonic clock: one wall-clock reading anchors nanoTime. */
    private static LongSupplier epochClock() {
        Instant now = Instant.now();
        long anchorNano = System.nanoTime();
        long anchorEpoch = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return () -> anchorEpoch + (System.nanoTime() - anchorNano);
    }

    private void print(PrintStream out, ContinuousWriter writer, OptionalLong mark, long elapsedNanos) {
        AckTimeline timeline = writer.timeline();
        out.println();
        out.println("availability");
        out.printf(Locale.ROOT, "  Total:\t%.4f secs.%n", elapsedNanos / 1e9);
        out.printf(Locale.ROOT, "  Puts sent:\t%d, acknowledged %d, failed %d%n", writer.sent(), timeline.count(),
                writer.errors().total());
        out.printf(Locale.ROOT, "  Longest gap between acknowledgements:\t%.4f secs.%n",
                timeline.longestGapNanos() / 1e9);
        if (!writer.errors().snapshot().isEmpty()) {
            out.println();
            out.println("Error distribution:");
            writer.errors().snapshot().forEach((text, count) -> out.printf(Locale.ROOT, "  [%d]\t%s%n", count, text));
        }
        out.println();
        out.println(resultLine(timeline, writer.errors().total(), elapsedNanos, global.endpoints.size(),
                requestTimeoutMillis, mark));
        out.flush();
    }

    /**
     * {@code recovery_ms}: mark to the acknowledgement of the first put sent after it; {@code first_ack_ms}: mark to
     * the first acknowledgement after it (its put may have been sent before); {@code outage_ms}: the gap between the
     * last acknowledgement before the mark and the first after it. "n/a" without a mark, "none" when no put was
     * acknowledged after the mark.
     */
    static String resultLine(AckTimeline timeline, long errors, long elapsedNanos, int endpoints,
            long requestTimeoutMillis, OptionalLong mark) {
        String recovery = "n/a";
        String firstAck = "n/a";
        String outage = "n/a";
        if (mark.isPresent()) {
            long m = mark.getAsLong();
            recovery = millisSince(m, timeline.firstAckOfWriteSentFrom(m));
            firstAck = millisSince(m, timeline.firstAckFrom(m));
            OptionalLong before = timeline.lastAckBefore(m);
            outage = before.isPresent() ? millisSince(before.getAsLong(), timeline.firstAckFrom(m)) : "n/a";
        }
        return String.format(Locale.ROOT,
                "RESULT op=availability endpoints=%d ok=%d errors=%d secs=%.3f request_timeout_ms=%d "
                        + "max_gap_ms=%.1f mark=%s recovery_ms=%s first_ack_ms=%s outage_ms=%s",
                endpoints, timeline.count(), errors, elapsedNanos / 1e9, requestTimeoutMillis,
                timeline.longestGapNanos() / 1e6, mark.isPresent() ? Long.toString(mark.getAsLong() / 1_000_000) : "none",
                recovery, firstAck, outage);
    }

    private static String millisSince(long from, OptionalLong to) {
        return to.isPresent() ? String.format(Locale.ROOT, "%.1f", (to.getAsLong() - from) / 1e6) : "none";
    }

    /** The moment another process wrote to the mark file, read once it is there and complete. */
    static final class Mark {

        private final Path file;
        private OptionalLong value = OptionalLong.empty();

        Mark(Path file) {
            this.file = file;
        }

        OptionalLong poll() {
            if (value.isEmpty() && file != null) {
                try {
                    value = parse(Files.readString(file, StandardCharsets.US_ASCII));
                } catch (NoSuchFileException e) {
                    // Not written yet.
                } catch (IOException e) {
                    throw new BenchmarkFailure("cannot read --mark-file " + file + ": " + e.getMessage(), e);
                }
            }
            return value;
        }

        /** Epoch nanoseconds as {@code date +%s%N} prints them; empty while the text is not (yet) such a number. */
        static OptionalLong parse(String text) {
            String digits = text.trim();
            if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
    }

    /**
     * When the writer stops: at the end of the duration, or {@code afterRecovery} after the first put sent after
     * the mark was acknowledged. Also prints {@link #FIRST_ACK_LINE} once.
     */
    static final class StopRule implements java.util.function.BooleanSupplier {

        private final AckTimeline timeline;
        private final Mark mark;
        private final LongSupplier clock;
        private final long end;
        private final long afterRecovery;
        private long nextPoll;
        private boolean announced;
        private PrintStream announceTo = System.out;

        StopRule(AckTimeline timeline, Mark mark, LongSupplier clock, long start, long duration, long afterRecovery) {
            this.timeline = timeline;
            this.mark = mark;
            this.clock = clock;
            this.end = start + duration;
            this.afterRecovery = afterRecovery;
        }

        StopRule announceTo(PrintStream out) {
            this.announceTo = out;
            return this;
        }

        @Override
        public boolean getAsBoolean() {
            long now = clock.getAsLong();
            if (!announced && timeline.count() > 0) {
                announced = true;
                announceTo.println(FIRST_ACK_LINE);
                announceTo.flush();
            }
            if (now >= end) {
                return true;
            }
            OptionalLong m = markThrottled(now);
            if (m.isEmpty()) {
                return false;
            }
            OptionalLong recovered = timeline.firstAckOfWriteSentFrom(m.getAsLong());
            return recovered.isPresent() && now >= recovered.getAsLong() + afterRecovery;
        }

        /** The mark, reading its file at most every {@link #MARK_POLL_NANOS} until it is there. */
        private OptionalLong markThrottled(long now) {
            if (now < nextPoll) {
                return OptionalLong.empty();
            }
            OptionalLong m = mark.poll();
            if (m.isEmpty()) {
                nextPoll = now + MARK_POLL_NANOS;
            }
            return m;
        }
    }
}
