package dev.cairn.launcher;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The service a bundle calls when it finished a one-shot job the process was started for (the cluster reset):
 * registered as {@code java.util.function.Consumer} with {@code cairn.exit=true}, next to {@link FatalErrors}. It
 * only records the first message; the launcher's main thread prints it, stops the framework and exits 0.
 */
final class ExitMessages implements Consumer<String> {

    static final String SERVICE_PROPERTY = "cairn.exit";

    private final CompletableFuture<String> first = new CompletableFuture<>();

    @Override
    public void accept(String message) {
        first.complete(message == null ? "" : message.strip());
    }

    /** Completes with the first message. */
    CompletableFuture<String> first() {
        return first;
    }
}
