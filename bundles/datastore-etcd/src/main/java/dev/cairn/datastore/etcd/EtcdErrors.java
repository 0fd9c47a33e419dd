package dev.cairn.datastore.etcd;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns what the external etcd answered into the Datastore's errors. etcd's own errors carry its message text as
 * the gRPC description, the same text {@link StoreError} holds, so they map back one to one; transport failures
 * name the endpoints.
 */
final class EtcdErrors {
    private static final Map<String, StoreError> BY_MESSAGE = new HashMap<>();

    static {
        for (StoreError e : StoreError.values()) {
            BY_MESSAGE.put(e.message(), e);
        }
    }

    private final String endpoints;

    EtcdErrors(String endpoints) {
        this.endpoints = endpoints;
    }

    /** @param closing true once the store is closing: a cancelled or cut call is then STOPPED */
    DatastoreException map(Throwable failure, boolean closing) {
        if (failure instanceof DatastoreException d) {
            return d;
        }
        Status status = Status.fromThrowable(failure);
        String description = status.getDescription();
        StoreError known = description == null ? null : BY_MESSAGE.get(description);
        if (known != null) {
            return known.exception();
        }
        if (closing && (status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.UNAVAILABLE)) {
            return StoreError.STOPPED.exception();
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return StoreError.TIMEOUT.exception();
        }
        String what = status.getCode() == Status.Code.UNAVAILABLE ? "external etcd unreachable at " + endpoints
                : "external etcd at " + endpoints + " answered " + status.getCode();
        return new DatastoreException(StoreError.INTERNAL, what + ": " + description
                + (status.getCause() != null ? " (" + status.getCause() + ")" : ""), failure);
    }
}
