package dev.cairn.etcd.server;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;

/**
 * The one table from datastore errors to gRPC statuses, plus the etcd errors the server raises itself (membership,
 * auth, leadership). Messages are etcd's, byte for byte: clients match on them ({@code rpctypes.errStringToError}).
 */
final class GrpcErrors {
    static final StatusRuntimeException NO_LEADER = of(StoreError.NO_LEADER);
    static final StatusRuntimeException INVALID_SORT = of(StoreError.INVALID_SORT);
    static final StatusRuntimeException REQUEST_TOO_LARGE = of(StoreError.REQUEST_TOO_LARGE);

    static final StatusRuntimeException MEMBER_NOT_ENOUGH_STARTED = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: re-configuration failed due to not enough started members");
    static final StatusRuntimeException MEMBER_BAD_URLS = status(Status.Code.INVALID_ARGUMENT,
            "etcdserver: given member URLs are invalid");
    static final StatusRuntimeException PEER_URL_EXISTS = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: Peer URLs already exists");
    static final StatusRuntimeException MEMBER_NOT_FOUND = of(StoreError.MEMBER_NOT_FOUND);
    static final StatusRuntimeException MEMBER_NOT_LEARNER = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: can only promote a learner member");
    static final StatusRuntimeException NOT_LEADER = of(StoreError.NOT_LEADER);
    static final StatusRuntimeException BAD_LEADER_TRANSFEREE = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: bad leader transferee");
    static final StatusRuntimeException UNSUPPORTED = of(StoreError.UNSUPPORTED);

    static final StatusRuntimeException AUTH_NOT_ENABLED = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: authentication is not enabled");
    static final StatusRuntimeException ROOT_USER_NOT_EXIST = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: root user does not exist");
    static final StatusRuntimeException USER_EMPTY = status(Status.Code.INVALID_ARGUMENT,
            "etcdserver: user name is empty");
    static final StatusRuntimeException USER_NOT_FOUND = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: user name not found");
    static final StatusRuntimeException ROLE_EMPTY = status(Status.Code.INVALID_ARGUMENT,
            "etcdserver: role name is empty");
    static final StatusRuntimeException ROLE_NOT_FOUND = status(Status.Code.FAILED_PRECONDITION,
            "etcdserver: role name not found");
    static final StatusRuntimeException PERMISSION_NOT_GIVEN = status(Status.Code.INVALID_ARGUMENT,
            "etcdserver: permission not given");
    static final StatusRuntimeException NOT_CAPABLE = status(Status.Code.UNAVAILABLE, "etcdserver: not capable");

    /** etcd's answer when a watch stream ends because the client went away. */
    static final StatusRuntimeException WATCH_CANCELED = status(Status.Code.CANCELLED, "etcdserver: watch canceled");
    static final StatusRuntimeException REQUEST_CANCELED = status(Status.Code.CANCELLED,
            "etcdserver: request canceled");

    /*
     * The lock and election services run etcd's client-side recipes; etcd returns their plain Go errors, which
     * grpc-go sends as code Unknown with the error text. jetcd matches these texts.
     */
    static final StatusRuntimeException ELECTION_NOT_LEADER = status(Status.Code.UNKNOWN, "election: not leader");
    static final StatusRuntimeException ELECTION_NO_LEADER = status(Status.Code.UNKNOWN, "election: no leader");
    static final StatusRuntimeException MISSING_LEADER_KEY = status(Status.Code.UNKNOWN,
            "\"leader\" field must be provided");
    static final StatusRuntimeException SESSION_EXPIRED = status(Status.Code.UNKNOWN, "mutex: session is expired");

    private GrpcErrors() {
    }

    /** The status for any failure of a datastore call; anything not a datastore error is Unknown, as in etcd. */
    static StatusRuntimeException toStatus(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof StatusRuntimeException s) {
            return s;
        }
        if (c instanceof CancellationException) {
            return REQUEST_CANCELED;
        }
        DatastoreException d = DatastoreException.of(c);
        return status(Status.Code.valueOf(d.error().grpcCode()), d.getMessage());
    }

    static StatusRuntimeException of(StoreError e) {
        return status(Status.Code.valueOf(e.grpcCode()), e.message());
    }

    /** True when {@code t} is the given etcd error, whichever form it travelled in. */
    static boolean is(Throwable t, StoreError e) {
        Throwable c = unwrap(t);
        return c instanceof DatastoreException d && d.error() == e;
    }

    /** True for failures worth a log line: storage errors and bugs, not the etcd errors clients cause. */
    static boolean isUnexpected(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof StatusRuntimeException || c instanceof CancellationException) {
            return false;
        }
        return !(c instanceof DatastoreException d) || d.error() == StoreError.INTERNAL;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static StatusRuntimeException status(Status.Code code, String message) {
        return Status.fromCode(code).withDescription(message).asRuntimeException();
    }
}
