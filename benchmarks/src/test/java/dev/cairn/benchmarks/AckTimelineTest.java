package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.OptionalLong;
import org.junit.Test;

public class AckTimelineTest {

    private static AckTimeline timeline(long... sentAckPairs) {
        AckTimeline timeline = new AckTimeline();
        for (int i = 0; i < sentAckPairs.length; i += 2) {
            timeline.record(sentAckPairs[i], sentAckPairs[i + 1]);
        }
        return timeline;
    }

    @Test
    public void longestGapIsBetweenConsecutiveAcknowledgements() {
        assertEquals(0, timeline().longestGapNanos());
        assertEquals(0, timeline(5, 10).longestGapNanos());
        assertEquals(700, timeline(0, 10, 10, 20, 20, 720, 720, 730).longestGapNanos());
    }

    @Test
    public void recoveryCountsOnlyWritesSentAtOrAfterTheMark() {
        // The write sent at 95 (before the kill at 100) is acknowledged at 400; the first one sent after it at 900.
        AckTimeline t = timeline(80, 90, 95, 400, 410, 900, 905, 910);
        assertEquals(OptionalLong.of(900), t.firstAckOfWriteSentFrom(100));
        assertEquals(OptionalLong.of(400), t.firstAckFrom(100));
        assertEquals(OptionalLong.of(90), t.lastAckBefore(100));
        assertEquals(OptionalLong.of(900), t.firstAckOfWriteSentFrom(410));
    }

    @Test
    public void markOutsideTheRunHasNoNeighbours() {
        AckTimeline t = timeline(10, 20, 30, 40);
        assertEquals(OptionalLong.empty(), t.firstAckOfWriteSentFrom(50));
        assertEquals(OptionalLong.empty(), t.firstAckFrom(50));
        assertEquals(OptionalLong.of(40), t.lastAckBefore(50));
        assertEquals(OptionalLong.empty(), t.lastAckBefore(5));
        assertEquals(OptionalLong.of(20), t.firstAckFrom(5));
    }

    @Test
    public void anAcknowledgementExactlyAtTheMarkCountsAsAfterIt() {
        AckTimeline t = timeline(1, 10, 2, 20, 3, 20, 4, 30);
        assertEquals(OptionalLong.of(20), t.firstAckFrom(20));
        assertEquals(OptionalLong.of(10), t.lastAckBefore(20));
    }

    @Test
    public void growsPastItsInitialCapacity() {
        AckTimeline t = new AckTimeline();
        for (int i = 0; i < 5000; i++) {
            t.record(2L * i, 2L * i + 1);
        }
        assertEquals(5000, t.count());
        assertEquals(2, t.longestGapNanos());
        assertEquals(OptionalLong.of(8001), t.firstAckOfWriteSentFrom(7999));
    }

    @Test
    public void rejectsAcknowledgementsOutOfOrder() {
        AckTimeline t = timeline(0, 10);
        assertThrows(IllegalArgumentException.class, () -> t.record(1, 9));
    }
}
