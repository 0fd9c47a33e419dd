package dev.cairn.apiserver;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.ProbeResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code /livez}, {@code /readyz}, {@code /healthz} with the meaning Kubernetes probes expect: ready (and healthy)
 * while this server can serve linearizable reads, which a Raft member without quorum cannot (503 with the reason);
 * live while its local store answers, quorum or not, so that losing quorum never gets the server restarted.
 */
final class HealthProbe {
    /** Under Kubernetes' default probe timeout (1 s): the probe gets the reason rather than a timeout. */
    private static final Duration READY_DEADLINE = Duration.ofMillis(800);
    /** Wedged means far longer than a busy moment: etcd's request timeout. */
    private static final Duration LIVE_DEADLINE = Duration.ofSeconds(5);

    private final Datastore datastore;

    HealthProbe(Datastore datastore) {
        this.datastore = datastore;
    }

    ApiResponse probe(String endpoint) {
        boolean live = endpoint.equals("livez");
        Duration deadline = live ? LIVE_DEADLINE : READY_DEADLINE;
        try {
            CompletableFuture<ProbeResult> check = live ? datastore.live(deadline) : datastore.ready(deadline);
            // the check ends by its own deadline; the margin only guards against a backend that ignores it
            ProbeResult r = check.get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return r.ok() ? ApiResponse.text(200, "ok") : failed(endpoint, r.reason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(endpoint, "interrupted");
        } catch (Exception e) {
            return failed(endpoint, String.valueOf(e.getMessage()));
        }
    }

    private static ApiResponse failed(String endpoint, String reason) {
        String check = endpoint.equals("livez") ? "etcd-serializable-read" : "etcd-linearizable-read";
        return ApiResponse.text(503, "[-]" + check + " failed: " + reason + "\n" + endpoint + " check failed");
    }
}
