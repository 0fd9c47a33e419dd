package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;

/** Ratis failures as the etcd errors clients know (etcd's texts, see {@link StoreError}). */
final class RaftErrors {
    private RaftErrors() {
    }

    static DatastoreException of(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof DatastoreException d) {
            return d;
        }
        if (c instanceof RaftRetryFailureException r) {
            // the last attempt's failure says why; none at all means no leader was ever found
            Throwable last = r.getCause();
            return last == null || leaderMissing(unwrap(last)) ? StoreError.NO_LEADER.exception()
                    : new DatastoreException(StoreError.TIMEOUT);
        }
        if (leaderMissing(c)) {
            return StoreError.NO_LEADER.exception();
        }
        if (c instanceof LeaderSteppingDownException || c instanceof TransferLeadershipException) {
            return StoreError.LEADER_CHANGED.exception();
        }
        if (c instanceof TimeoutIOException || c instanceof TimeoutException) {
            return StoreError.TIMEOUT.exception();
        }
        if (c instanceof AlreadyClosedException) {
            return StoreError.STOPPED.exception();
        }
        if (c instanceof ResourceUnavailableException) {
            return StoreError.TOO_MANY_REQUESTS.exception();
        }
        return new DatastoreException(StoreError.INTERNAL, "raft request failed: " + c, c);
    }

    /**
     * Failures worth another try within the request deadline: the leader is not known or not ready yet, or the
     * connection to it failed (gRPC UNAVAILABLE, an I/O error) — but not a closed client or server.
     */
    static boolean isTransient(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof AlreadyClosedException) {
            return false;
        }
        if (leaderMissing(c)) {
            return true;
        }
        if (c instanceof org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException s) {
            return s.getStatus().getCode() == org.apache.ratis.thirdparty.io.grpc.Status.Code.UNAVAILABLE;
        }
        return c instanceof java.io.IOException && !(c instanceof TimeoutIOException);
    }

    private static boolean leaderMissing(Throwable c) {
        return c instanceof NotLeaderException || c instanceof LeaderNotReadyException
                || c instanceof ReadIndexException || c instanceof ServerNotReadyException;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
