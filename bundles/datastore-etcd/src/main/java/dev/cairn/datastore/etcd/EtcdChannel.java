package dev.cairn.datastore.etcd;

import io.grpc.ManagedChannel;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one gRPC channel to the external etcd, with its own Netty event loop and callback threads: they belong to
 * this bundle and are stopped in {@link #close()}, so none outlives it (a thread of a stopped bundle fails on its
 * next class load).
 */
final class EtcdChannel implements AutoCloseable {
    /** Large ranges and watch batches of big values come back whole; etcd caps what it sends itself. */
    private static final int MAX_INBOUND_BYTES = 512 * 1024 * 1024;

    private final EventLoopGroup eventLoop;
    private final ExecutorService callbacks;
    private final ManagedChannel channel;

    @SuppressWarnings("deprecation") // nameResolverFactory: the supported way to hand a fixed address list
    EtcdChannel(EtcdEndpoints endpoints, TlsFiles tls) {
        if (!endpoints.tls() && !tls.isEmpty()) {
            throw new IllegalArgumentException("--datastore-cafile/certfile/keyfile need https:// endpoints, but "
                    + "--datastore-endpoint is " + endpoints);
        }
        eventLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("cairn-etcd-io", true));
        callbacks = Executors.newCachedThreadPool(daemonThreads("cairn-etcd-callback"));
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(EndpointsResolver.SCHEME + ":///endpoints")
                .nameResolverFactory(new EndpointsResolver.Factory(endpoints))
                .defaultLoadBalancingPolicy("pick_first")
                .eventLoopGroup(eventLoop)
                .channelType(NioSocketChannel.class)
                .executor(callbacks)
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS);
        try {
            if (endpoints.tls()) {
                builder.negotiationType(NegotiationType.TLS).sslContext(tls.sslContext());
            } else {
                builder.usePlaintext();
            }
            channel = builder.build();
        } catch (RuntimeException e) {
            eventLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            callbacks.shutdownNow();
            throw e;
        }
    }

    ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
