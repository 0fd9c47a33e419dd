package dev.cairn.datastore.conversion;

import java.util.concurrent.CompletableFuture;

/**
 * Converts the datastore of a running server, as {@code --cluster-init} does on a restart, while clients stay
 * connected: requests that arrive during the switch wait for it (or fail with a retryable UNAVAILABLE if it takes
 * too long), revisions continue, and open watches continue from their next revision on the new store.
 */
public interface LiveConversion {

    /** The target of {@link #convert}: the embedded, Raft-replicated etcd. */
    String EMBEDDED_ETCD = "etcd";

    /**
     * Converts the server's store to {@code target} ({@link #EMBEDDED_ETCD}). The future fails with a {@link
     * ConversionException} naming the reason when the conversion cannot start (already converted, an external
     * datastore, the target backend not installed) or did not finish; the server then keeps serving from its
     * original store, with nothing lost.
     */
    CompletableFuture<ConversionReport> convert(String target);
}
