package dev.cairn.itests.e2e.support;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.util.concurrent.TimeUnit;

/** jetcd clients and raw gRPC channels for an endpoint, over TLS with its client certificate when it has one. */
public final class EtcdClients {

    private EtcdClients() {
    }

    public static Client jetcd(EtcdEndpoint server) {
        return jetcdBuilder(server).build();
    }

    public static ClientBuilder jetcdBuilder(EtcdEndpoint server) {
        ClientBuilder builder = Client.builder().endpoints(server.clientUrl());
        server.tls().ifPresent(tls -> builder.sslContext(tls.nettySslContext()));
        return builder;
    }

    /** A channel for the etcd gRPC stubs (io.etcd.jetcd.api.*Grpc), to send requests jetcd cannot build. */
    public static ManagedChannel channel(EtcdEndpoint server) {
        return server.tls().map(tls -> channel(server, tls)).orElseGet(() ->
                NettyChannelBuilder.forAddress(server.address(), server.clientPort()).usePlaintext()
                        .maxInboundMessageSize(Integer.MAX_VALUE).build());
    }

    /** A channel presenting the given TLS files (for instance without a client certificate). */
    public static ManagedChannel channel(EtcdEndpoint server, ClientTls tls) {
        return NettyChannelBuilder.forAddress(server.address(), server.clientPort())
                .sslContext(tls.nettySslContext()).maxInboundMessageSize(Integer.MAX_VALUE).build();
    }

    public static void close(ManagedChannel channel) {
        if (channel == null) {
            return;
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
