package dev.cairn.launcher;

import dev.cairn.security.api.JoinToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpTimeoutException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Registers this server with the cluster of {@code --server} before the framework is configured, as K3s does for
 * a server without an etcd database: pins the cluster CA with the token, checks the critical flags, writes the
 * shared CA and credential files, checks the node name, and adds this server as a member. The Raft backend then
 * starts with {@code raft.join=true} and waits for the leader to add it.
 *
 * <p>Requests that fail on the way (connection refused, a timeout, 503 from a server still starting or with a
 * member still joining) are retried every {@code retryInterval} for up to {@code retryLimit}; any other answer
 * ends the join with an error naming what to fix. The token's password is never logged.
 */
final class ClusterJoin {

    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    static final Duration RETRY_LIMIT = Duration.ofSeconds(60);
    static final String TOKEN_REQUIRED = "token is required to join a cluster";
    static final String DUPLICATE_NODE_NAME = "duplicate node name found, please use a unique name for this node";

    private static final LauncherLog LOG = LauncherLog.of(ClusterJoin.class);
    private static final int CREATED = 201;
    private static final int BAD_REQUEST = 400;
    private static final int UNAUTHORIZED = 401;
    private static final int CONFLICT = 409;
    private static final int UNAVAILABLE = 503;

    private final Duration retryInterval;
    private final Duration retryLimit;

    ClusterJoin() {
        this(RETRY_INTERVAL, RETRY_LIMIT);
    }

    ClusterJoin(Duration retryInterval, Duration retryLimit) {
        this.retryInterval = retryInterval;
        this.retryLimit = retryLimit;
    }

