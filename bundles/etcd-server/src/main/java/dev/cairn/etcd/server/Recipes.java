package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import io.grpc.Context;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The parts of etcd's clientv3 {@code concurrency} package that its server-side Lock and Election services use
 * ({@code v3lock}, {@code v3election}), run against the datastore directly and without blocking a thread.
 */
final class Recipes {
    /** clientv3 {@code concurrency.NewSession}'s TTL when it must grant its own lease. */
    static final long SESSION_TTL = 60;

    private final Datastore datastore;
    private final Executor executor;

    Recipes(Datastore datastore, Executor executor) {
        this.datastore = datastore;
        this.executor = executor;
    }

    Datastore datastore() {
        return datastore;
    }

    /** A session's lease: the given one, or a new {@link #SESSION_TTL} lease for 0 (left to expire: orphaned). */
    CompletableFuture<Long> sessionLease(long lease) {
        if (lease != 0) {
            return CompletableFuture.completedFuture(lease);
        }
        return datastore.leaseGrant(0, SESSION_TTL).thenApply(l -> l.id());
    }

    /** {@code pfx + "%x"} of the lease, as the recipes name their keys. */
    static byte[] ownKey(byte[] prefix, long lease) {
        String hex = lease < 0 ? "-" + Long.toHexString(-lease) : Long.toHexString(lease);
        return concat(prefix, Bytes.utf8(hex));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** clientv3 {@code WithFirstCreate}: the oldest key under the prefix. */
    static RangeRequest firstCreated(byte[] prefix) {
        return RangeRequest.builder(KeyRange.prefix(prefix))
                .sort(RangeRequest.SortTarget.CREATE, RangeRequest.SortOrder.ASCEND).limit(1).build();
    }

    static Compare createRevisionIs(byte[] key, long revision) {
        return Compare.number(KeyRange.single(key), Compare.Target.CREATE, Compare.Result.EQUAL, revision);
    }

    CompletableFuture<Long> delete(byte[] key) {
        return datastore.delete(DeleteRequest.of(KeyRange.single(key))).thenApply(r -> r.revision());
    }

    /**
     * etcd's {@code waitDeletes}: completes with the revision at which no key under {@code prefix} has a create
     * revision at or below {@code maxCreateRevision}, waiting for the newest such key to be deleted, again and
     * again. Fails with a {@link CancellationException} when the call's context is cancelled.
     */
    CompletableFuture<Long> waitDeletes(byte[] prefix, long maxCreateRevision, Context context) {
        RangeRequest lastCreated = RangeRequest.builder(KeyRange.prefix(prefix))
                .sort(RangeRequest.SortTarget.CREATE, RangeRequest.SortOrder.DESCEND).limit(1)
                .createRevisions(0, maxCreateRevision).build();
        return datastore.range(lastCreated).thenCompose((RangeResult r) -> {
            if (r.kvs().isEmpty()) {
                return CompletableFuture.completedFuture(r.revision());
            }
            return waitDelete(r.kvs().get(0).key(), r.revision(), context)
                    .thenCompose(deleted -> waitDeletes(prefix, maxCreateRevision, context));
        });
    }

    /**
     * etcd's {@code waitDelete}: completes once {@code key} is deleted at or after {@code fromRevision}. A watch
     * cut off by compaction completes too: the caller looks again.
     */
    CompletableFuture<Void> waitDelete(byte[] key, long fromRevision, Context context) {
        return watchUntil(KeyRange.single(key), fromRevision, context,
                (e, revision) -> e.type() == Event.Type.DELETE ? Boolean.TRUE : null).thenApply(done -> null);
    }

    /** Decides, event by event, whether a {@link #watchUntil} is done. */
    interface Until<T> {
        /** A non-null result ends the watch with it. */
        T onEvent(Event event, long revision);
    }

    /**
     * Watches {@code range} from {@code fromRevision} until {@code until} returns a result. Completes with null
     * when compaction cut the watch off (the caller reads the current state again), and with a
     * {@link CancellationException} when the call's context is cancelled.
     */
    <T> CompletableFuture<T> watchUntil(KeyRange range, long fromRevision, Context context, Until<T> until) {
        EventWait<T> wait = new EventWait<>(until);
        Context.CancellationListener onCancel = c -> wait.result.completeExceptionally(new CancellationException());
        context.addListener(onCancel, executor);
        wait.result.whenComplete((v, e) -> {
            context.removeListener(onCancel);
            // Off the watch's own callback thread, which may be the one completing.
            try {
                executor.execute(wait::close);
            } catch (RejectedExecutionException stopping) {
                wait.close();
            }
        });
        try {
            wait.attach(datastore.watch(WatchRequest.of(range, fromRevision), wait));
        } catch (RuntimeException e) {
            wait.result.completeExceptionally(e);
        }
        return wait.result;
    }

    private static final class EventWait<T> implements WatchListener {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Until<T> until;
        private volatile Watch handle;
        private volatile boolean closeRequested;
        private final AtomicBoolean closed = new AtomicBoolean();

        EventWait(Until<T> until) {
            this.until = until;
        }

        void attach(Watch h) {
            handle = h;
            if (closeRequested && closed.compareAndSet(false, true)) {
                h.close();
            }
        }

        void close() {
            closeRequested = true;
            Watch h = handle;
            if (h != null && closed.compareAndSet(false, true)) {
                h.close();
            }
        }

        @Override
        public void onEvents(List<Event> events, long revision) {
            for (Event e : events) {
                if (result.isDone()) {
                    return;
                }
                T done;
                try {
                    done = until.onEvent(e, revision);
                } catch (RuntimeException failure) {
                    result.completeExceptionally(failure);
                    return;
                }
                if (done != null) {
                    result.complete(done);
                    return;
                }
            }
        }

        @Override
        public void onProgress(long revision) {
        }

        @Override
        public void onCancelled(long compactRevision, String reason) {
            if (compactRevision > 0) {
                result.complete(null);
            } else {
                result.completeExceptionally(StoreError.STOPPED.exception());
            }
        }
    }
}
