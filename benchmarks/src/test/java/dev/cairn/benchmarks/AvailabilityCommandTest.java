package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class AvailabilityCommandTest {

    private static final long MS = 1_000_000;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void markIsTheNumberDatePrintsAndNothingElse() {
        assertEquals(OptionalLong.of(1764086400123456789L), AvailabilityCommand.Mark.parse("1764086400123456789\n"));
        assertEquals(OptionalLong.empty(), AvailabilityCommand.Mark.parse(""));
        assertEquals(OptionalLong.empty(), AvailabilityCommand.Mark.parse("17640864001234x"));
        assertEquals(OptionalLong.empty(), AvailabilityCommand.Mark.parse("99999999999999999999"));
    }

    @Test
    public void markIsReadOnceTheFileAppears() throws IOException {
        Path file = folder.getRoot().toPath().resolve("mark");
        AvailabilityCommand.Mark mark = new AvailabilityCommand.Mark(file);
        assertEquals(OptionalLong.empty(), mark.poll());
        Files.writeString(file, "42\n");
        assertEquals(OptionalLong.of(42), mark.poll());
        Files.writeString(file, "43\n");
        assertEquals("the first complete reading stays", OptionalLong.of(42), mark.poll());
        assertEquals(OptionalLong.empty(), new AvailabilityCommand.Mark(null).poll());
    }

    @Test
    public void resultLineTimesRecoveryFromTheMark() {
        AckTimeline t = new AckTimeline();
        t.record(0, 10 * MS);
        t.record(10 * MS, 20 * MS);
        t.record(20 * MS, 300 * MS);      // sent before the mark at 100 ms, acknowledged after it
        t.record(300 * MS, 1_250 * MS);   // the first put sent after the mark
        assertEquals("RESULT op=availability endpoints=3 ok=4 errors=7 secs=2.000 request_timeout_ms=500 "
                        + "max_gap_ms=950.0 mark=100 recovery_ms=1150.0 first_ack_ms=200.0 outage_ms=280.0",
                AvailabilityCommand.resultLine(t, 7, 2_000 * MS, 3, 500, OptionalLong.of(100 * MS)));
        assertEquals("RESULT op=availability endpoints=3 ok=4 errors=7 secs=2.000 request_timeout_ms=500 "
                        + "max_gap_ms=950.0 mark=none recovery_ms=n/a first_ack_ms=n/a outage_ms=n/a",
                AvailabilityCommand.resultLine(t, 7, 2_000 * MS, 3, 500, OptionalLong.empty()));
        assertEquals("RESULT op=availability endpoints=3 ok=4 errors=7 secs=2.000 request_timeout_ms=500 "
                        + "max_gap_ms=950.0 mark=5000 recovery_ms=none first_ack_ms=none outage_ms=none",
                AvailabilityCommand.resultLine(t, 7, 2_000 * MS, 3, 500, OptionalLong.of(5_000 * MS)));
    }

    @Test
    public void stopsAtTheEndOrOnceRecoveredForTheGivenTime() throws IOException {
        AtomicLong now = new AtomicLong(0);
        AckTimeline t = new AckTimeline();
        Path file = folder.getRoot().toPath().resolve("mark");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AvailabilityCommand.StopRule stop = new AvailabilityCommand.StopRule(t, new AvailabilityCommand.Mark(file),
                now::get, 0, 30_000 * MS, 2_000 * MS).announceTo(new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertFalse(stop.getAsBoolean());
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
        t.record(0, 5 * MS);
        now.set(5 * MS);
        assertFalse(stop.getAsBoolean());
        assertEquals(AvailabilityCommand.FIRST_ACK_LINE + System.lineSeparator(), printed.toString(StandardCharsets.UTF_8));
        Files.writeString(file, Long.toString(1_000 * MS));
        t.record(1_500 * MS, 1_600 * MS);
        now.set(3_599 * MS);
        assertFalse("recovered at 1.6 s: runs on until 3.6 s", stop.getAsBoolean());
        now.set(3_600 * MS);
        assertTrue(stop.getAsBoolean());
        assertEquals("announced once", 1, printed.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    public void missedDeadlinesAreCountedPerEndpointNotPerTiming() {
        io.grpc.StatusRuntimeException missed = io.grpc.Status.DEADLINE_EXCEEDED
                .withDescription("CallOptions deadline exceeded after 0.499985609s.").asRuntimeException();
        assertEquals("rpc error: code = DeadlineExceeded desc = deadline exceeded (https://127.0.0.51:2379)",
                ErrorTally.describe(AvailabilityCommand.withoutTimings(missed, "https://127.0.0.51:2379")));
        io.grpc.StatusRuntimeException down = io.grpc.Status.UNAVAILABLE.withDescription("io exception")
                .asRuntimeException();
        assertEquals(down, AvailabilityCommand.withoutTimings(down, "x"));
    }

    @Test
    public void stopsAtTheEndWithoutRecovery() {
        AtomicLong now = new AtomicLong(0);
        AvailabilityCommand.StopRule stop = new AvailabilityCommand.StopRule(new AckTimeline(),
                new AvailabilityCommand.Mark(null), now::get, 0, 10 * MS, 0);
        assertFalse(stop.getAsBoolean());
        now.set(10 * MS);
        assertTrue(stop.getAsBoolean());
    }
}
