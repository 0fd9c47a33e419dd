package dev.cairn.launcher;

import dev.cairn.security.api.JoinToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * An agent's join, as K3s's agent does it: pins the cluster CA with the token (like a joining server), then asks
 * for its kubelet client certificate with its node name and node password (user {@code node}, the token's
 * password), and learns the servers of the cluster. A server that cannot be reached or is not ready (503) is
 * skipped for the next one; an answer that will not change (a wrong token, a refused node password) ends the agent
 * with a message naming what to fix.
 */
final class AgentRegistration {
    static final String NODE_USER = "node";
    static final String PASSWORD_REJECTED = "Node password rejected, duplicate hostname or contents of '%s' may not"
            + " match server node-passwd entry, try a unique --node-name";
    private static final LauncherLog LOG = LauncherLog.of(AgentRegistration.class);
    private static final int OK = 200;
    private static final int UNAUTHORIZED = 401;
    private static final int FORBIDDEN = 403;
    private static final int UNAVAILABLE = 503;

    /** A server that could not answer now; the next one is tried. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /** What the join gave: the pinned CA bundle and the client certificate (PEM, with its CA). */
    record Credentials(byte[] caBundle, String certificatePem) {
    }

    private final AgentFiles files;
    private final JoinToken token;
    private final String nodeName;

    AgentRegistration(AgentFiles files, JoinToken token, String nodeName) {
        this.files = files;
        this.token = token;
        this.nodeName = nodeName;
    }

    /** Pins the CA at {@code url} and obtains the client certificate for {@code keys}. */
    Credentials register(String url, KeyPair keys, String nodePassword)
            throws Unavailable, StartupException, InterruptedException {
        byte[] ca = clusterCa(url);
        SupervisorClient client = SupervisorClient.pinned(url, ca, NODE_USER, token.password());
        String csr = CertificateRequest.pem(keys, "system:node:" + nodeName, "system:nodes");
        SupervisorClient.Answer answer = send(url, () -> client.post("/v1-cairn/client-kubelet.crt",
                "application/pkcs10", csr, Map.of("Cairn-Node-Name", nodeName, "Cairn-Node-Password",
                        nodePassword)));
        switch (answer.status()) {
            case OK:
                return new Credentials(ca, answer.text());
            case UNAUTHORIZED:
                throw new StartupException("the token was refused by " + url + ": wrong password for user "
                        + NODE_USER + " (use the token from <data-dir>/server/token of a server of that cluster)");
            case FORBIDDEN:
                LOG.error("node password refused server=" + url + " node=" + nodeName + " answer=\""
                        + answer.error() + "\"");
                throw new StartupException(String.format(PASSWORD_REJECTED, files.nodePassword()));
            case UNAVAILABLE:
                throw new Unavailable("503 " + answer.error());
            default:
                throw new StartupException("POST " + url + "/v1-cairn/client-kubelet.crt answered "
                        + answer.status() + ": " + answer.error());
        }
    }

    /** The servers' HTTPS URLs that {@code url} knows ({@code GET /v1-cairn/apiservers}). */
    static List<String> servers(String url, byte[] ca, JoinToken token) throws IOException, InterruptedException {
        SupervisorClient client = SupervisorClient.pinned(url, ca, NODE_USER, token.password());
        SupervisorClient.Answer answer = client.get("/v1-cairn/apiservers");
        if (answer.status() != OK) {
            throw new IOException("GET " + url + "/v1-cairn/apiservers answered " + answer.status() + ": "
                    + answer.error());
        }
        List<String> servers = new ArrayList<>();
        try {
            for (Object server : Json.array(Json.parse(answer.text()), "the server list")) {
                String text = Json.string(server, "a server");
                if (text.startsWith("https://")) {
                    servers.add(text);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("GET " + url + "/v1-cairn/apiservers answered something unexpected: "
                    + e.getMessage());
        }
        return servers;
    }

    /**
     * {@code /cacerts} of {@code url}, accepted when its hash is the token's; with a bare-password token, when it
     * is the CA this agent pinned before (or, the first time, on trust, as K3s does).
     */
    private byte[] clusterCa(String url) throws Unavailable, StartupException, InterruptedException {
        SupervisorClient.Answer answer = send(url, () -> SupervisorClient.caCertificates(url));
        if (answer.status() == UNAVAILABLE) {
            throw new Unavailable("503 " + answer.error());
        }
        if (answer.status() != OK) {
            throw new Unavailable("GET /cacerts answered " + answer.status());
        }
        byte[] ca = answer.body();
        try {
            SupervisorClient.certificates(ca);
        } catch (IllegalArgumentException e) {
            throw new StartupException("GET " + url + "/cacerts did not answer a PEM certificate bundle ("
                    + e.getMessage() + "); is " + url + " the HTTPS port of a Cairn server?");
        }
        String serverHash = JoinToken.caHash(ca);
        Optional<String> tokenHash = token.caHash();
        if (tokenHash.isPresent()) {
            if (!tokenHash.get().equalsIgnoreCase(serverHash)) {
                throw new StartupException("token CA hash does not match the Cluster CA certificate hash: "
                        + tokenHash.get() + " != " + serverHash);
            }
            return ca;
        }
        try {
            if (Files.exists(files.serverCa())) {
                byte[] pinned = Files.readAllBytes(files.serverCa());
                if (!JoinToken.caHash(pinned).equals(serverHash)) {
                    throw new StartupException("the Cluster CA of " + url + " is not the one this agent pinned in "
                            + files.serverCa() + " (hash " + JoinToken.caHash(pinned) + " != " + serverHash + ")");
                }
            } else {
                LOG.warn("Cluster CA certificate is not trusted by the host CA bundle, but the token does not"
                        + " include a CA hash. Use the full token from the server's token file"
                        + " (<data-dir>/server/token) to enable Cluster CA validation.");
            }
        } catch (IOException e) {
            throw new StartupException("cannot read " + files.serverCa() + ": " + e.getMessage(), e);
        }
        return ca;
    }

    @FunctionalInterface
    private interface Request {
        SupervisorClient.Answer send() throws IOException, InterruptedException;
    }

    /** Sends a request; a connection that fails or times out is {@link Unavailable}, a TLS failure is final. */
    private static SupervisorClient.Answer send(String url, Request request)
            throws Unavailable, StartupException, InterruptedException {
        try {
            return request.send();
        } catch (SSLException e) {
            throw new StartupException(url + ": TLS: " + e.getMessage() + "; the server's certificate must be issued"
                    + " by the pinned cluster CA and name the host of --server (add it with --tls-san on that"
                    + " server)", e);
        } catch (ConnectException e) {
            throw new Unavailable("connection refused");
        } catch (HttpTimeoutException e) {
            throw new Unavailable("no answer within " + SupervisorClient.REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new Unavailable(e.toString());
        }
    }

    /** Stores what the join gave (0600), so the agent's files show what it runs with. */
    void save(Credentials credentials, KeyPair keys) throws IOException {
        AgentFiles.writePrivate(files.serverCa(), new String(credentials.caBundle(), StandardCharsets.US_ASCII));
        AgentFiles.writePrivate(files.clientCert(), credentials.certificatePem());
        if (!Files.exists(files.clientKey())) {
            AgentFiles.writePrivate(files.clientKey(), keyPem(keys));
        }
    }

    static String keyPem(KeyPair keys) {
        return CertificateRequest.Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded());
    }
}
