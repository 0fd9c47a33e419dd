package dev.cairn.launcher;

import dev.cairn.security.api.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running agent: joins the cluster ({@link AgentRegistration}), then keeps its Node Ready with a heartbeat every
 * {@link Settings#heartbeat()} through the server in use. Between heartbeats the server in use is asked for
 * {@code /ping} every {@link #SERVER_PROBE}; when it does not answer, the heartbeat is sent at once through the next
 * known server, so the agent switches servers within a few seconds of a server's death, without a restart.
 * Everything is kept under the data dir; no local port is bound.
 */
final class Agent {
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration REGISTRATION_RETRY = Duration.ofSeconds(2);
    /** How often the server list is asked for again while nothing changes. */
    static final Duration SERVER_LIST_REFRESH = Duration.ofSeconds(30);
    /** How often the server in use is probed between heartbeats (a connection refused is known at once). */
    static final Duration SERVER_PROBE = Duration.ofSeconds(1);
    private static final LauncherLog LOG = LauncherLog.of(Agent.class);

    /**
     * @param serverUrl the {@code --server} URL (possibly a fixed registration address)
     * @param token     the parsed token
     * @param heartbeat how often the Lease is renewed
     */
    record Settings(String serverUrl, JoinToken token, String nodeName, String nodeIp, Path dataDir,
            Duration heartbeat) {
    }

    private final Settings settings;
    private final AgentFiles files;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private String lastProblem;

    Agent(Settings settings) {
        this.settings = settings;
        this.files = new AgentFiles(settings.dataDir());
    }

    /** Joins, then beats until {@link #stop}; returns normally on a stop, throws when the join is refused. */
    void run() throws StartupException, InterruptedException {
        try {
            files.createDir();
            String password = files.nodePasswordOrCreate();
            KeyPair keys = keys();
            ServerList servers = ServerList.load(files.servers(), settings.serverUrl());
            AgentRegistration registration = new AgentRegistration(files, settings.token(), settings.nodeName());
            AgentRegistration.Credentials credentials = register(registration, servers, keys, password);
            if (credentials == null) {
                return; // stopped while waiting for a server
            }
            registration.save(credentials, keys);
            LOG.info("node client certificate obtained node=" + settings.nodeName() + " cert="
                    + files.clientCert());
            NodeApi api = new NodeApi(AgentTls.context(AgentRegistration.keyPem(keys),
                    credentials.certificatePem(), credentials.caBundle()));
            AgentNode node = new AgentNode(settings.nodeName(), settings.nodeIp(), api, Clock.systemUTC());
            beatUntilStopped(node, api, servers, credentials.caBundle());
        } catch (IOException e) {
            throw new StartupException("agent state under " + files.dir() + ": " + e.getMessage(), e);
        } finally {
            finished.countDown();
        }
    }

    /** Asks every known server in turn until one gives the certificate; null when stopped meanwhile. */
    private AgentRegistration.Credentials register(AgentRegistration registration, ServerList servers,
            KeyPair keys, String password) throws StartupException, InterruptedException, IOException {
        while (stop.getCount() > 0) {
            for (String url : servers.candidates()) {
                try {
                    AgentRegistration.Credentials credentials = registration.register(url, keys, password);
                    servers.use(url);
                    return credentials;
                } catch (AgentRegistration.Unavailable e) {
                    problem("Waiting to retrieve agent configuration; server is not ready: server=" + url + " problem=\""
                            + e.getMessage() + "\"");
                }
            }
            stop.await(REGISTRATION_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return null;
    }

    private void beatUntilStopped(AgentNode node, NodeApi api, ServerList servers, byte[] ca)
            throws InterruptedException {
        long listedAt = 0;
        long nextBeat = System.nanoTime();
        boolean announced = false;
        while (stop.getCount() > 0) {
            if (System.nanoTime() - nextBeat >= 0 || !answers(api, servers.current())) {
                nextBeat = System.nanoTime() + settings.heartbeat().toNanos();
                String used = beat(node, servers);
                if (used != null) {
                    if (!announced) {
                        System.out.println("Cairn agent ready: node " + settings.nodeName() + " registered through "
                                + used);
                        announced = true;
                    }
                    if (listedAt == 0 || System.nanoTime() - listedAt > SERVER_LIST_REFRESH.toNanos()) {
                        listedAt = refreshServers(servers, used, ca) ? System.nanoTime() : 0;
                    }
                }
            }
            long untilBeat = Math.max(0, nextBeat - System.nanoTime());
            stop.await(Math.min(untilBeat, SERVER_PROBE.toNanos()), TimeUnit.NANOSECONDS);
        }
        LOG.info("agent stopped node=" + settings.nodeName());
    }

    /** True when {@code url}'s supervisor answers its ping: the server process is up and serving on 6443. */
    private static boolean answers(NodeApi api, String url) throws InterruptedException {
        try {
            return api.get(url, "/ping").status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** One heartbeat through the first server that answers; returns it, or null when none did. */
    private String beat(AgentNode node, ServerList servers) throws InterruptedException {
        for (String url : servers.candidates()) {
            if (stop.getCount() == 0) {
                return null;
            }
            try {
                node.beat(url);
                String previous = servers.current();
                if (!url.equals(previous)) {
                    LOG.warn("switched server from=" + previous + " to=" + url);
                }
                servers.use(url);
                lastProblem = null;
                return url;
            } catch (IOException e) {
                problem("server failed server=" + url + " error=\"" + describe(e) + "\"");
            }
        }
        problem("all servers failed servers=" + String.join(",", servers.candidates()));
        return null;
    }

    private boolean refreshServers(ServerList servers, String url, byte[] ca) throws InterruptedException {
        try {
            List<String> answered = AgentRegistration.servers(url, ca, settings.token());
            servers.replace(answered);
            return true;
        } catch (IOException e) {
            LOG.warn("cannot read the server list server=" + url + " error=\"" + describe(e) + "\"");
            return false;
        }
    }

    /** The JDK's HTTP client throws a ConnectException without a message when the port is closed. */
    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + NodeApi.REQUEST_TIMEOUT.toSeconds() + " s";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Logs a problem once until it changes: a server down for minutes is one line, not one per second. */
    private void problem(String text) {
        if (!text.equals(lastProblem)) {
            LOG.warn(text);
            lastProblem = text;
        }
    }

    /**
     * The stored key with the public key of the stored certificate, or a new pair when either is missing (saved
     * with the certificate once the join succeeded).
     */
    private KeyPair keys() throws IOException {
        Path keyFile = files.clientKey();
        Path certFile = files.clientCert();
        if (!Files.exists(keyFile) || !Files.exists(certFile)) {
            Files.deleteIfExists(keyFile);
            return CertificateRequest.newKeyPair();
        }
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                    CertificateRequest.Pem.decode(Files.readString(keyFile, StandardCharsets.US_ASCII),
                            "PRIVATE KEY")));
            PublicKey publicKey = SupervisorClient.certificates(Files.readAllBytes(certFile)).iterator().next()
                    .getPublicKey();
            return new KeyPair(publicKey, key);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(keyFile + " and " + certFile + " are not an EC key and its certificate ("
                    + e.getMessage() + "); remove both and the agent makes new ones", e);
        }
    }

    /** Ends the heartbeat loop (and any wait for a server). */
    void stop() {
        stop.countDown();
    }

    /** True when {@link #run} returned within {@code timeout}. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
