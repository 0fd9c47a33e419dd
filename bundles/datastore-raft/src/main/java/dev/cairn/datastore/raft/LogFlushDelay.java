package dev.cairn.datastore.raft;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.statemachine.StateMachine;

/**
 * The fsyncDelay failpoint on the Raft log: Ratis's log worker calls the state machine's {@code flush} at the start
 * of every log flush, inside the flush it times, and waits for it before it fsyncs the segment; sleeping there makes
 * every log fsync that much slower, as a slow disk would.
 */
final class LogFlushDelay implements StateMachine.DataApi {
    private final Duration delay;

    private LogFlushDelay(Duration delay) {
        this.delay = delay;
    }

    /** Ratis's own no-op unless a delay is asked for. */
    static StateMachine.DataApi of(Duration delay) {
        return delay == null || delay.isZero() ? StateMachine.DataApi.DEFAULT : new LogFlushDelay(delay);
    }

    @Override
    public CompletableFuture<Void> flush(long logIndex) {
        try {
            Thread.sleep(delay.toMillis(), (int) (delay.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CompletableFuture.completedFuture(null);
    }
}
