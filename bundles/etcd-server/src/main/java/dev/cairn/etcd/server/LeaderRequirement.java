package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Datastore;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hasleader=true} metadata of clientv3's {@code WithRequireLeader} (etcd {@code v3rpc/interceptor.go}):
 * such calls are refused with "etcdserver: no leader" while the cluster has none, and such streams already open
 * are cancelled once the leader has been missing for three election timeouts. Stream services learn of it through
 * their gRPC {@link Context}: see {@link #lostLeader(Context)}.
 */
final class LeaderRequirement implements ServerInterceptor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderRequirement.class);
    static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);
    /** etcd's default election timeout; streams are cancelled after {@link #MAX_NO_LEADER_CHECKS} of them. */
    private static final long ELECTION_TIMEOUT_MS = 1000;
    private static final int MAX_NO_LEADER_CHECKS = 3;

    private final Datastore datastore;
    private final Set<Context.CancellableContext> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> monitor;
    private int noLeaderChecks;

    LeaderRequirement(Datastore datastore, ScheduledExecutorService timers) {
        this.datastore = datastore;
        this.monitor = timers.scheduleWithFixedDelay(this::checkLeader, ELECTION_TIMEOUT_MS, ELECTION_TIMEOUT_MS,
                TimeUnit.MILLISECONDS);
    }

    /** True when the stream's context was cancelled because the cluster lost its leader. */
    static boolean lostLeader(Context context) {
        return context.cancellationCause() == GrpcErrors.NO_LEADER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!"true".equals(headers.get(HAS_LEADER))) {
            return next.startCall(call, headers);
        }
        if (!datastore.cluster().hasLeader()) {
            call.close(GrpcErrors.NO_LEADER.getStatus(), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        if (call.getMethodDescriptor().getType().serverSendsOneMessage()
                && call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        Context.CancellableContext context = Context.current().withCancellation();
        streams.add(context);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, call, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    release(context);
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    release(context);
                }
            }
        };
    }

    private void release(Context.CancellableContext context) {
        streams.remove(context);
        context.cancel(null);
    }

    private void checkLeader() {
        if (datastore.cluster().hasLeader()) {
            noLeaderChecks = 0;
            return;
        }
        if (++noLeaderChecks < MAX_NO_LEADER_CHECKS) {
            return;
        }
        if (!streams.isEmpty()) {
            LOG.warn("event=streams_cancelled reason=no_leader streams={}", streams.size());
        }
        for (Context.CancellableContext context : streams) {
            streams.remove(context);
            context.cancel(GrpcErrors.NO_LEADER);
        }
    }

    @Override
    public void close() {
        monitor.cancel(false);
    }
}
