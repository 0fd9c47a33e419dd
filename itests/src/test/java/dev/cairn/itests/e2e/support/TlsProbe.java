package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens a TLS connection to a gRPC port the way a gRPC client does (ALPN h2) and says whether the server accepted
 * it. With TLS 1.3 the server judges the client certificate only after the client's handshake has finished, so the
 * probe also sends the HTTP/2 preface and waits for the server's first frame: a server that refused the certificate
 * answers with an alert or closes the connection instead.
 */
public final class TlsProbe {

    public enum Outcome { ACCEPTED, REFUSED, UNREACHABLE }

    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private TlsProbe() {
    }

    /** The outcome plus, for a refusal, what the client saw. */
    public record Result(Outcome outcome, String detail) {
    }

    public static Result connect(String host, int port, ClientTls tls, Duration timeout) {
        int millis = (int) timeout.toMillis();
        try (Socket plain = new Socket()) {
            try {
                plain.connect(new InetSocketAddress(host, port), millis);
            } catch (ConnectException | SocketTimeoutException e) {
                return new Result(Outcome.UNREACHABLE, e.toString());
            }
            plain.setSoTimeout(millis);
            try (SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory()
                    .createSocket(plain, host, port, true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2"});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(HTTP2_PREFACE);
                out.write(EMPTY_SETTINGS);
                out.flush();
                InputStream in = socket.getInputStream();
                return in.read() >= 0 ? new Result(Outcome.ACCEPTED, "server answered the HTTP/2 preface")
                        : new Result(Outcome.REFUSED, "server closed the connection after the handshake");
            } catch (SSLException e) {
                return new Result(Outcome.REFUSED, e.toString());
            } catch (SocketTimeoutException e) {
                return new Result(Outcome.UNREACHABLE, "no answer within " + millis + " ms: " + e);
            }
        } catch (IOException e) {
            // a reset while the server tears down a refused connection is a refusal, too
            return new Result(Outcome.REFUSED, e.toString());
        }
    }
}
