package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.etcd.pb.Rpc;
import dev.cairn.etcd.pb.WatchGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** etcd's {@code v3rpc/watch.go}: one {@link WatchStream} per gRPC stream. */
final class WatchService extends WatchGrpc.WatchImplBase {
    private final Datastore datastore;
    private final ResponseHeaders headers;
    private final Executor executor;
    private final ScheduledExecutorService timers;
    private final WatchStream.Limits limits;

    WatchService(Datastore datastore, ResponseHeaders headers, Executor executor, ScheduledExecutorService timers,
            WatchStream.Limits limits) {
        this.datastore = datastore;
        this.headers = headers;
        this.executor = executor;
        this.timers = timers;
        this.limits = limits;
    }

    @Override
    public StreamObserver<Rpc.WatchRequest> watch(StreamObserver<Rpc.WatchResponse> responses) {
        return new WatchStream(datastore, headers, executor, timers, limits,
                (ServerCallStreamObserver<Rpc.WatchResponse>) responses);
    }
}
