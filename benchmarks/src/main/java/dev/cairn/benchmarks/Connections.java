package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The gRPC channels of one run: {@code --conns} channels (one TCP connection each) spread round-robin over the
 * endpoints. Client {@code c} uses channel {@code c % conns}, as etcd's benchmark does.
 */
final class Connections implements AutoCloseable {

    private static final long DIAL_TIMEOUT_SECONDS = 10;

    private final List<ManagedChannel> channels;

    private Connections(List<ManagedChannel> channels) {
        this.channels = channels;
    }

    static Connections open(Benchmark options) {
        options.validate();
        List<Endpoint> endpoints = options.endpoints.stream().map(Endpoint::parse).toList();
        SslContext ssl = null;
        List<ManagedChannel> channels = new ArrayList<>(options.conns);
        for (int i = 0; i < options.conns; i++) {
            Endpoint endpoint = endpoints.get(i % endpoints.size());
            NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                    // Callbacks run on the Netty event loop: the next request leaves without a thread hop.
                    .directExecutor()
                    .maxInboundMessageSize(Integer.MAX_VALUE);
            if (endpoint.usesTls(options.cacert != null)) {
                if (ssl == null) {
                    ssl = sslContext(options);
                }
                builder.sslContext(ssl);
            } else {
                builder.usePlaintext();
            }
            channels.add(builder.build());
        }
        Connections connections = new Connections(channels);
        try {
            connections.connectAll(endpoints);
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
        return connections;
    }

    ManagedChannel channel(int client) {
        return channels.get(client % channels.size());
    }

    /**
     * Connects every channel (TCP and TLS handshakes) before the clock starts, with one small serializable
     * count-only Range each, so that set-up cost is not measured and a bad endpoint fails fast.
     */
    private void connectAll(List<Endpoint> endpoints) {
        RangeRequest probe = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("benchmark-probe"))
                .setSerializable(true).setCountOnly(true).build();
        for (int i = 0; i < channels.size(); i++) {
            try {
                KVGrpc.newBlockingStub(channels.get(i)).withDeadlineAfter(DIAL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .range(probe);
            } catch (StatusRuntimeException e) {
                Endpoint endpoint = endpoints.get(i % endpoints.size());
                throw new BenchmarkFailure("cannot reach " + endpoint + ": " + ErrorTally.describe(e)
                        + rootCause(e), e);
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == e ? "" : " (" + cause + ")";
    }

    private static SslContext sslContext(Benchmark options) {
        // The JDK provider keeps the client free of native code; TLS cost is the same for every server measured.
        SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
        if (options.cacert != null) {
            builder.trustManager(options.cacert.toFile());
        }
        if (options.cert != null) {
            builder.keyManager(options.cert.toFile(), options.key.toFile());
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot load --cacert/--cert/--key: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
