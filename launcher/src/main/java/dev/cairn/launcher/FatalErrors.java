package dev.cairn.launcher;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The service bundles call on a fatal startup error (corrupt store, port in use). Registered as
 * {@code java.util.function.Consumer} with {@code cairn.fatal=true}: {@code java.*} types are the same class in
 * every bundle, so no shared API bundle is needed. It only records the first message; the launcher's main thread
 * prints it and stops the framework, never the calling bundle thread (which may hold SCR locks).
 */
final class FatalErrors implements Consumer<String> {

    static final String SERVICE_PROPERTY = "cairn.fatal";

    private final CompletableFuture<String> first = new CompletableFuture<>();

    @Override
    public void accept(String message) {
        String text = message == null || message.isBlank() ? "fatal error (no message)" : message.trim();
        first.complete(text.startsWith("cairn: ") ? text.substring("cairn: ".length()) : text);
    }

    /** Completes with the first fatal message. */
    CompletableFuture<String> first() {
        return first;
    }
}
