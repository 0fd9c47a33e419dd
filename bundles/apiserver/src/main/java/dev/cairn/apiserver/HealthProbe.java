package dev.cairn.apiserver;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.RangeRequest;
import java.util.concurrent.TimeUnit;

/** {@code /livez}, {@code /readyz}, {@code /healthz}: "ok" while the datastore answers a read. */
final class HealthProbe {
    private final Datastore datastore;

    HealthProbe(Datastore datastore) {
        this.datastore = datastore;
    }

    ApiResponse probe(String endpoint) {
        try {
            datastore.range(RangeRequest.builder(KeyRange.single(Bytes.utf8("/registry/health"))).countOnly(true)
                    .serializable(endpoint.equals("livez")).build()).get(2, TimeUnit.SECONDS);
            return ApiResponse.text(200, "ok");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(endpoint, "interrupted");
        } catch (Exception e) {
            return failed(endpoint, String.valueOf(e.getMessage()));
        }
    }

    private static ApiResponse failed(String endpoint, String reason) {
        return ApiResponse.text(500, "[-]etcd failed: " + reason + "\n" + endpoint + " check failed");
    }
}