    /**
     * True when {@code --server} is set and this server has no embedded-etcd state yet
     * ({@code <data-dir>/server/db/etcd/raft/} absent or empty). Otherwise membership comes from disk and the
     * datastore selector reports the flag it ignores.
     */
    static boolean isNeeded(ServerSettings settings) throws StartupException {
        if (settings.cluster().joinUrl().isEmpty()) {
            return false;
        }
        Path raft = raftDir(settings);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(raft)) {
            return !entries.iterator().hasNext();
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new StartupException("cannot read " + raft + " to see whether this server already holds an etcd "
                    + "database: " + e.getMessage(), e);
        }
    }

    static Path raftDir(ServerSettings settings) {
        return settings.serverDir().resolve("db").resolve("etcd").resolve("raft");
    }

    /** Runs the join; returns the settings to start the framework with ({@code raft.join=true}). */
    ServerSettings join(ServerSettings settings) throws StartupException, InterruptedException {
        String url = settings.cluster().serverUrl();
        if (settings.cluster().token().isEmpty()) {
            throw new StartupException(TOKEN_REQUIRED);
        }
        JoinToken token;
        try {
            token = JoinToken.parse(settings.cluster().token());
        } catch (IllegalArgumentException e) {
            throw new StartupException("failed to validate token: " + e.getMessage());
        }
        LOG.info("joining cluster server=" + url + " node-name=" + settings.nodeName() + " peer-url="
                + settings.peerUrl());
        byte[] ca = clusterCa(url, token);
        SupervisorClient client = SupervisorClient.pinned(url, ca, token.user(), token.password());
        checkCriticalFlags(client, settings, token);
        writeBootstrapFiles(client, settings, token);
        checkNodeName(client, settings, token);
        addMember(client, settings, token);
        return settings.withRaftJoin();
    }

    /** Step 2: the CA bundle of {@code /cacerts}, accepted only if its hash is the token's. */
    private byte[] clusterCa(String url, JoinToken token) throws StartupException, InterruptedException {
        SupervisorClient.Answer answer = retried(url, "GET /cacerts", () -> SupervisorClient.caCertificates(url));
        requireOk(answer, url, "GET /cacerts", token);
        byte[] ca = answer.body();
        try {
            SupervisorClient.certificates(ca);
        } catch (IllegalArgumentException e) {
            throw new StartupException("GET " + url + "/cacerts did not answer a PEM certificate bundle ("
                    + e.getMessage() + "); is " + url + " the HTTPS port of a Cairn server?");
        }
        String serverHash = JoinToken.caHash(ca);
        Optional<String> tokenHash = token.caHash();
        if (tokenHash.isEmpty()) {
            LOG.warn("Cluster CA certificate is not trusted by the host CA bundle, but the token does not include a "
                    + "CA hash. Use the full token from the server's token file (<data-dir>/server/token) to enable "
                    + "Cluster CA validation.");
        } else if (!tokenHash.get().equalsIgnoreCase(serverHash)) {
            throw new StartupException("token CA hash does not match the Cluster CA certificate hash: "
                    + tokenHash.get() + " != " + serverHash);
        }
        LOG.info("cluster CA pinned server=" + url + " ca-hash=" + serverHash);
        return ca;
    }

    /** Step 3: every critical flag must equal the cluster's. */
    private void checkCriticalFlags(SupervisorClient client, ServerSettings settings, JoinToken token)
            throws StartupException, InterruptedException {
        String url = settings.cluster().serverUrl();
        String request = "GET /v1-cairn/config";
        SupervisorClient.Answer answer = retried(url, request, () -> client.get("/v1-cairn/config"));
        requireOk(answer, url, request, token);
        CriticalFlags cluster = parse(answer, url, request, CriticalFlags::fromConfigAnswer);
        List<String> differences = CriticalFlags.of(settings).differencesFrom(cluster);
        if (!differences.isEmpty()) {
            throw new StartupException(CriticalFlags.mismatch(differences));
        }
    }

    /** Step 4: the shared CA and credential files, written unless identical ones are there. */
    private void writeBootstrapFiles(SupervisorClient client, ServerSettings settings, JoinToken token)
            throws StartupException, InterruptedException {
        String url = settings.cluster().serverUrl();
        String request = "GET /v1-cairn/server-bootstrap";
        SupervisorClient.Answer answer = retried(url, request, () -> client.get("/v1-cairn/server-bootstrap"));
        requireOk(answer, url, request, token);
        BootstrapFiles files = parse(answer, url, request, BootstrapFiles::fromAnswer);
        int written = files.write(settings.serverDir(), url);
        LOG.info("bootstrap files from=" + url + " files=" + files.files().size() + " written=" + written
                + " dir=" + settings.serverDir());
    }

    /**
     * Step 5: no other member may carry this node's name (K3s compares the name without its last
     * {@code -suffix}; Cairn members may also carry the bare node name). The same name on this node's own address
     * is this server, registered by an earlier attempt.
     */
    private void checkNodeName(SupervisorClient client, ServerSettings settings, JoinToken token)
            throws StartupException, InterruptedException {
        String url = settings.cluster().serverUrl();
        String request = "GET /db/info";
        SupervisorClient.Answer answer = retried(url, request, () -> client.get("/db/info"));
        requireOk(answer, url, request, token);
        List<Map<?, ?>> members = parse(answer, url, request, ClusterJoin::members);
        Optional<String> ownHost = IpLiterals.canonicalIp(settings.nodeIp());
        for (Map<?, ?> member : members) {
            String name = member.get("name") instanceof String text ? text : "";
            if (!carriesNodeName(name, settings.nodeName())) {
                continue;
            }
            boolean onThisNode = member.get("peerURLs") instanceof List<?> peerUrls && peerUrls.stream()
                    .anyMatch(peerUrl -> peerHost(String.valueOf(peerUrl)).equals(ownHost));
            if (!onThisNode) {
                throw new StartupException(DUPLICATE_NODE_NAME);
            }
        }
    }

    private static List<Map<?, ?>> members(Object document) {
        List<Map<?, ?>> members = new ArrayList<>();
        for (Object member : Json.array(Json.member(document, "members"), "\"members\"")) {
            members.add(Json.object(member, "a member"));
        }
        return members;
    }

    /** Step 6: adds this server; "already exists" means an earlier attempt got this far. */
    private void addMember(SupervisorClient client, ServerSettings settings, JoinToken token)
            throws StartupException, InterruptedException {
        String url = settings.cluster().serverUrl();
        String request = "POST /db/members";
        String body = "{\"name\":" + Json.quote(settings.nodeName()) + ",\"peerURLs\":["
                + Json.quote(settings.peerUrl()) + "]}";
        SupervisorClient.Answer answer = retried(url, request, () -> client.post("/db/members", body));
        if (answer.status() == CONFLICT) {
            LOG.info("already a member of the cluster server=" + url + " name=" + settings.nodeName() + " peer-url="
                    + settings.peerUrl() + " (" + answer.error() + ")");
            return;
        }
        if (answer.status() != CREATED) {
            requireOk(answer, url, request, token);
        }
        LOG.info("added to the cluster server=" + url + " name=" + settings.nodeName() + " peer-url="
                + settings.peerUrl());
    }

    private static boolean carriesNodeName(String memberName, String nodeName) {
        int dash = memberName.lastIndexOf('-');
        return memberName.equals(nodeName) || dash > 0 && memberName.substring(0, dash).equals(nodeName);
    }

    private static Optional<String> peerHost(String peerUrl) {
        try {
            String host = new URI(peerUrl).getHost();
            if (host == null) {
                return Optional.empty();
            }
            return IpLiterals.canonicalIp(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                    .or(() -> Optional.of(host));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** A request of the join. */
    @FunctionalInterface
    private interface Request {
        SupervisorClient.Answer send() throws IOException, InterruptedException;
    }

    /** Reads an answer's JSON body. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(Object document);
    }

    /**
     * Sends {@code request}, again every retry interval while it fails in a way that passes (no connection, a
     * timeout, 503), for up to the retry limit. TLS failures are not retried: a wrong certificate stays wrong.
     */
    private SupervisorClient.Answer retried(String url, String what, Request request)
            throws StartupException, InterruptedException {
        long deadline = System.nanoTime() + retryLimit.toNanos();
        String lastProblem = null;
        while (true) {
            String problem;
            try {
                SupervisorClient.Answer answer = request.send();
                if (answer.status() != UNAVAILABLE) {
                    return answer;
                }
                problem = "503 " + answer.error();
            } catch (SSLException e) {
                throw new StartupException(what + " " + url + " failed: TLS: " + e.getMessage() + "; the server's "
                        + "certificate must be issued by the pinned cluster CA and name the host of --server (add "
                        + "it with --tls-san on that server)", e);
            } catch (ConnectException e) {
                problem = "connection refused";
            } catch (HttpTimeoutException e) {
                problem = "no answer within " + SupervisorClient.REQUEST_TIMEOUT.toSeconds() + " s";
            } catch (IOException e) {
                problem = e.toString();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new StartupException(what + " " + url + " failed: " + problem + " (still failing after "
                        + GoDuration.format(retryLimit) + ")");
            }
            if (!problem.equals(lastProblem)) {
                LOG.warn("waiting for the cluster request=\"" + what + "\" server=" + url + " problem=\"" + problem
                        + "\" (retrying every " + GoDuration.format(retryInterval) + " for up to "
                        + GoDuration.format(retryLimit) + ")");
                lastProblem = problem;
            }
            Thread.sleep(retryInterval.toMillis());
        }
    }

    /** A 2xx answer passes; 401 names the token; anything else names the request and the server's error. */
    private static void requireOk(SupervisorClient.Answer answer, String url, String what, JoinToken token)
            throws StartupException {
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return;
        }
        if (status == UNAUTHORIZED) {
            throw new StartupException("the token was refused by " + url + ": wrong password for user "
                    + token.user() + " (use the token from <data-dir>/server/token of a server of that cluster)");
        }
        String hint = status == BAD_REQUEST && what.contains("/db/")
                ? " (the server at " + url + " must use the embedded etcd datastore: start it with --cluster-init)"
                : "";
        throw new StartupException(what + " " + url + " answered " + status + ": " + answer.error() + hint);
    }

    private static <T> T parse(SupervisorClient.Answer answer, String url, String what, Reader<T> reader)
            throws StartupException {
        try {
            return reader.read(Json.parse(answer.text()));
        } catch (IllegalArgumentException e) {
            throw new StartupException(what + " " + url + " answered something unexpected: " + e.getMessage());
        }
    }
}
