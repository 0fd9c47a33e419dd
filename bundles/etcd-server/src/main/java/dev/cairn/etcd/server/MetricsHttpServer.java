package dev.cairn.etcd.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The plain-HTTP port etcd serves with {@code --listen-metrics-urls}: {@code /health}, {@code /readyz},
 * {@code /livez}, {@code /version} and {@code /metrics}. Nothing secret is served here.
 *
 * <p>{@code /readyz} and {@code /livez} mean what Kubernetes probes expect: ready while this server can serve
 * linearizable reads (a member without quorum answers 503 with the reason); live while its local store answers,
 * quorum or not, so that losing quorum never makes Kubernetes restart the server.
 */
final class MetricsHttpServer {
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HealthCheck health;
    private final Metrics metrics;
    private Channel channel;

    MetricsHttpServer(HealthCheck health, Metrics metrics) {
        this.health = health;
        this.metrics = metrics;
    }

    /** Binds and returns the bound port; the caller owns {@code group} and shuts it down. */
    int start(InetSocketAddress address, EventLoopGroup group) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new Handler());
                    }
                }).bind(address).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    void stop() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
                send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "Method Not Allowed\n");
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            boolean serializable = "true".equals(first(uri, "serializable"));
            switch (uri.path()) {
                case "/health" -> health.check(serializable).thenAccept(r -> send(ctx, keepAlive,
                        r.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
                        r.json()));
                case "/livez" -> probe(ctx, keepAlive, "livez", "serializable_read", health.live());
                case "/readyz" -> probe(ctx, keepAlive, "readyz", "linearizable_read", health.ready());
                case "/version" -> send(ctx, keepAlive, HttpResponseStatus.OK, JSON, "{\"etcdserver\":\""
                        + EtcdVersion.SERVER + "\",\"etcdcluster\":\"" + EtcdVersion.CLUSTER + "\"}");
                case "/metrics" -> send(ctx, keepAlive, HttpResponseStatus.OK, PROMETHEUS, metrics.scrape());
                default -> send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, TEXT, "404 page not found\n");
            }
        }

        /** etcd's livez/readyz answers: "ok", or the failed check and why. */
        private void probe(ChannelHandlerContext ctx, boolean keepAlive, String endpoint, String check,
                CompletableFuture<HealthCheck.Result> result) {
            result.thenAccept(r -> {
                if (r.healthy()) {
                    send(ctx, keepAlive, HttpResponseStatus.OK, TEXT, "ok");
                } else {
                    send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT,
                            "[-]" + check + " failed: " + r.reason() + "\n" + endpoint + " check failed");
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static String first(QueryStringDecoder uri, String name) {
        var values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
            String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
