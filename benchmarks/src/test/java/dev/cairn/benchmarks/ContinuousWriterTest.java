package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class ContinuousWriterTest {

    /** A clock that advances only when the test says so. */
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    public void failedWriteMovesToTheNextEndpointAtOnceAndSuccessStaysThere() {
        List<String> calls = new ArrayList<>();
        // Endpoint 0 dies at write 3; endpoint 1 has no leader for two writes; endpoint 2 works.
        ContinuousWriter writer = new ContinuousWriter((endpoint, sequence) -> {
            calls.add(endpoint + ":" + sequence);
            now.addAndGet(10);
            if (endpoint == 0 && sequence >= 3 || endpoint == 1 && sequence < 6) {
                throw Status.UNAVAILABLE.withDescription("down").asRuntimeException();
            }
        }, 3, now::get);
        writer.run(() -> writer.sent() >= 8);
        assertEquals(List.of("0:0", "0:1", "0:2", "0:3", "1:4", "2:5", "2:6", "2:7"), calls);
        assertEquals(6, writer.timeline().count());
        assertEquals(2, writer.errors().total());
        assertEquals(8, writer.sent());
        // Acks at 1010, 1020, 1030, then 1060 after the two failures: the longest gap is 30.
        assertEquals(30, writer.timeline().longestGapNanos());
        assertEquals(OptionalLong.of(1060), writer.timeline().firstAckOfWriteSentFrom(1031));
    }

    @Test
    public void wrapsAroundFromTheLastEndpointToTheFirst() {
        List<Integer> endpoints = new ArrayList<>();
        ContinuousWriter writer = new ContinuousWriter((endpoint, sequence) -> {
            endpoints.add(endpoint);
            if (sequence < 4) {
                throw new IllegalStateException("refused");
            }
        }, 2, now::get);
        writer.run(() -> writer.sent() >= 5);
        assertEquals(List.of(0, 1, 0, 1, 0), endpoints);
        assertEquals("{java.lang.IllegalStateException: refused=4}", writer.errors().snapshot().toString());
    }

    @Test
    public void interruptStopsTheRun() {
        ContinuousWriter writer = new ContinuousWriter((endpoint, sequence) -> {
            throw new InterruptedException();
        }, 1, now::get);
        assertThrows(BenchmarkFailure.class, () -> writer.run(() -> false));
        assertEquals(true, Thread.interrupted());
    }

    @Test
    public void needsAnEndpoint() {
        assertThrows(IllegalArgumentException.class, () -> new ContinuousWriter((e, s) -> { }, 0, now::get));
    }
}
