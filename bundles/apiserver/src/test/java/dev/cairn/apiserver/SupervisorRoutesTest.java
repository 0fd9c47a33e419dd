package dev.cairn.apiserver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.conversion.ConversionException;
import dev.cairn.datastore.conversion.ConversionReport;
import dev.cairn.datastore.conversion.LiveConversion;
import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.snapshot.SnapshotService;
import dev.cairn.security.tls.ServerCertificates;
import dev.cairn.security.tls.ServerIdentity;
import dev.cairn.security.tls.TlsLayout;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The supervisor routes behind the real HTTPS listener on a loopback address, called as a joining server does. */
public class SupervisorRoutesTest {
    private static final String IP = "127.0.0.31";
    private static final String SERVER = "server:" + FakeCluster.PASSWORD;
    private static final String NODE = "node:" + FakeCluster.PASSWORD;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final FakeCluster cluster = new FakeCluster();
    private final SnapshotsInMemory snapshots = new SnapshotsInMemory();
    /** Converts once to the embedded etcd, then refuses as a server already on it does. */
    private final LiveConversion conversion = new LiveConversion() {
        private boolean converted;

        @Override
        public synchronized CompletableFuture<ConversionReport> convert(String target) {
            if (converted) {
                return CompletableFuture.failedFuture(
                        new ConversionException("this server already runs on the embedded etcd"));
            }
            converted = true;
            return CompletableFuture.completedFuture(new ConversionReport("sqlite", "raft", 42, 900, 120));
        }
    };
    private Path serverDir;
    private TlsLayout tls;
    private HttpsListener listener;
    private SupervisorClient client;

    @Before
    public void start() throws Exception {
        Path dataDir = tmp.getRoot().toPath();
        serverDir = dataDir.resolve("server");
        tls = new ServerCertificates(new TlsLayout(dataDir), new ServerIdentity("s1", IP, IP, List.of()),
                Clock.systemUTC()).ensure();
        Files.createDirectories(serverDir.resolve("cred"));
        Files.writeString(serverDir.resolve("cred/passwd"), "$1:00:15:8:1:AA,server,server,cairn:server\n");
        cluster.members.add(new Member(-1L, "s1-0a1b2c3d", List.of("https://127.0.0.31:2380"),
                List.of("https://127.0.0.31:2379"), false));
        cluster.members.add(new Member(Long.MIN_VALUE, "s2-11223344", List.of("https://127.0.0.32:2380"),
                List.of(), true));
        CriticalConfig critical = new CriticalConfig("10.42.0.0/16", "10.43.0.0/16", "10.43.0.10", "cluster.local",
                CriticalConfig.normalizeDisable(new String[] {"traefik,servicelb", "local-storage"}), false, true,
                false, true);
        SupervisorRoutes routes = new SupervisorRoutes(tls.serverCa(), new BasicAuth(FakeCluster.credentials()),
                critical, new BootstrapFiles(serverDir), new ClusterMembers(cluster.datastore()), null,
                new SnapshotRequests(() -> snapshots), new ConversionRequests(() -> conversion),
                SupervisorRoutes.kubernetesApiDisabled());
        listener = new HttpsListener(routes);
        int port = listener.start(new InetSocketAddress(IP, 0), tls.servingCert(), tls.servingKey(), tls.clientCa());
        client = new SupervisorClient(tls.serverCa(), IP, port);
    }

