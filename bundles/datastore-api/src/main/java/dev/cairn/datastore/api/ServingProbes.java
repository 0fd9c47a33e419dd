package dev.cairn.datastore.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The reads behind {@link Datastore#ready} and {@link Datastore#live}. */
final class ServingProbes {
    /** etcd's health key: any key does, a missing one is a valid answer. */
    private static final byte[] HEALTH_KEY = {'h', 'e', 'a', 'l', 't', 'h'};

    private ServingProbes() {
    }

    static CompletableFuture<ProbeResult> ready(Datastore store, Duration deadline) {
        try {
            if (store.alarms().stream().anyMatch(a -> a.type() == Alarm.Type.CORRUPT)) {
                // etcd's readyz data_corruption check: a member whose data diverged must not take traffic
                return CompletableFuture.completedFuture(ProbeResult.failed("alarm CORRUPT is active: this member's"
                        + " data differs from the cluster's; restore it from a snapshot or remove and re-add it"));
            }
            if (!store.cluster().hasLeader()) {
                return CompletableFuture.completedFuture(ProbeResult.failed("no leader: this member cannot reach a"
                        + " majority of the voters (quorum lost or not formed yet), so it cannot serve"
                        + " linearizable reads"));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ProbeResult.failed("store unavailable: " + e.getMessage()));
        }
        return read(store, false, deadline, "linearizable read");
    }

    static CompletableFuture<ProbeResult> live(Datastore store, Duration deadline) {
        return read(store, true, deadline, "serializable read of the local store");
    }

    private static CompletableFuture<ProbeResult> read(Datastore store, boolean serializable, Duration deadline,
            String what) {
        CompletableFuture<RangeResult> read;
        try {
            read = store.range(RangeRequest.builder(KeyRange.single(HEALTH_KEY)).keysOnly(true).limit(1)
                    .serializable(serializable).build());
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        long ms = Math.max(1, deadline.toMillis());
        return read.orTimeout(ms, TimeUnit.MILLISECONDS).handle((r, e) -> e == null ? ProbeResult.OK
                : ProbeResult.failed(what + " failed: " + describe(e, ms)));
    }

    private static String describe(Throwable e, long ms) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof TimeoutException) {
            return "no answer within " + ms + " ms";
        }
        return String.valueOf(c.getMessage());
    }
}
