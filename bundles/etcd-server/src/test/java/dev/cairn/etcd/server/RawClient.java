package dev.cairn.etcd.server;

import dev.cairn.etcd.pb.KVGrpc;
import dev.cairn.etcd.pb.Rpc;
import dev.cairn.etcd.pb.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A plain gRPC client on the server's own etcd stubs (jetcd's protos lack watch ids and fragments), for the wire
 * details the real clients do not expose.
 */
final class RawClient implements AutoCloseable {
    static final long WAIT_SECONDS = 20;
    final ManagedChannel channel;

    RawClient(EtcdServerRule server) throws SSLException {
        this(server, true);
    }

    RawClient(EtcdServerRule server, boolean withClientCertificate) throws SSLException {
        var ssl = GrpcSslContexts.forClient().trustManager(server.tls.ca.toFile());
        if (withClientCertificate) {
            ssl.keyManager(server.tls.clientCert.toFile(), server.tls.clientKey.toFile());
        }
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.server.clientPort()).sslContext(ssl.build())
                .maxInboundMessageSize(64 * 1024 * 1024).build();
    }

    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Adds etcd's {@code hasleader=true} (clientv3 WithRequireLeader) to a stub's calls. */
    static <S extends io.grpc.stub.AbstractStub<S>> S requireLeader(S stub) {
        Metadata m = new Metadata();
        m.put(LeaderRequirement.HAS_LEADER, "true");
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    WatchStreamClient watch() {
        return new WatchStreamClient(WatchGrpc.newStub(channel), Integer.MAX_VALUE);
    }

    /** A watch stream that takes no message until {@link WatchStreamClient#request} says so. */
    WatchStreamClient slowWatch() {
        return new WatchStreamClient(WatchGrpc.newStub(channel), 0);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static final class WatchStreamClient implements ClientResponseObserver<Rpc.WatchRequest, Rpc.WatchResponse> {
        final BlockingQueue<Rpc.WatchResponse> responses = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        private final int initialRequest;
        private ClientCallStreamObserver<Rpc.WatchRequest> requests;

        WatchStreamClient(WatchGrpc.WatchStub stub, int initialRequest) {
            this.initialRequest = initialRequest;
            stub.watch(this);
        }

        WatchStreamClient(WatchGrpc.WatchStub stub) {
            this(stub, Integer.MAX_VALUE);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Rpc.WatchRequest> r) {
            requests = r;
            if (initialRequest != Integer.MAX_VALUE) {
                r.disableAutoRequestWithInitial(initialRequest);
            }
        }

        void request(int n) {
            requests.request(n);
        }

        void create(Rpc.WatchCreateRequest.Builder c) {
            requests.onNext(Rpc.WatchRequest.newBuilder().setCreateRequest(c).build());
        }

        void cancel(long id) {
            requests.onNext(Rpc.WatchRequest.newBuilder()
                    .setCancelRequest(Rpc.WatchCancelRequest.newBuilder().setWatchId(id)).build());
        }

        void requestProgress() {
            requests.onNext(Rpc.WatchRequest.newBuilder()
                    .setProgressRequest(Rpc.WatchProgressRequest.getDefaultInstance()).build());
        }

        Rpc.WatchResponse next() throws InterruptedException {
            Rpc.WatchResponse r = responses.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no watch response within " + WAIT_SECONDS + " s; errors " + errors);
            }
            return r;
        }

        Throwable error() throws InterruptedException {
            Throwable t = errors.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (t == null) {
                throw new AssertionError("the watch stream did not fail within " + WAIT_SECONDS + " s");
            }
            return t;
        }

        void close() {
            requests.cancel("test done", null);
        }

        @Override
        public void onNext(Rpc.WatchResponse value) {
            responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onCompleted() {
        }
    }

}
