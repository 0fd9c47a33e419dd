package dev.cairn.apiserver;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * HTTPS (HTTP/1.1) on the API port. Client certificates are verified against the client CA but optional at the TLS
 * level, so that a request without one gets Kubernetes' 401 Status rather than a failed handshake, and the
 * supervisor routes (HTTP Basic with the token) work without one. Requests run on
 * a small worker pool (they wait on the datastore); the event loop only moves bytes.
 */
final class HttpsListener implements AutoCloseable {
    private static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private final HttpRoutes routes;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService requests;
    private Channel channel;
    /** Read by every new connection; {@link #reloadTls} swaps it, open connections keep the engine they have. */
    private final AtomicReference<SslContext> ssl = new AtomicReference<>();

    HttpsListener(HttpRoutes routes) {
        this.routes = routes;
    }

    /** Binds and returns the bound port. */
    int start(InetSocketAddress address, Path cert, Path key, Path clientCa) throws IOException {
        ssl.set(sslContext(cert, key, clientCa));
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("apiserver-boss", true));
        workers = new NioEventLoopGroup(2, new DefaultThreadFactory("apiserver-io", true));
        requests = Executors.newFixedThreadPool(8, new DefaultThreadFactory("apiserver-request", true));
        try {
            channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(ssl.get().newHandler(ch.alloc()), new HttpServerCodec(),
                                    new HttpObjectAggregator(MAX_BODY_BYTES), new Handler());
                        }
                    }).bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding " + address, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** New connections handshake with these files from now on (renewed certificates); open ones go on as they are. */
    void reloadTls(Path cert, Path key, Path clientCa) throws IOException {
        ssl.set(sslContext(cert, key, clientCa));
    }

    private static SslContext sslContext(Path cert, Path key, Path clientCa) throws IOException {
        return SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK)
                .trustManager(clientCa.toFile()).clientAuth(ClientAuth.OPTIONAL).build();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        if (requests != null) {
            requests.shutdownNow();
        }
        for (EventLoopGroup g : new EventLoopGroup[] {boss, workers}) {
            if (g != null) {
                g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
            byte[] body = new byte[msg.content().readableBytes()];
            msg.content().readBytes(body);
            ApiRequest request = new ApiRequest(msg.method().name(), uri.path(), uri.parameters(),
                    header(msg, HttpHeaderNames.CONTENT_TYPE), header(msg, HttpHeaderNames.ACCEPT), body,
                    user(ctx), header(msg, HttpHeaderNames.AUTHORIZATION), remote(ctx), nodeHeaders(msg));
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            requests.execute(() -> routes.handle(request, new NettyExchange(ctx, keepAlive)));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static String header(FullHttpRequest msg, CharSequence name) {
        String v = msg.headers().get(name);
        return v == null ? "" : v;
    }

    /** The {@code Cairn-Node-*} headers of an agent's certificate request, by lowercase name. */
    private static java.util.Map<String, String> nodeHeaders(FullHttpRequest msg) {
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        for (java.util.Map.Entry<String, String> h : msg.headers()) {
            String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
            if (name.startsWith("cairn-node-")) {
                headers.put(name, h.getValue());
            }
        }
        return headers;
    }

    private static java.net.InetAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** The user of a verified client certificate: CN as the name, the O values as groups. */
    private static ApiRequest.User user(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
                return null;
            }
            return userOf(cert.getSubjectX500Principal().getName());
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static ApiRequest.User userOf(String subjectDn) {
        String name = "";
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(subjectDn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    name = String.valueOf(rdn.getValue());
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return new ApiRequest.User(name, List.copyOf(groups));
    }

    private static final class NettyExchange implements ApiRouter.Exchange {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;

        NettyExchange(ChannelHandlerContext ctx, boolean keepAlive) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
        }

        @Override
        public void respond(ApiResponse r) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(r.code()), Unpooled.wrappedBuffer(r.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
            response.headers().set("Cache-Control", "no-cache, private");
            r.headers().forEach(response.headers()::set);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void repeatWhileOpen(java.time.Duration period, Runnable task) {
            var future = ctx.executor().scheduleWithFixedDelay(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // a failed bookmark is skipped; the stream itself goes on
                }
            }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
            ctx.channel().closeFuture().addListener(f -> future.cancel(false));
        }

        @Override
        public WatchStream.Sink startStream(Runnable onClose, java.time.Duration timeout) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON);
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            response.headers().set("Cache-Control", "no-cache, private");
            ctx.writeAndFlush(response);
            ctx.channel().closeFuture().addListener(f -> onClose.run());
            WatchStream.Sink sink = new WatchStream.Sink() {
                @Override
                public void send(byte[] line) {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(line)));
                }

                @Override
                public void end() {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                }
            };
            if (!timeout.isZero() && !timeout.isNegative()) {
                ctx.executor().schedule(() -> {
                    if (ctx.channel().isActive()) {
                        sink.end();
                    }
                }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return sink;
        }
    }
}
