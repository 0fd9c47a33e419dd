package dev.cairn.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The agent's requests to the Kubernetes API of any server of the cluster, authenticated by its kubelet client
 * certificate. Timeouts are short: a server that does not answer within them is left for the next one, so the
 * agent fails over well inside its 10 s heartbeat.
 */
final class NodeApi {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;

    NodeApi(SSLContext tls) {
        http = HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    SupervisorClient.Answer get(String server, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server + path)).GET());
    }

    SupervisorClient.Answer post(String server, String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** A JSON merge patch (RFC 7386). */
    SupervisorClient.Answer mergePatch(String server, String path, String json)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server + path))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private SupervisorClient.Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
        return new SupervisorClient.Answer(response.statusCode(), response.body());
    }
}