    @After
    public void stop() {
        listener.close();
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static String error(HttpResponse<String> r) {
        return json(r).get("error").getAsString();
    }

    @Test
    public void aLiveConversionNeedsTheServerPasswordAndReportsWhatItDid() throws Exception {
        assertEquals(401, client.post("/db/convert", null, "{\"to\":\"etcd\"}").statusCode());
        assertEquals(403, client.post("/db/convert", NODE, "{\"to\":\"etcd\"}").statusCode());
        HttpResponse<String> bad = client.post("/db/convert", SERVER, "[]");
        assertEquals(400, bad.statusCode());
        assertTrue(error(bad), error(bad).contains("{\"to\":\"etcd\"}"));

        HttpResponse<String> done = client.post("/db/convert", SERVER, "{\"to\":\"etcd\"}");
        assertEquals(done.body(), 200, done.statusCode());
        JsonObject report = json(done).getAsJsonObject("conversion");
        assertEquals("sqlite", report.get("from").getAsString());
        assertEquals("raft", report.get("to").getAsString());
        assertEquals(42, report.get("revision").getAsLong());
        assertEquals(120, report.get("unavailableMs").getAsLong());

        HttpResponse<String> again = client.post("/db/convert", SERVER, "{\"to\":\"etcd\"}");
        assertEquals(409, again.statusCode());
        assertEquals("this server already runs on the embedded etcd", error(again));
    }

    @Test
    public void snapshotOperationsNeedTheServerPasswordAndAnswerJson() throws Exception {
        assertEquals(401, client.post("/db/snapshot", null, "{\"operation\":\"list\"}").statusCode());
        assertEquals(403, client.post("/db/snapshot", NODE, "{\"operation\":\"list\"}").statusCode());

        HttpResponse<String> saved = client.post("/db/snapshot", SERVER,
                "{\"operation\":\"save\",\"name\":\"nightly\",\"compress\":true}");
        assertEquals(saved.body(), 200, saved.statusCode());
        JsonObject file = json(saved).getAsJsonObject("snapshot");
        assertEquals("nightly-s1-1700000000.zip", file.get("name").getAsString());
        assertEquals(42, file.get("revision").getAsLong());

        JsonObject list = json(client.post("/db/snapshot", SERVER, "{\"operation\":\"list\"}"));
        assertEquals(1, list.getAsJsonArray("snapshots").size());

        HttpResponse<String> missing = client.post("/db/snapshot", SERVER,
                "{\"operation\":\"delete\",\"names\":[\"nope\"]}");
        assertEquals(409, missing.statusCode());
        assertEquals("no snapshot named nope", error(missing));
        HttpResponse<String> deleted = client.post("/db/snapshot", SERVER,
                "{\"operation\":\"delete\",\"names\":[\"nightly-s1-1700000000.zip\"]}");
        assertEquals("[\"nightly-s1-1700000000.zip\"]", json(deleted).get("deleted").toString());

        HttpResponse<String> unknown = client.post("/db/snapshot", SERVER, "{\"operation\":\"restore\"}");
        assertEquals(400, unknown.statusCode());
        assertTrue(error(unknown), error(unknown).contains("use save, list, delete or prune"));
        assertEquals(400, client.post("/db/snapshot", SERVER, "not json").statusCode());
    }

    /** Snapshot files as names only: the routes' job is the protocol, the selector's tests cover the files. */
    private static final class SnapshotsInMemory implements SnapshotService {
        private final List<SnapshotFile> files = new ArrayList<>();

        @Override
        public SnapshotFile save(String name, boolean compress) {
            SnapshotFile f = new SnapshotFile(name + "-s1-1700000000" + (compress ? ".zip" : ""),
                    Path.of("/snapshots", name), 4096, Instant.ofEpochSecond(1_700_000_000L), 42);
            files.add(f);
            return f;
        }

        @Override
        public List<SnapshotFile> list() {
            return List.copyOf(files);
        }

        @Override
        public List<String> delete(List<String> names) {
            for (String n : names) {
                if (files.stream().noneMatch(f -> f.name().equals(n))) {
                    throw new SnapshotException("no snapshot named " + n);
                }
            }
            files.removeIf(f -> names.contains(f.name()));
            return names;
        }

        @Override
        public List<String> prune(String name, int retention) {
            return List.of();
        }
    }

    @Test
    public void cacertsAndPingNeedNoCredentials() throws Exception {
        HttpResponse<byte[]> ca = client.getBytes("/cacerts");
        assertEquals(200, ca.statusCode());
        assertEquals("text/plain", ca.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(Files.readAllBytes(tls.serverCa()), ca.body());
        HttpResponse<String> ping = client.get("/ping", null);
        assertEquals(200, ping.statusCode());
        assertEquals("pong", ping.body());
    }

    @Test
    public void configIsTheCriticalConfigurationForServersAndNodes() throws Exception {
        String expected = "{\"critical\":{\"cluster-cidr\":\"10.42.0.0/16\",\"service-cidr\":\"10.43.0.0/16\","
                + "\"cluster-dns\":\"10.43.0.10\",\"cluster-domain\":\"cluster.local\","
                + "\"disable\":[\"local-storage\",\"servicelb\",\"traefik\"],\"disable-helm-controller\":false,"
                + "\"disable-kube-proxy\":true,\"disable-network-policy\":false,\"secrets-encryption\":true}}";
        HttpResponse<String> server = client.get("/v1-cairn/config", SERVER);
        assertEquals(200, server.statusCode());
        assertEquals("application/json", server.headers().firstValue("Content-Type").orElse(""));
        assertEquals(expected, server.body());
        assertEquals(expected, client.get("/v1-cairn/config", NODE).body());
    }

    @Test
    public void withoutCredentialsIs401WithABasicChallenge() throws Exception {
        for (String path : List.of("/v1-cairn/config", "/v1-cairn/server-bootstrap")) {
            HttpResponse<String> r = client.get(path, null);
            assertEquals(path, 401, r.statusCode());
            assertEquals("Basic realm=\"cairn\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
            assertTrue(error(r), error(r).startsWith("authentication required"));
        }
        HttpResponse<String> post = client.post("/db/members", null, "{}");
        assertEquals(401, post.statusCode());
    }

    @Test
    public void wrongPasswordIs401SayingTheTokenPasswordWasNotAccepted() throws Exception {
        HttpResponse<String> r = client.get("/v1-cairn/server-bootstrap", "server:wrong");
        assertEquals(401, r.statusCode());
        assertEquals("Basic realm=\"cairn\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(error(r), error(r).startsWith("the token's password was not accepted for user \"server\""));
        assertFalse(r.body().contains("wrong"));
        assertEquals(401, client.get("/v1-cairn/config", "admin:" + FakeCluster.PASSWORD).statusCode());
    }

    @Test
    public void bootstrapHasTheCaFilesThePasswdAndTheEncryptionConfig() throws Exception {
        Files.writeString(serverDir.resolve("cred/encryption-config.json"), "{}");
        HttpResponse<String> r = client.get("/v1-cairn/server-bootstrap", SERVER);
        assertEquals(200, r.statusCode());
        JsonObject files = json(r).getAsJsonObject("files");
        assertEquals(List.of("cred/encryption-config.json", "cred/passwd", "tls/client-ca.crt", "tls/client-ca.key",
                "tls/etcd/peer-ca.crt", "tls/etcd/peer-ca.key", "tls/etcd/server-ca.crt", "tls/etcd/server-ca.key",
                "tls/server-ca.crt", "tls/server-ca.key"), new ArrayList<>(files.keySet()));
        for (String path : files.keySet()) {
            JsonObject entry = files.getAsJsonObject(path);
            Path file = serverDir.resolve(path);
            assertArrayEquals(path, Files.readAllBytes(file),
                    Base64.getDecoder().decode(entry.get("Content").getAsString()));
            assertEquals(path, Files.getLastModifiedTime(file).toInstant(),
                    Instant.parse(entry.get("Timestamp").getAsString()));
        }
    }

    @Test
    public void bootstrapWithoutEncryptionConfigAndNotForNodes() throws Exception {
        JsonObject files = json(client.get("/v1-cairn/server-bootstrap", SERVER)).getAsJsonObject("files");
        assertFalse(files.has("cred/encryption-config.json"));
        assertFalse(files.keySet().stream().anyMatch(p -> p.contains("serving") || p.contains("client.")
                || p.contains("peer-server-client") || p.contains("server-client")));
        HttpResponse<String> node = client.get("/v1-cairn/server-bootstrap", NODE);
        assertEquals(403, node.statusCode());
        assertTrue(error(node), error(node).contains("needs the server token"));
    }

    @Test
    public void dbInfoWritesMemberIdsAsUnsigned64BitNumbers() throws Exception {
        HttpResponse<String> r = client.get("/db/info", null); // a loopback client needs no credentials
        assertEquals(200, r.statusCode());
        assertTrue(r.body(), r.body().contains("\"ID\":18446744073709551615,"));
        assertTrue(r.body(), r.body().contains("\"ID\":9223372036854775808,"));
        JsonObject first = json(r).getAsJsonArray("members").get(0).getAsJsonObject();
        assertEquals("s1-0a1b2c3d", first.get("name").getAsString());
        assertEquals("https://127.0.0.31:2380", first.getAsJsonArray("peerURLs").get(0).getAsString());
        assertEquals("https://127.0.0.31:2379", first.getAsJsonArray("clientURLs").get(0).getAsString());
        assertFalse(first.get("isLearner").getAsBoolean());
        assertTrue(json(r).getAsJsonArray("members").get(1).getAsJsonObject().get("isLearner").getAsBoolean());
        assertEquals(200, client.get("/db/info", SERVER).statusCode());
        assertEquals(401, client.get("/db/info", "server:wrong").statusCode()); // sent credentials are checked
    }

    @Test
    public void addMemberAnswers201WithTheMember() throws Exception {
        HttpResponse<String> r = client.post("/db/members", SERVER,
                "{\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.32:2380\"]}");
        assertEquals(201, r.statusCode());
        assertEquals("{\"member\":{\"ID\":42,\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.32:2380\"],"
                + "\"clientURLs\":[],\"isLearner\":false}}", r.body());
        assertEquals(List.of(new Member(42, "s2", List.of("https://127.0.0.32:2380"), List.of(), false)),
                cluster.added);
    }

    @Test
    public void addMemberMapsTheDatastoreErrors() throws Exception {
        String body = "{\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.32:2380\"]}";
        cluster.onAdd = m -> CompletableFuture.failedFuture(StoreError.PEER_URL_EXISTS.exception());
        HttpResponse<String> exists = client.post("/db/members", SERVER, body);
        assertEquals(409, exists.statusCode());
        assertEquals("{\"error\":\"etcdserver: Peer URLs already exists\"}", exists.body());
        for (StoreError retryable : List.of(StoreError.NO_LEADER, StoreError.TOO_MANY_LEARNERS, StoreError.TIMEOUT)) {
            cluster.onAdd = m -> CompletableFuture.failedFuture(retryable.exception());
            HttpResponse<String> r = client.post("/db/members", SERVER, body);
            assertEquals(retryable.name(), 503, r.statusCode());
            assertEquals(retryable.message(), error(r));
        }
        cluster.onAdd = m -> CompletableFuture.failedFuture(StoreError.MEMBER_BAD_URLS.exception());
        assertEquals(400, client.post("/db/members", SERVER, body).statusCode());
        cluster.onAdd = m -> {
            throw StoreError.NO_LEADER.exception(); // thrown rather than failed: the same answer
        };
        assertEquals(503, client.post("/db/members", SERVER, body).statusCode());
    }

    @Test
    public void addMemberRefusesBadRequestsBeforeTheDatastore() throws Exception {
        for (String body : List.of("not json", "[]", "{\"peerURLs\":[\"https://127.0.0.32:2380\"]}",
                "{\"name\":\"s2\"}", "{\"name\":\"s2\",\"peerURLs\":[]}",
                "{\"name\":\"s2\",\"peerURLs\":[\"http://127.0.0.32:2380\"]}",
                "{\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.32\"]}",
                "{\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.32:2380/x\"]}",
                "{\"name\":\"s2\",\"peerURLs\":[\"https://bad host:2380\"]}")) {
            HttpResponse<String> r = client.post("/db/members", SERVER, body);
            assertEquals(body, 400, r.statusCode());
            assertFalse(body, error(r).isEmpty());
        }
        assertEquals(List.of(), cluster.added);
        assertEquals(403, client.post("/db/members", NODE, "{}").statusCode());
    }

    @Test
    public void addMemberToADatastoreWithoutMembershipSaysToUseClusterInit() throws Exception {
        cluster.type = "sqlite";
        cluster.hasMembership = false;
        HttpResponse<String> r = client.post("/db/members", SERVER,
                "{\"name\":\"s2\",\"peerURLs\":[\"https://127.0.0.32:2380\"]}");
        assertEquals(400, r.statusCode());
        assertTrue(error(r), error(r).contains("sqlite"));
        assertTrue(error(r), error(r).contains("start the first server with --cluster-init"));
    }

    @Test
    public void wrongMethodIs405AndOtherPathsGoToTheNextRoutes() throws Exception {
        HttpResponse<String> r = client.post("/v1-cairn/config", SERVER, "{}");
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
        assertEquals(405, client.get("/db/members", SERVER).statusCode());
        HttpResponse<String> kube = client.get("/api/v1/nodes", null);
        assertEquals(404, kube.statusCode());
        assertTrue(error(kube), error(kube).contains("--disable-apiserver"));
    }
}
