package dev.cairn.itests.e2e.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a bounded timeout, polling briefly; tests never sleep for a fixed time. */
public final class Await {

    private static final long POLL_MILLIS = 25;

    private Await() {
    }

    /** True once {@code condition} holds, false if it still does not after {@code timeout}. */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            pause();
        }
    }

    /** Fails with {@code what} and the given context when the condition does not hold within the timeout. */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
        if (!within(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "\n"
                    + context.get());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
