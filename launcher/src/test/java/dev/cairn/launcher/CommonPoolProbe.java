package dev.cairn.launcher;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Run in a child JVM: sizes the common pool as {@link Main} does (unless given "as-is"), then runs async tasks the
 * way Apache Ratis's follower does ({@code thenComposeAsync} without an executor) and prints on which threads they
 * ran.
 */
public final class CommonPoolProbe {
    private CommonPoolProbe() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("as-is")) {
            CommonPoolSize.widen(System.getProperties(), Runtime.getRuntime().availableProcessors());
        }
        Set<String> threads = new HashSet<>();
        boolean pooled = true;
        for (int i = 0; i < 50; i++) {
            Thread ran = CompletableFuture.completedFuture(null)
                    .thenComposeAsync(v -> CompletableFuture.completedFuture(Thread.currentThread())).join();
            threads.add(ran.getName());
            pooled &= ran instanceof ForkJoinWorkerThread;
        }
        System.out.println("probe pooled=" + pooled + " threads=" + threads.size());
    }
}
