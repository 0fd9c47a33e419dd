package dev.cairn.datastore.etcd;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.etcd.pb.Mvcc;
import dev.cairn.etcd.pb.Rpc;
import dev.cairn.etcd.pb.WatchGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Datastore watch as one etcd watch on its own gRPC stream. etcd filters, replays history, attaches prev_kv and
 * cancels on compaction itself; this class turns its responses into listener calls and, when the stream breaks
 * (etcd restarted, a member went away), opens it again from the revision after the last delivered event, so the
 * listener sees no gap and no duplicate.
 */
final class EtcdWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
    private static final long FIRST_RETRY_MS = 100;
    private static final long MAX_RETRY_MS = 2_000;

    private final WatchGrpc.WatchStub stub;
    private final WatchRequest request;
    private final WatchListener listener;
    private final EtcdDatastore store;
    private final ScheduledExecutorService retries;

    /** Held while a listener call runs and while closing: no call starts after {@link #close()} returns. */
    private final Object delivery = new Object();
    /**
     * Written under {@link #delivery}, read without it: the stream side takes {@link #stream} and a listener closing
     * the watch from its callback holds {@link #delivery} and then takes {@link #stream}, so the stream side must
     * never wait for {@link #delivery}.
     */
    private volatile boolean finished;

    /** Guards the request side of the current stream (a gRPC StreamObserver is not thread-safe). */
    private final Object stream = new Object();
    private StreamObserver<Rpc.WatchRequest> requests;
    private volatile long nextRevision;
    private long retryMs = FIRST_RETRY_MS;

    EtcdWatch(WatchGrpc.WatchStub stub, WatchRequest request, WatchListener listener, EtcdDatastore store,
            ScheduledExecutorService retries) {
        this.stub = stub;
        this.request = request;
        this.listener = listener;
        this.store = store;
        this.retries = retries;
        // start 0 means "after what this store has seen": every write this server acknowledged before the call
        this.nextRevision = request.startRevision() > 0 ? request.startRevision() : store.currentRevision() + 1;
    }

    void open() {
        synchronized (stream) {
            if (isFinished()) {
                return;
            }
            Responses responses = new Responses();
            requests = stub.watch(responses);
            responses.call = requests;
            Rpc.WatchCreateRequest.Builder create = Rpc.WatchCreateRequest.newBuilder()
                    .setKey(EtcdMessages.bytes(request.range().key()))
                    .setRangeEnd(EtcdMessages.bytes(request.range().end()))
                    .setStartRevision(nextRevision)
                    .setPrevKv(request.prevKv());
            if (request.noPut()) {
                create.addFilters(Rpc.WatchCreateRequest.FilterType.NOPUT);
            }
            if (request.noDelete()) {
                create.addFilters(Rpc.WatchCreateRequest.FilterType.NODELETE);
            }
            requests.onNext(Rpc.WatchRequest.newBuilder().setCreateRequest(create).build());
        }
    }

    @Override
    public void requestProgress() {
        synchronized (stream) {
            if (requests != null && !isFinished()) {
                requests.onNext(Rpc.WatchRequest.newBuilder()
                        .setProgressRequest(Rpc.WatchProgressRequest.getDefaultInstance()).build());
            }
        }
    }

    @Override
    public void close() {
        synchronized (delivery) {
            finished = true;
        }
        store.forget(this);
        cancelStream("watch closed");
    }

    /** The store is closing: the listener hears why, once. */
    void cancelForClose(String reason) {
        boolean tell;
        synchronized (delivery) {
            tell = !finished;
            finished = true;
            if (tell) {
                listener.onCancelled(0, reason);
            }
        }
        cancelStream(reason);
    }

    private boolean isFinished() {
        return finished;
    }

    private void cancelStream(String why) {
        synchronized (stream) {
            if (requests instanceof ClientCallStreamObserver<Rpc.WatchRequest> call) {
                call.cancel(why, null);
            }
            requests = null;
        }
    }

    private void onResponse(Rpc.WatchResponse r) {
        long revision = r.getHeader().getRevision();
        store.sawRevision(revision);
        if (r.getCanceled()) {
            long compactRevision = r.getCompactRevision();
            if (compactRevision > 0) {
                store.sawCompaction(compactRevision);
            }
            String reason = !r.getCancelReason().isEmpty() ? r.getCancelReason()
                    : compactRevision > 0 ? StoreError.COMPACTED.message() : "etcd cancelled the watch";
            synchronized (delivery) {
                if (finished) {
                    return;
                }
                finished = true;
                listener.onCancelled(compactRevision, reason);
            }
            store.forget(this);
            cancelStream(reason);
            return;
        }
        if (r.getCreated()) {
            retryMs = FIRST_RETRY_MS;
            return;
        }
        if (r.getEventsCount() == 0) {
            // a progress answer: etcd sends a response without events only for progress
            synchronized (delivery) {
                if (!finished) {
                    listener.onProgress(revision);
                }
            }
            return;
        }
        List<Event> events = new ArrayList<>(r.getEventsCount());
        for (Mvcc.Event e : r.getEventsList()) {
            events.add(EtcdMessages.event(e));
        }
        long last = events.get(events.size() - 1).kv().modRevision();
        synchronized (delivery) {
            if (finished) {
                return;
            }
            nextRevision = last + 1;
            listener.onEvents(events, Math.max(revision, last));
        }
    }

    /** The stream ended without a cancel: open it again from where delivery stopped. */
    private void onBroken(Throwable cause) {
        synchronized (stream) {
            requests = null;
        }
        if (isFinished() || store.isClosing()) {
            return;
        }
        long delay = retryMs;
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        // the first break of a series is worth a warning; the retries of an etcd that stays away are not
        String key = Bytes.show(request.range().key());
        if (delay == FIRST_RETRY_MS) {
            LOG.warn("etcd watch broken key={} nextRevision={} retryMs={} cause=\"{}\"", key, nextRevision, delay,
                    String.valueOf(cause));
        } else {
            LOG.debug("etcd watch still broken key={} nextRevision={} retryMs={} cause=\"{}\"", key, nextRevision,
                    delay, String.valueOf(cause));
        }
        try {
            retries.schedule(this::open, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the store closed meanwhile; it cancels this watch itself
        }
    }

    /** Receives one stream's responses; a stream replaced after a break no longer delivers. */
    private final class Responses implements StreamObserver<Rpc.WatchResponse> {
        StreamObserver<Rpc.WatchRequest> call;

        private boolean current() {
            synchronized (stream) {
                return requests == call;
            }
        }

        @Override
        public void onNext(Rpc.WatchResponse value) {
            if (current()) {
                onResponse(value);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (current()) {
                onBroken(t);
            }
        }

        @Override
        public void onCompleted() {
            if (current()) {
                onBroken(new IllegalStateException("etcd closed the watch stream"));
            }
        }
    }
}
