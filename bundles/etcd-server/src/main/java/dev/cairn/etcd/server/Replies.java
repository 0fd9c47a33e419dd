package dev.cairn.etcd.server;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers unary calls from datastore futures. Completions hop to the server's executor so that building and
 * serializing a response never runs on a datastore thread (the SQLite writer, the Raft apply loop).
 */
final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private final Executor executor;

    Replies(Executor executor) {
        this.executor = executor;
    }

    Executor executor() {
        return executor;
    }

    /**
     * Runs {@code call} (validation included: anything it throws becomes the call's error) and answers with
     * {@code toResponse} of its result.
     */
    <T, R> void reply(StreamObserver<R> observer, Supplier<CompletableFuture<T>> call, Function<T, R> toResponse) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            fail(observer, e);
            return;
        }
        future.whenCompleteAsync((value, error) -> {
            if (error != null) {
                fail(observer, error);
                return;
            }
            R response;
            try {
                response = toResponse.apply(value);
            } catch (RuntimeException e) {
                fail(observer, e);
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        }, executor);
    }

    /** Answers at once with a response computed here; anything thrown becomes the call's error. */
    <R> void now(StreamObserver<R> observer, Supplier<R> response) {
        R r;
        try {
            r = response.get();
        } catch (RuntimeException e) {
            fail(observer, e);
            return;
        }
        observer.onNext(r);
        observer.onCompleted();
    }

    static void fail(StreamObserver<?> observer, Throwable error) {
        StatusRuntimeException s = GrpcErrors.toStatus(error);
        if (GrpcErrors.isUnexpected(error)) {
            LOG.warn("event=request_failed code={} error=\"{}\"", s.getStatus().getCode(),
                    s.getStatus().getDescription(), error);
        }
        observer.onError(s);
    }
}
