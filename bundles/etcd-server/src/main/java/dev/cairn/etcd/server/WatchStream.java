package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.etcd.pb.Mvcc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC watch stream multiplexing many watchers, as etcd's {@code serverWatchStream}.
 *
 * <p><b>Ordering.</b> Requests are handled one at a time; a watcher's created response is queued before the watch is
 * registered with the datastore, so it precedes every event of that watcher, and created responses go out in request
 * order. Everything sent goes through one queue.
 *
 * <p><b>Flow control.</b> The queue is drained only while gRPC says the client is ready. When it holds more than
 * {@link Limits#bufferBytes()}, a watcher that receives events is paused instead of buffering them: its datastore
 * watch is closed and it remembers the first revision it has not sent. Once the client has read the queue down to
 * half, paused watchers are registered again from that revision and catch up from history, as etcd moves slow
 * watchers to its unsynced group. If history was compacted meanwhile, the watcher is cancelled with the compact
 * revision, as in etcd. New requests are not read while the queue is over the limit.
 */
final class WatchStream implements StreamObserver<Rpc.WatchRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
    /** etcd's {@code mvcc.ErrEmptyWatcherRange}. */
    static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    /** etcd's {@code mvcc.ErrWatcherDuplicateID}. */
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
    private static final long INVALID_WATCH_ID = -1;
    /** Protobuf framing of one repeated event: a tag byte and up to five length bytes. */
    private static final int EVENT_FRAMING_BYTES = 6;

    /**
     * @param fragmentBytes          responses above this size are split (etcd: max request bytes + 512 KiB)
     * @param bufferBytes            queued bytes above which watchers are paused
     * @param progressNotifyInterval how often progress_notify watchers without events hear the revision
     */
    record Limits(int fragmentBytes, long bufferBytes, Duration progressNotifyInterval) {
    }

    private final Datastore datastore;
    private final ResponseHeaders headers;
    private final Executor executor;
    private final Limits limits;
    private final ServerCallStreamObserver<Rpc.WatchResponse> out;
    private final ScheduledFuture<?> progressTicker;

    private final Object lock = new Object();
    private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
    private final ArrayDeque<Rpc.WatchResponse> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long nextId;
    private boolean closed;
    private boolean inboundPaused;
    private boolean drainScheduled;
    private ProgressRound progressRound;

    WatchStream(Datastore datastore, ResponseHeaders headers, Executor executor, ScheduledExecutorService timers,
            Limits limits, ServerCallStreamObserver<Rpc.WatchResponse> out) {
        this.datastore = datastore;
        this.headers = headers;
        this.executor = executor;
        this.limits = limits;
        this.out = out;
        out.disableAutoRequest();
        out.setOnReadyHandler(this::drain);
        out.setOnCancelHandler(this::close);
        Context.current().addListener(this::onContextCancelled, executor);
        // etcd adds up to 10% jitter so that watchers created together do not all report at once.
        long interval = limits.progressNotifyInterval().toMillis();
        long period = interval + ThreadLocalRandom.current().nextLong(Math.max(1, interval / 10));
        this.progressTicker = timers.scheduleWithFixedDelay(this::progressTick, period, period,
                TimeUnit.MILLISECONDS);
        out.request(1);
    }

    // ---- requests from the client ----

    @Override
    public void onNext(Rpc.WatchRequest request) {
        try {
            switch (request.getRequestUnionCase()) {
                case CREATE_REQUEST -> create(request.getCreateRequest());
                case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
                case PROGRESS_REQUEST -> requestProgressAll();
                default -> {
                    // etcd ignores requests it does not understand rather than ending the stream.
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Ended here, under the stream's lock: left to gRPC, the call would close while a drain still sends.
            fail(e);
            return;
        }
        synchronized (lock) {
            if (queuedBytes > limits.bufferBytes()) {
                inboundPaused = true;
                return;
            }
        }
        out.request(1);
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    /** etcd keeps serving a half-closed watch stream until the client cancels it; so do we. */
    @Override
    public void onCompleted() {
    }

    private void create(Rpc.WatchCreateRequest c) {
        // An empty key is the smallest key, as in etcd.
        byte[] key = c.getKey().isEmpty() ? new byte[] {0} : c.getKey().toByteArray();
        KeyRange range = new KeyRange(key, c.getRangeEnd().toByteArray());
        Watcher watcher;
        synchronized (lock) {
            if (closed) {
                return;
            }
            long current = datastore.currentRevision();
            if (c.getStartRevision() < 0) {
                enqueue(refused(current, StoreError.COMPACTED.message()));
                scheduleDrain();
                return;
            }
            if (range.isEmpty()) {
                enqueue(refused(current, EMPTY_RANGE));
                scheduleDrain();
                return;
            }
            long id;
            if (c.getWatchId() == 0) {
                while (watchers.containsKey(nextId)) {
                    nextId++;
                }
                id = nextId++;
            } else if (watchers.containsKey(c.getWatchId())) {
                enqueue(refused(current, DUPLICATE_ID));
                scheduleDrain();
                return;
            } else {
                id = c.getWatchId();
            }
            boolean noPut = false;
            boolean noDelete = false;
            for (Rpc.WatchCreateRequest.FilterType f : c.getFiltersList()) {
                noPut |= f == Rpc.WatchCreateRequest.FilterType.NOPUT;
                noDelete |= f == Rpc.WatchCreateRequest.FilterType.NODELETE;
            }
            // An explicit next revision, not "0 = from now": a write between reading the current revision and
            // registering the watch must not be missed.
            long start = c.getStartRevision() == 0 ? current + 1 : c.getStartRevision();
            watcher = new Watcher(id, range, c.getPrevKv(), noPut, noDelete, c.getProgressNotify(),
                    c.getFragment(), start);
            watchers.put(id, watcher);
            enqueue(Rpc.WatchResponse.newBuilder().setHeader(headers.at(current)).setWatchId(id).setCreated(true)
                    .build());
        }
        scheduleDrain();
        register(watcher);
    }

    private void cancel(long id) {
        Registration registration;
        synchronized (lock) {
            Watcher w = watchers.remove(id);
            if (w == null) {
                return;
            }
            registration = w.active;
            w.active = null;
            enqueue(Rpc.WatchResponse.newBuilder().setHeader(headers.current()).setWatchId(id).setCanceled(true)
                    .build());
            forgetInProgressRound(id);
        }
        retire(registration);
        scheduleDrain();
    }

    /** etcd's {@code RequestProgressAll}: one response with watch id -1 once every watcher is caught up. */
    private void requestProgressAll() {
        List<Registration> ask = new ArrayList<>();
        synchronized (lock) {
            if (closed || watchers.isEmpty() || progressRound != null) {
                return;
            }
            progressRound = new ProgressRound(new HashSet<>(watchers.keySet()));
            for (Watcher w : watchers.values()) {
                if (w.active != null) {
                    ask.add(w.active);
                }
            }
        }
        // Paused watchers are asked when they are registered again.
        ask.forEach(Registration::requestProgress);
    }

    // ---- the datastore side ----

    private void register(Watcher w) {
        Registration registration;
        WatchRequest request;
        synchronized (lock) {
            if (closed || watchers.get(w.id) != w || w.active != null) {
                return;
            }
            registration = new Registration(w);
            w.active = registration;
            w.paused = false;
            request = new WatchRequest(w.range, w.nextRevision, w.prevKv, w.noPut, w.noDelete);
        }
        try {
            registration.attach(datastore.watch(request, registration));
        } catch (RuntimeException e) {
            onCancelled(registration, 0, GrpcErrors.toStatus(e).getStatus().getDescription());
            return;
        }
        boolean wantsProgress;
        synchronized (lock) {
            wantsProgress = w.active == registration && (w.progressNotifyWanted
                    || progressRound != null && progressRound.waiting.contains(w.id));
        }
        if (wantsProgress) {
            registration.requestProgress();
        }
    }

    private void onEvents(Registration registration, List<Event> events, long revision) {
        if (events.isEmpty()) {
            return;
        }
        synchronized (lock) {
            Watcher w = registration.watcher;
            if (closed || w.active != registration) {
                return;
            }
            if (queuedBytes > limits.bufferBytes()) {
                // The client reads slower than the store changes: stop taking events, catch up later.
                w.active = null;
                w.paused = true;
                w.nextRevision = events.get(0).kv().modRevision();
                LOG.debug("event=watcher_paused watch_id={} next_revision={} queued_bytes={}", w.id,
                        w.nextRevision, queuedBytes);
            } else {
                for (Rpc.WatchResponse r : eventResponses(w, events, revision)) {
                    enqueue(r);
                }
                w.nextRevision = events.get(events.size() - 1).kv().modRevision() + 1;
                w.eventsSinceTick = true;
                registration = null;
            }
        }
        if (registration != null) {
            retire(registration);
        } else {
            scheduleDrain();
        }
    }

    private void onProgress(Registration registration, long revision) {
        synchronized (lock) {
            Watcher w = registration.watcher;
            if (closed || w.active != registration) {
                return;
            }
            if (w.progressNotifyWanted) {
                w.progressNotifyWanted = false;
                enqueue(Rpc.WatchResponse.newBuilder().setHeader(headers.at(revision)).setWatchId(w.id).build());
            }
            if (progressRound != null && progressRound.waiting.remove(w.id)) {
                progressRound.revision = Math.min(progressRound.revision, revision);
                finishProgressRoundIfDone();
            }
        }
        scheduleDrain();
    }

    private void onCancelled(Registration registration, long compactRevision, String reason) {
        synchronized (lock) {
            Watcher w = registration.watcher;
            if (closed || w.active != registration) {
                return;
            }
            watchers.remove(w.id);
            w.active = null;
            Rpc.WatchResponse.Builder b = Rpc.WatchResponse.newBuilder().setHeader(headers.current())
                    .setWatchId(w.id).setCanceled(true);
            if (compactRevision > 0) {
                b.setCompactRevision(compactRevision);
            } else {
                b.setCancelReason(reason == null ? "" : reason);
            }
            enqueue(b.build());
            forgetInProgressRound(w.id);
        }
        // No further callback follows; closing releases whatever the datastore still holds for it.
        retire(registration);
        scheduleDrain();
    }

    /** etcd's progress ticker: a watcher that sent no events during a whole interval hears the revision. */
    private void progressTick() {
        List<Registration> ask = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (Watcher w : watchers.values()) {
                if (!w.progressNotify) {
                    continue;
                }
                if (!w.eventsSinceTick) {
                    w.progressNotifyWanted = true;
                    if (w.active != null) {
                        ask.add(w.active);
                    }
                }
                w.eventsSinceTick = false;
            }
        }
        ask.forEach(Registration::requestProgress);
    }

    private void forgetInProgressRound(long id) {
        if (progressRound != null && progressRound.waiting.remove(id)) {
            finishProgressRoundIfDone();
        }
    }

    private void finishProgressRoundIfDone() {
        if (!progressRound.waiting.isEmpty()) {
            return;
        }
        if (progressRound.revision != Long.MAX_VALUE) {
            enqueue(Rpc.WatchResponse.newBuilder().setHeader(headers.at(progressRound.revision))
                    .setWatchId(INVALID_WATCH_ID).build());
        }
        progressRound = null;
    }

    // ---- sending ----

    private void enqueue(Rpc.WatchResponse r) {
        queue.add(r);
        queuedBytes += r.getSerializedSize();
    }

    /** Sends from a server thread: serializing large responses must not hold up a datastore thread. */
    private void scheduleDrain() {
        synchronized (lock) {
            if (drainScheduled || closed) {
                return;
            }
            drainScheduled = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            close();
        }
    }

    private void drain() {
        List<Watcher> resume = new ArrayList<>();
        boolean readMore = false;
        synchronized (lock) {
            drainScheduled = false;
            if (closed) {
                return;
            }
            while (!queue.isEmpty() && out.isReady()) {
                Rpc.WatchResponse r = queue.poll();
                queuedBytes -= r.getSerializedSize();
                out.onNext(r);
            }
            if (queuedBytes <= limits.bufferBytes() / 2) {
                for (Watcher w : watchers.values()) {
                    if (w.paused) {
                        w.paused = false;
                        resume.add(w);
                        LOG.debug("event=watcher_resumed watch_id={} next_revision={}", w.id, w.nextRevision);
                    }
                }
                readMore = inboundPaused;
                inboundPaused = false;
            }
        }
        if (readMore) {
            out.request(1);
        }
        resume.forEach(this::register);
    }

    /**
     * Events as responses: all events of one revision stay in one response; responses are cut at revision
     * boundaries once they exceed the fragment size, and a single revision still larger than that is split into
     * fragments when the watcher asked for them (etcd's {@code sendFragments}).
     */
    private List<Rpc.WatchResponse> eventResponses(Watcher w, List<Event> events, long revision) {
        Rpc.ResponseHeader header = headers.at(revision);
        List<Rpc.WatchResponse> responses = new ArrayList<>();
        List<Mvcc.Event> batch = new ArrayList<>();
        long batchBytes = 0;
        int i = 0;
        while (i < events.size()) {
            long rev = events.get(i).kv().modRevision();
            List<Mvcc.Event> unit = new ArrayList<>();
            long unitBytes = 0;
            while (i < events.size() && events.get(i).kv().modRevision() == rev) {
                Mvcc.Event e = ProtoMapper.event(events.get(i++));
                unit.add(e);
                unitBytes += e.getSerializedSize() + EVENT_FRAMING_BYTES;
            }
            if (!batch.isEmpty() && batchBytes + unitBytes > limits.fragmentBytes()) {
                responses.add(eventsResponse(w.id, header, batch, false));
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.addAll(unit);
            batchBytes += unitBytes;
        }
        if (batchBytes > limits.fragmentBytes() && w.fragment && batch.size() > 1) {
            responses.addAll(fragments(w.id, header, batch));
        } else {
            responses.add(eventsResponse(w.id, header, batch, false));
        }
        return responses;
    }

    private List<Rpc.WatchResponse> fragments(long id, Rpc.ResponseHeader header, List<Mvcc.Event> events) {
        List<Rpc.WatchResponse> out = new ArrayList<>();
        List<Mvcc.Event> part = new ArrayList<>();
        long bytes = 0;
        for (Mvcc.Event e : events) {
            long size = e.getSerializedSize() + EVENT_FRAMING_BYTES;
            if (!part.isEmpty() && bytes + size > limits.fragmentBytes()) {
                out.add(eventsResponse(id, header, part, true));
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(e);
            bytes += size;
        }
        out.add(eventsResponse(id, header, part, false));
        return out;
    }

    private static Rpc.WatchResponse eventsResponse(long id, Rpc.ResponseHeader header, List<Mvcc.Event> events,
            boolean fragment) {
        return Rpc.WatchResponse.newBuilder().setHeader(header).setWatchId(id).addAllEvents(events)
                .setFragment(fragment).build();
    }

    /** etcd's answer to a create it refuses: watch id -1, created and canceled at once, with the reason. */
    private Rpc.WatchResponse refused(long revision, String reason) {
        return Rpc.WatchResponse.newBuilder().setHeader(headers.at(revision)).setWatchId(INVALID_WATCH_ID)
                .setCreated(true).setCanceled(true).setCancelReason(reason).build();
    }

    // ---- teardown ----

    private void onContextCancelled(Context context) {
        if (LeaderRequirement.lostLeader(context)) {
            synchronized (lock) {
                if (!closed) {
                    out.onError(GrpcErrors.NO_LEADER);
                }
            }
        }
        close();
    }

    private void fail(Throwable error) {
        synchronized (lock) {
            if (!closed) {
                Replies.fail(out, error);
            }
        }
        close();
    }

    /** Client gone, leader lost or server stopping: every datastore watch of the stream is closed. */
    private void close() {
        List<Registration> registrations = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Watcher w : watchers.values()) {
                if (w.active != null) {
                    registrations.add(w.active);
                    w.active = null;
                }
            }
            watchers.clear();
            queue.clear();
            queuedBytes = 0;
            progressRound = null;
        }
        progressTicker.cancel(false);
        registrations.forEach(Registration::close);
    }

    /** Closes a datastore watch off the calling thread: it may be that watch's own callback. */
    private void retire(Registration registration) {
        if (registration == null) {
            return;
        }
        try {
            executor.execute(registration::close);
        } catch (RejectedExecutionException stopping) {
            registration.close();
        }
    }

    /** One watcher of the stream; guarded by the stream's lock. */
    private static final class Watcher {
        final long id;
        final KeyRange range;
        final boolean prevKv;
        final boolean noPut;
        final boolean noDelete;
        final boolean progressNotify;
        final boolean fragment;
        /** The first revision not yet queued for the client. */
        long nextRevision;
        /** The current datastore registration; null while paused or once cancelled. */
        Registration active;
        boolean paused;
        boolean eventsSinceTick;
        boolean progressNotifyWanted;

        Watcher(long id, KeyRange range, boolean prevKv, boolean noPut, boolean noDelete, boolean progressNotify,
                boolean fragment, long nextRevision) {
            this.id = id;
            this.range = range;
            this.prevKv = prevKv;
            this.noPut = noPut;
            this.noDelete = noDelete;
            this.progressNotify = progressNotify;
            this.fragment = fragment;
            this.nextRevision = nextRevision;
        }

        @Override
        public String toString() {
            return "watcher " + id + " " + Bytes.show(range.key());
        }
    }

    /**
     * One datastore watch behind a watcher. Callbacks of a registration that is no longer the watcher's active one
     * are ignored; closing is safe in either order with {@link #attach}.
     */
    private final class Registration implements WatchListener {
        final Watcher watcher;
        private volatile Watch handle;
        private volatile boolean closeRequested;
        private final AtomicBoolean closedOnce = new AtomicBoolean();

        Registration(Watcher watcher) {
            this.watcher = watcher;
        }

        void attach(Watch h) {
            handle = h;
            if (closeRequested && closedOnce.compareAndSet(false, true)) {
                h.close();
            }
        }

        void close() {
            closeRequested = true;
            Watch h = handle;
            if (h != null && closedOnce.compareAndSet(false, true)) {
                h.close();
            }
        }

        void requestProgress() {
            Watch h = handle;
            if (h != null && !closeRequested) {
                h.requestProgress();
            }
        }

        @Override
        public void onEvents(List<Event> events, long revision) {
            WatchStream.this.onEvents(this, events, revision);
        }

        @Override
        public void onProgress(long revision) {
            WatchStream.this.onProgress(this, revision);
        }

        @Override
        public void onCancelled(long compactRevision, String reason) {
            WatchStream.this.onCancelled(this, compactRevision, reason);
        }
    }

    /** A pending {@code WatchProgressRequest}: the watchers yet to confirm, and the lowest revision confirmed. */
    private static final class ProgressRound {
        final Set<Long> waiting;
        long revision = Long.MAX_VALUE;

        ProgressRound(Set<Long> waiting) {
            this.waiting = waiting;
        }
    }
}
