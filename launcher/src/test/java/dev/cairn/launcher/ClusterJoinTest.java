package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The join flow against a supervisor on loopback HTTPS with its own CA. */
public class ClusterJoinTest {

    /** Retries as in production, but every 10 ms for up to 2 s: the tests stay fast. */
    private static final ClusterJoin JOIN = new ClusterJoin(Duration.ofMillis(10), Duration.ofSeconds(2));

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private TestSupervisor supervisor;
    private Path dataDir;
    private final Map<Flag, List<String>> cli = new EnumMap<>(Flag.class);

    @Before
    public void startSupervisor() throws Exception {
        supervisor = new TestSupervisor();
        dataDir = temp.getRoot().toPath().resolve("s2");
        cli.put(Flag.DATA_DIR, List.of(dataDir.toString()));
        cli.put(Flag.NODE_NAME, List.of("s2"));
        cli.put(Flag.NODE_IP, List.of("127.0.0.12"));
        cli.put(Flag.SERVER, List.of(supervisor.url() + "/"));
        cli.put(Flag.TOKEN, List.of(supervisor.token()));
    }

    @After
    public void stopSupervisor() {
        supervisor.close();
    }

    @Test
    public void joinWritesTheSharedFilesAddsTheMemberAndSetsRaftJoin() throws Exception {
        ServerSettings joined = JOIN.join(settings());

        assertTrue(joined.cluster().raftJoin());
        assertEquals(Boolean.TRUE, joined.toConfiguration().get("raft.join"));
        assertEquals(supervisor.url(), joined.toConfiguration().get("server.url"));
        assertEquals(List.of("GET /cacerts", "GET /v1-cairn/config", "GET /v1-cairn/server-bootstrap", "GET /db/info",
                "POST /db/members"), supervisor.requestLines());
        TestSupervisor.Request add = supervisor.requests().get(4);
        assertEquals("{\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.12:2380\"]}", add.body());
        assertEquals(null, supervisor.requests().get(0).authorization()); // /cacerts: nothing sent before pinning

        Path server = dataDir.resolve("server");
        for (Map.Entry<String, String> file : supervisor.bootstrapFiles().entrySet()) {
            Path written = server.resolve(file.getKey());
            assertEquals(file.getValue(), Files.readString(written));
            assertEquals(file.getKey(), "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    written)));
            assertEquals(Instant.parse("2026-01-02T03:04:05Z"), Files.getLastModifiedTime(written).toInstant());
        }
        for (String dir : List.of("server", "server/tls", "server/tls/etcd", "server/cred")) {
            assertEquals(dir, "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dataDir.resolve(dir))));
        }
        try (var leftovers = Files.walk(server)) {
            assertEquals(List.of(), leftovers.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    public void wrongCaHashIsRefusedBeforeAnyCredentialIsSent() throws Exception {
        String otherHash = "ab".repeat(32);
        cli.put(Flag.TOKEN, List.of("K10" + otherHash + "::server:" + TestSupervisor.PASSWORD));
        String serverHash = dev.cairn.security.api.JoinToken.caHash(
                supervisor.caPem().getBytes(StandardCharsets.UTF_8));

        expectError("token CA hash does not match the Cluster CA certificate hash: " + otherHash + " != " + serverHash);
        assertEquals(List.of("GET /cacerts"), supervisor.requestLines());
    }

    @Test
    public void wrongPasswordNamesTheRefusingServer() throws Exception {
        String hash = dev.cairn.security.api.JoinToken.caHash(supervisor.caPem().getBytes(StandardCharsets.UTF_8));
        cli.put(Flag.TOKEN, List.of("K10" + hash + "::server:wrong-password"));

        String message = expectError("the token was refused by " + supervisor.url() + ": wrong password for user "
                + "server (use the token from <data-dir>/server/token of a server of that cluster)");
        assertFalse(message.contains("wrong-password"));
        assertFalse(Files.exists(dataDir.resolve("server")));
    }

    @Test
    public void barePasswordTokenTrustsTheDownloadedCa() throws Exception {
        cli.put(Flag.TOKEN, List.of(TestSupervisor.PASSWORD));

        assertTrue(JOIN.join(settings()).cluster().raftJoin());
    }

    @Test
    public void missingTokenIsRequired() throws Exception {
        cli.remove(Flag.TOKEN);
        expectError("token is required to join a cluster");
        assertEquals(List.of(), supervisor.requestLines());
    }

    @Test
    public void criticalFlagMismatchListsEveryDifferenceWithBothValues() throws Exception {
        cli.put(Flag.CLUSTER_CIDR, List.of("10.50.0.0/16"));
        cli.put(Flag.SECRETS_ENCRYPTION, List.of("true"));
        cli.put(Flag.DISABLE, List.of("traefik"));

        expectError("critical configuration value mismatch between servers: --cluster-cidr (this server "
                + "10.50.0.0/16, cluster 10.42.0.0/16), --disable (this server [traefik], cluster []), "
                + "--secrets-encryption (this server true, cluster false)");
        assertEquals(List.of("GET /cacerts", "GET /v1-cairn/config"), supervisor.requestLines());
    }

    @Test
    public void duplicateNodeNameOnAnotherHostIsRefused() throws Exception {
        supervisor.answer("GET /db/info", request -> new TestSupervisor.Answer(200, "{\"members\":[{\"ID\":1,"
                + "\"name\":\"s2-9f8e7d6c\",\"peerURLs\":[\"https://127.0.0.99:2380\"],\"clientURLs\":[],"
                + "\"isLearner\":false}]}"));

        expectError("duplicate node name found, please use a unique name for this node");
        assertFalse(supervisor.requestLines().contains("POST /db/members"));
    }

    @Test
    public void sameNodeNameOnThisHostIsAnEarlierAttempt() throws Exception {
        supervisor.answer("GET /db/info", request -> new TestSupervisor.Answer(200, "{\"members\":[{\"ID\":1,"
                + "\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.12:2380\"],\"clientURLs\":[],"
                + "\"isLearner\":true}]}"));
        supervisor.answer("POST /db/members", request -> new TestSupervisor.Answer(409,
                "{\"error\":\"etcdserver: Peer URLs already exists\"}"));

        assertTrue(JOIN.join(settings()).cluster().raftJoin());
    }

    @Test
    public void conflictMeansAlreadyAdded() throws Exception {
        supervisor.answer("POST /db/members", request -> new TestSupervisor.Answer(409,
                "{\"error\":\"etcdserver: Peer URLs already exists\"}"));

        assertTrue(JOIN.join(settings()).cluster().raftJoin());
    }

    @Test
    public void unavailableIsRetriedUntilTheMemberIsAdded() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        supervisor.answer("POST /db/members", request -> attempts.incrementAndGet() < 3
                ? new TestSupervisor.Answer(503, "{\"error\":\"etcdserver: too many learner members in cluster\"}")
                : new TestSupervisor.Answer(201, "{\"member\":{\"ID\":42,\"name\":\"s2\"}}"));

        assertTrue(JOIN.join(settings()).cluster().raftJoin());
        assertEquals(3, attempts.get());
    }

    @Test
    public void unavailableForeverGivesUpAfterTheLimit() throws Exception {
        supervisor.answer("POST /db/members", request -> new TestSupervisor.Answer(503,
                "{\"error\":\"etcdserver: unhealthy cluster\"}"));
        ClusterJoin quick = new ClusterJoin(Duration.ofMillis(10), Duration.ofMillis(200));

        try {
            quick.join(settings());
            fail("expected the join to give up");
        } catch (StartupException e) {
            assertEquals("POST /db/members " + supervisor.url() + " failed: 503 etcdserver: unhealthy cluster "
                    + "(still failing after 200ms)", e.getMessage());
        }
    }

    @Test
    public void otherErrorsNameTheRequestAndTheServersMessage() throws Exception {
        supervisor.answer("POST /db/members", request -> new TestSupervisor.Answer(400,
                "{\"error\":\"etcd datastore disabled\"}"));

        expectError("POST /db/members " + supervisor.url() + " answered 400: etcd datastore disabled (the server at "
                + supervisor.url() + " must use the embedded etcd datastore: start it with --cluster-init)");
    }

    @Test
    public void differingExistingCaFilesAreRefusedAndNothingIsWritten() throws Exception {
        Path tls = Files.createDirectories(dataDir.resolve("server/tls"));
        Files.writeString(tls.resolve("server-ca.crt"), "this server's own CA\n");
        Files.writeString(tls.resolve("server-ca.key"), "this server's own key\n");
        Path server = dataDir.resolve("server");

        expectError("cannot join the cluster at " + supervisor.url() + ": these files differ from the cluster's "
                + "copies: " + tls.resolve("server-ca.crt") + ", " + tls.resolve("server-ca.key") + "; " + server
                + " holds the state of another cluster (or of this server run on its own): move it aside to join, "
                + "or start without --server");
        assertEquals("this server's own CA\n", Files.readString(tls.resolve("server-ca.crt")));
        assertFalse(Files.exists(server.resolve("cred/passwd")));
        assertFalse(supervisor.requestLines().contains("POST /db/members"));
    }

    @Test
    public void identicalExistingFilesAreKept() throws Exception {
        Path ca = Files.createDirectories(dataDir.resolve("server/tls")).resolve("server-ca.crt");
        Files.writeString(ca, supervisor.caPem());
        Instant before = Files.getLastModifiedTime(ca).toInstant();

        JOIN.join(settings());

        assertEquals(before, Files.getLastModifiedTime(ca).toInstant());
        assertTrue(Files.exists(dataDir.resolve("server/cred/passwd")));
    }

    @Test
    public void bootstrapPathOutsideTheServerDirIsRefused() throws Exception {
        supervisor.bootstrapFiles().put("../escaped", "x");

        String message = expectError("the cluster at " + supervisor.url() + " sent a bootstrap file with the path "
                + "\"../escaped\", which is not inside " + dataDir.resolve("server") + "; refusing to write it");
        assertTrue(message, !Files.exists(dataDir.resolve("escaped")));
    }

    @Test
    public void joinIsNeededOnlyWithServerAndNoRaftState() throws Exception {
        assertTrue(ClusterJoin.isNeeded(settings()));
        Path raft = Files.createDirectories(dataDir.resolve("server/db/etcd/raft"));
        assertTrue(ClusterJoin.isNeeded(settings()));
        Files.writeString(raft.resolve("log"), "entries");
        assertFalse(ClusterJoin.isNeeded(settings()));

        Files.delete(raft.resolve("log"));
        cli.remove(Flag.SERVER);
        assertFalse(ClusterJoin.isNeeded(settings()));
    }

    @Test
    public void serverCertificateMustNameTheHostOfServer() throws Exception {
        // the serving certificate names 127.0.0.1 only; "localhost" is the same server under another name
        cli.put(Flag.SERVER, List.of(supervisor.url().replace("127.0.0.1", "localhost")));

        String message = expectErrorStartingWith("GET /v1-cairn/config https://localhost:");
        assertTrue(message, message.contains("failed: TLS: "));
        assertTrue(message, message.endsWith("name the host of --server (add it with --tls-san on that server)"));
    }

    private ServerSettings settings() throws SettingsException {
        return new SettingsSources(cli, Map.of(), ConfigFile.none(Path.of("/none.yaml"))).resolve(FixedHost.WITH_IP);
    }

    private String expectError(String message) throws Exception {
        String actual = expectErrorStartingWith(message);
        assertEquals(message, actual);
        return actual;
    }

    private String expectErrorStartingWith(String prefix) throws Exception {
        try {
            JOIN.join(settings());
        } catch (StartupException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(prefix));
            assertFalse(e.getMessage(), e.getMessage().contains(TestSupervisor.PASSWORD));
            return e.getMessage();
        }
        throw new AssertionError("expected an error starting with: " + prefix);
    }
}
