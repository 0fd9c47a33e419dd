package dev.cairn.etcd.server;

import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends a server stream's messages in the order they were given, from the server's executor, whichever threads
 * produce them (datastore callbacks must not serialize responses). Once closed, nothing more is sent.
 */
final class OrderedSender<T> {
    private final StreamObserver<T> out;
    private final Executor executor;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private Throwable failure;
    private boolean scheduled;
    private boolean closed;

    OrderedSender(StreamObserver<T> out, Executor executor) {
        this.out = out;
        this.executor = executor;
    }

    void send(T message) {
        synchronized (this) {
            if (closed || failure != null) {
                return;
            }
            queue.add(message);
        }
        schedule();
    }

    /** Ends the stream with {@code error} after the messages already given. */
    void fail(Throwable error) {
        synchronized (this) {
            if (closed || failure != null) {
                return;
            }
            failure = error;
        }
        schedule();
    }

    /** The client is gone: drop everything. */
    synchronized void close() {
        closed = true;
        queue.clear();
    }

    private void schedule() {
        synchronized (this) {
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            close();
        }
    }

    private synchronized void drain() {
        scheduled = false;
        while (!closed && !queue.isEmpty()) {
            out.onNext(queue.poll());
        }
        if (!closed && failure != null) {
            closed = true;
            Replies.fail(out, failure);
        }
    }
}
