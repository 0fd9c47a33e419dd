package dev.cairn.launcher;

import java.util.Properties;

/**
 * Gives the JVM's common fork-join pool at least {@value #MIN_PARALLELISM} threads. On a machine with one or two
 * processors the JDK sizes it to one thread, and then {@code CompletableFuture}'s async methods without an executor
 * start a new thread for every task instead of using the pool. Apache Ratis runs every append a follower receives
 * through such a method, so a small server started a thread per log entry and per heartbeat, on every follower
 * (measured on 2 cores: about 2 % of the cluster's CPU at 64 writing clients, and a slower path from leader to
 * follower disk). Must run before anything touches the pool: the JDK reads the setting once.
 */
final class CommonPoolSize {
    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** CompletableFuture uses the common pool only when its parallelism is above one. */
    static final int MIN_PARALLELISM = 2;

    private CommonPoolSize() {
    }

    /**
     * Sets the pool's parallelism to {@value #MIN_PARALLELISM} when the JDK would make it smaller for
     * {@code processors}; a value the user set stays.
     */
    static void widen(Properties system, int processors) {
        if (system.getProperty(PARALLELISM) == null && processors - 1 < MIN_PARALLELISM) {
            system.setProperty(PARALLELISM, Integer.toString(MIN_PARALLELISM));
        }
    }
}
