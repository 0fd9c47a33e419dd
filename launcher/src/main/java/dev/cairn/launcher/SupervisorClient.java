package dev.cairn.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * HTTPS requests to another server's supervisor API ({@code --server}). Every request but the first
 * {@code /cacerts} trusts only the cluster CA that the token pinned, and authenticates with HTTP Basic as the
 * token's user. Each request times out after {@link #REQUEST_TIMEOUT}, like K3s's client.
 */
final class SupervisorClient {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** A status and body. */
    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The message of a {@code {"error":"..."}} body, else the body itself (shortened). */
        String error() {
            String text = text().strip();
            try {
                Object message = Json.member(Json.parse(text), "error");
                if (message instanceof String error) {
                    return error;
                }
            } catch (IllegalArgumentException notJson) {
                // a plain-text answer: shown as it is
            }
            return text.length() > 200 ? text.substring(0, 200) + "..." : text;
        }
    }

    private final String serverUrl;
    private final HttpClient http;
    private final String authorization;

    private SupervisorClient(String serverUrl, HttpClient http, String authorization) {
        this.serverUrl = serverUrl;
        this.http = http;
        this.authorization = authorization;
    }

    /**
     * {@code GET /cacerts} without verifying the server: the answer is only trusted once its hash matched the
     * token's (or, with a bare-password token, trusted on first use as K3s does).
     */
    static Answer caCertificates(String serverUrl) throws IOException, InterruptedException {
        HttpClient http = client(unverifiedContext());
        HttpRequest request = HttpRequest.newBuilder(URI.create(serverUrl + "/cacerts")).timeout(REQUEST_TIMEOUT)
                .GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body());
    }

    /**
     * A client trusting only the certificates of {@code caBundle} (PEM); the server's certificate must also name
     * the host of {@code serverUrl}.
     */
    static SupervisorClient pinned(String serverUrl, byte[] caBundle, String user, String password) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return new SupervisorClient(serverUrl, client(pinnedContext(caBundle)), "Basic " + credentials);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    Answer post(String path, String json) throws IOException, InterruptedException {
        return post(path, json, REQUEST_TIMEOUT);
    }

    /** A JSON POST that may take longer than {@link #REQUEST_TIMEOUT} (a snapshot of a large store). */
    Answer post(String path, String json, Duration timeout) throws IOException, InterruptedException {
        return send(request(path).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    /** A POST of {@code body} as {@code contentType}, with extra headers (the agent's node name and password). */
    Answer post(String path, String contentType, String body, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return send(request.build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(serverUrl + path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", authorization);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body());
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(REQUEST_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Parses a PEM bundle; {@code IllegalArgumentException} when it holds no certificate. */
    static Collection<? extends Certificate> certificates(byte[] caBundle) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(caBundle));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in it");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static SSLContext pinnedContext(byte[] caBundle) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates(caBundle)) {
                trusted.setCertificateEntry("cluster-ca-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting the cluster CA: " + e, e);
        }
    }

    private static SSLContext unverifiedContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyServer()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e, e);
        }
    }

    /**
     * Accepts any server, without a host name check (an extended trust manager does that check itself, so none
     * is done): only for {@code /cacerts}, whose answer is checked against the token's hash instead.
     */
    private static final class AnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
