package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.spi.BackendSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared helpers for the module's tests: settings for a temp data dir, waiting on conditions. */
final class StoreFixture {
    private StoreFixture() {
    }

    static BackendSettings settings(Path dataDir) {
        return settings(dataDir, Duration.ZERO, 0);
    }

    static BackendSettings settings(Path dataDir, Duration fsyncDelay, long quotaBytes) {
        return new BackendSettings(dataDir, "", "node-1", List.of("https://127.0.0.1:2379"),
                List.of("https://127.0.0.1:2380"), quotaBytes, fsyncDelay, Map.of());
    }

    static byte[] b(String s) {
        return Bytes.utf8(s);
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
