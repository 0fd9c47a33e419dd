package dev.cairn.benchmarks;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The successful writes of an availability run in the order they were acknowledged: when each was sent and when
 * its acknowledgement arrived, as wall-clock (epoch) nanoseconds so that they can be set against a moment taken
 * by another process, such as the {@code date +%s%N} a script records just before it kills a server.
 *
 * <p>Written by one thread (the writer); read after the run, or by the same thread during it.
 */
final class AckTimeline {

    private long[] sent = new long[1024];
    private long[] acked = new long[1024];
    private int count;

    void record(long sentEpochNanos, long ackEpochNanos) {
        if (count > 0 && ackEpochNanos < acked[count - 1]) {
            throw new IllegalArgumentException("acknowledgements must be recorded in order: " + ackEpochNanos
                    + " < " + acked[count - 1]);
        }
        if (count == sent.length) {
            sent = Arrays.copyOf(sent, count * 2);
            acked = Arrays.copyOf(acked, count * 2);
        }
        sent[count] = sentEpochNanos;
        acked[count] = ackEpochNanos;
        count++;
    }

    int count() {
        return count;
    }

    /** The longest time between two consecutive acknowledgements; 0 with fewer than two. */
    long longestGapNanos() {
        long longest = 0;
        for (int i = 1; i < count; i++) {
            longest = Math.max(longest, acked[i] - acked[i - 1]);
        }
        return longest;
    }

    /**
     * When the first write that was sent at or after {@code mark} was acknowledged. This is the moment the
     * cluster is known to accept writes again: a write sent before the mark may have been committed before it.
     */
    OptionalLong firstAckOfWriteSentFrom(long mark) {
        for (int i = 0; i < count; i++) {
            if (sent[i] >= mark) {
                return OptionalLong.of(acked[i]);
            }
        }
        return OptionalLong.empty();
    }

    /** The first acknowledgement that arrived at or after {@code mark}, whenever its write was sent. */
    OptionalLong firstAckFrom(long mark) {
        int i = firstIndexAckedFrom(mark);
        return i < count ? OptionalLong.of(acked[i]) : OptionalLong.empty();
    }

    /** The last acknowledgement that arrived before {@code mark}. */
    OptionalLong lastAckBefore(long mark) {
        int i = firstIndexAckedFrom(mark);
        return i > 0 ? OptionalLong.of(acked[i - 1]) : OptionalLong.empty();
    }

    private int firstIndexAckedFrom(long mark) {
        int i = Arrays.binarySearch(acked, 0, count, mark);
        if (i < 0) {
            return -i - 1;
        }
        // Equal acknowledgement times: step back to the first of them.
        while (i > 0 && acked[i - 1] == mark) {
            i--;
        }
        return i;
    }
}
