package dev.cairn.launcher;

import dev.cairn.security.api.JoinToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server running on a data dir, as the commands that act on it ({@code cairn etcd-snapshot}, {@code cairn
 * datastore convert}) reach it: the supervisor URL the server keeps in {@code <data-dir>/server/supervisor.url} while
 * it runs, trusted through the cluster CA in {@code server/tls/server-ca.crt} and authenticated as the server user with the password of
 * {@code server/token} (so only someone who can read the data dir can act).
 */
final class RunningServer {
    /** Written by the apiserver bundle once its HTTPS port is bound, removed when it stops. */
    static final String URL_FILE = "supervisor.url";

    private final Path dataDir;
    private final String url;
    private final SupervisorClient client;

    private RunningServer(Path dataDir, String url, SupervisorClient client) {
        this.dataDir = dataDir;
        this.url = url;
        this.client = client;
    }

    static RunningServer of(Path dataDir) throws ServerCommandException {
        Path server = dataDir.toAbsolutePath().resolve("server");
        String url = read(server.resolve(URL_FILE), dataDir).trim();
        byte[] ca;
        try {
            ca = Files.readAllBytes(server.resolve("tls").resolve("server-ca.crt"));
        } catch (IOException e) {
            throw new ServerCommandException("cannot read the cluster CA " + server.resolve("tls/server-ca.crt")
                    + ": " + e.getMessage());
        }
        String password;
        try {
            password = JoinToken.parse(read(server.resolve("token"), dataDir).trim()).password();
        } catch (IllegalArgumentException e) {
            throw new ServerCommandException("the token in " + server.resolve("token") + " is not valid: "
                    + e.getMessage());
        }
        return new RunningServer(dataDir, url, SupervisorClient.pinned(url, ca, "server", password));
    }

    private static String read(Path file, Path dataDir) throws ServerCommandException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ServerCommandException("no running Cairn server uses the data dir " + dataDir + " (" + file
                    + " is missing); start it with 'cairn server --data-dir " + dataDir + "' or pass the data dir"
                    + " of the running server with --data-dir");
        } catch (IOException e) {
            throw new ServerCommandException("cannot read " + file + ": " + e.getMessage()
                    + " (run this command as the user the server runs as)");
        }
    }

    /** POSTs {@code json} and returns the answer's body; a refusal's message becomes the exception's. */
    String post(String path, String json, Duration timeout) throws ServerCommandException {
        SupervisorClient.Answer answer;
        try {
            answer = client.post(path, json, timeout);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ServerCommandException("the Cairn server of " + dataDir + " does not answer at " + url
                    + " (" + e.getMessage() + "); is it running?", e);
        } catch (IOException e) {
            throw new ServerCommandException("request to the Cairn server at " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerCommandException("interrupted while waiting for the server at " + url, e);
        }
        if (answer.status() != 200) {
            throw new ServerCommandException(answer.error());
        }
        return answer.text();
    }
}
