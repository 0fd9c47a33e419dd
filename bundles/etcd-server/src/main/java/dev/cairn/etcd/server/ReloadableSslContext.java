package dev.cairn.etcd.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * A server {@link SslContext} whose certificate can be replaced while the port stays open. gRPC's
 * {@code NettyServerBuilder} takes one fixed SslContext (its other hook, {@code protocolNegotiator}, is a gRPC
 * internal API), but it asks that context for a new {@link SSLEngine} on every accepted connection: delegating to
 * the current context there means new connections handshake with the new certificate, while established ones keep
 * the engine, and so the session, they started with.
 */
final class ReloadableSslContext extends SslContext {

    private volatile SslContext current;

    ReloadableSslContext(SslContext initial) {
        current = requireServer(initial);
    }

    /** New connections use {@code next} from now on; connections already open are left alone. */
    void replace(SslContext next) {
        current = requireServer(next);
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public List<String> cipherSuites() {
        return current.cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return current.applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return current.newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return current.newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return current.sessionContext();
    }

    private static SslContext requireServer(SslContext context) {
        if (Objects.requireNonNull(context, "context").isClient()) {
            throw new IllegalArgumentException("a server SslContext is required");
        }
        return context;
    }
}
