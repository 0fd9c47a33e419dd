package dev.cairn.datastore.postgres;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the leases past their deadline and has the writer revoke them. Every server sharing the store runs this;
 * the revoke deletes the lease row only if it is still there and still past its deadline, under the writers' common
 * lock, so whichever server comes first deletes the keys (in one revision) and the others find nothing to do: no key
 * is deleted twice, and a lease renewed in between is left alone.
 */
final class LeaseExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseExpiry.class);
    private static final int BATCH = 100;

    private final ConnectionPool pool;
    private final LeaseTable leases;
    private final LongFunction<CompletableFuture<Boolean>> revokeIfExpired;
    private final Set<Long> revoking = ConcurrentHashMap.newKeySet();

    LeaseExpiry(ConnectionPool pool, LeaseTable leases, LongFunction<CompletableFuture<Boolean>> revokeIfExpired) {
        this.pool = pool;
        this.leases = leases;
        this.revokeIfExpired = revokeIfExpired;
    }

    /** One pass: queues a revoke for each expired lease not already being revoked by this server. */
    void scan() throws SQLException {
        List<Long> expired = pool.read(c -> leases.expired(c, BATCH));
        for (long id : expired) {
            if (!revoking.add(id)) {
                continue;
            }
            revokeIfExpired.apply(id).whenComplete((revoked, failure) -> {
                revoking.remove(id);
                if (failure != null) {
                    LOG.warn("lease expiry failed lease={} error=\"{}\"", Long.toHexString(id), failure.getMessage());
                } else if (revoked) {
                    LOG.debug("lease expired lease={}", Long.toHexString(id));
                }
            });
        }
    }
}
