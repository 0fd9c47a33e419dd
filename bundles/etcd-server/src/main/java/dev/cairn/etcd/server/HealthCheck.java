package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.RangeRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import dev.cairn.datastore.api.ProbeResult;
import dev.cairn.datastore.api.StoreError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd's {@code /health} check ({@code etcdhttp/metrics.go checkHealth}): no active alarm, a leader, and a read of
 * the key "health" that succeeds in time. The reasons are etcd's texts. And the Kubernetes probes: {@link #ready()}
 * and {@link #live()} ({@link Datastore#ready}, {@link Datastore#live}).
 */
final class HealthCheck {
    /** etcd's default request timeout. */
    private static final long READ_TIMEOUT_SECONDS = 5;
    private static final byte[] HEALTH_KEY = {'h', 'e', 'a', 'l', 't', 'h'};

    record Result(boolean healthy, String reason) {
        String json() {
            return "{\"health\":\"" + healthy + "\",\"reason\":\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"}";
        }
    }

    /**
     * How long a readiness probe waits for its linearizable read: under Kubernetes' default probe timeout (1 s), so
     * that the probe gets the answer with its reason rather than a timeout of its own.
     */
    static final Duration READY_DEADLINE = Duration.ofMillis(800);
    /**
     * How long a liveness probe waits for its local read. Wedged means much longer than a busy moment, and a failed
     * liveness probe restarts the server, so this is etcd's request timeout rather than the readiness deadline.
     */
    static final Duration LIVE_DEADLINE = Duration.ofSeconds(READ_TIMEOUT_SECONDS);

    private final Datastore datastore;

    HealthCheck(Datastore datastore) {
        this.datastore = datastore;
    }

    /** The full check; {@code serializable} reads locally (etcd's {@code ?serializable=true}). */
    CompletableFuture<Result> check(boolean serializable) {
        List<Alarm> alarms;
        try {
            alarms = datastore.alarms();
            if (!alarms.isEmpty()) {
                return CompletableFuture.completedFuture(new Result(false, "ALARM " + alarms.get(0).type().name()));
            }
            if (!datastore.cluster().hasLeader()) {
                return CompletableFuture.completedFuture(new Result(false, "RAFT NO LEADER"));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Result(false, "STORE ERROR:" + e.getMessage()));
        }
        return read(serializable);
    }

    /** {@code /readyz}: a leader is known and a linearizable read succeeds within {@link #READY_DEADLINE}. */
    CompletableFuture<Result> ready() {
        return probe(() -> datastore.ready(READY_DEADLINE));
    }

    /** {@code /livez}: the local store answers a serializable read; quorum does not matter. */
    CompletableFuture<Result> live() {
        return probe(() -> datastore.live(LIVE_DEADLINE));
    }

    private static CompletableFuture<Result> probe(Supplier<CompletableFuture<ProbeResult>> check) {
        try {
            return check.get().thenApply(p -> new Result(p.ok(), p.reason()))
                    .exceptionally(e -> new Result(false, String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Result(false, String.valueOf(e.getMessage())));
        }
    }

    /** Only the read, part of {@code /health}. */
    CompletableFuture<Result> read(boolean serializable) {
        CompletableFuture<Result> result;
        try {
            result = datastore.range(RangeRequest.builder(KeyRange.single(HEALTH_KEY))
                    .keysOnly(true).limit(1).serializable(serializable).build())
                    .thenApply(r -> new Result(true, ""));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.orTimeout(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .exceptionally(e -> new Result(false, "RANGE ERROR:" + describe(e)));
    }

    private static String describe(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof TimeoutException) {
            return StoreError.TIMEOUT.message();
        }
        return GrpcErrors.toStatus(c).getStatus().getDescription();
    }
}
