package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.security.tls.ServerCertificates;
import dev.cairn.security.tls.ServerIdentity;
import dev.cairn.security.tls.TlsLayout;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * An agent's registration over real HTTPS: the node password (stored on first use, a different one refused), the
 * kubelet client certificate, the server list, and what that certificate may then do on the Kubernetes API.
 */
public class NodeRegistrationTest {
    private static final String IP = "127.0.0.1";
    private static final String NODE_LOGIN = "node:" + FakeCluster.PASSWORD;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore datastore;
    private ObjectStore store;
    private TlsLayout tls;
    private HttpsListener listener;
    private String url;

    @Before
    public void start() throws Exception {
        Path dataDir = tmp.newFolder("server").toPath();
        tls = new ServerCertificates(new TlsLayout(dataDir), new ServerIdentity("s1", IP, IP, List.of()),
                Clock.systemUTC()).ensure();
        datastore = SqliteDatastore.open(new BackendSettings(tmp.newFolder("db").toPath(), "", "s1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        store = new ObjectStore(datastore, Clock.systemUTC());
        DefaultNamespaces.ensure(store);
        ApiRouter kube = new ApiRouter(store, new TableRenderer(Clock.systemUTC()), new Discovery(IP + ":6443"),
                new OpenApi(), new HealthProbe(datastore));
        String[] own = new String[1];
        NodeRegistration nodes = new NodeRegistration(store, new NodePasswords(store, 4),
                new NodeCertificates(tls.clientCa(), Clock.systemUTC()), () -> own[0]);
        CriticalConfig critical = new CriticalConfig("10.42.0.0/16", "10.43.0.0/16", "10.43.0.10", "cluster.local",
                List.of(), false, false, false, false);
        SupervisorRoutes routes = new SupervisorRoutes(tls.serverCa(), new BasicAuth(FakeCluster.credentials()),
                critical, new BootstrapFiles(dataDir.resolve("server")), new ClusterMembers(datastore), nodes,
                new SnapshotRequests(() -> null), new ConversionRequests(() -> null), kube);
        listener = new HttpsListener(routes);
        int port = listener.start(new InetSocketAddress(IP, 0), tls.servingCert(), tls.servingKey(),
                tls.clientCa());
        url = "https://" + IP + ":" + port;
        own[0] = url;
    }

    @After
    public void stop() {
        listener.close();
        datastore.close();
    }

    private static String csr(KeyPair keys) throws Exception {
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("O=system:masters,CN=system:admin"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(csr);
        }
        return out.toString();
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private HttpResponse<String> register(String node, String password, String csr) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1-cairn/client-kubelet.crt"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        NODE_LOGIN.getBytes(StandardCharsets.UTF_8)))
                .header("Cairn-Node-Name", node).header("Cairn-Node-Password", password)
                .POST(HttpRequest.BodyPublishers.ofString(csr)).build();
        return client(null).send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A client trusting the server CA, presenting {@code identity} (cert, key files) when not null. */
    private HttpClient client(Path[] identity) throws Exception {
        return HttpClient.newBuilder().sslContext(SupervisorClient.context(tls.serverCa(), identity))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Long enough that a salted hash cannot contain it by chance (a two-letter password did, in about one run of
     * sixty: the hash's base64 text happened to hold "p1").
     */
    private static final String PASSWORD = "node-password-of-agent1";

    @Test
    public void firstRegistrationStoresTheHashAndIssuesANodeCertificate() throws Exception {
        KeyPair keys = keys();
        HttpResponse<String> answer = register("agent1", PASSWORD, csr(keys));
        assertEquals(answer.body(), 200, answer.statusCode());
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(
                new java.io.ByteArrayInputStream(answer.body().getBytes(StandardCharsets.US_ASCII))).iterator()
                .next();
        // the server's choice of subject, not the CSR's
        assertEquals("CN=system:node:agent1,O=system:nodes", cert.getSubjectX500Principal().getName());
        assertEquals(keys.getPublic(), cert.getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        JsonObject secret = store.get(ResourceType.SECRETS, "kube-system", "agent1.node-password.cairn");
        assertEquals("cairn.io/node-password", secret.get("type").getAsString());
        String hash = new String(Base64.getDecoder().decode(secret.getAsJsonObject("data").get("hash")
                .getAsString()), StandardCharsets.UTF_8);
        assertTrue(hash, hash.startsWith("$1:"));
        assertFalse(hash, hash.contains(PASSWORD));
        assertTrue(NodePasswords.matches(hash, PASSWORD));
    }

    @Test
    public void theSamePasswordRegistersAgainAndADifferentOneIsRefused() throws Exception {
        assertEquals(200, register("agent1", "p1", csr(keys())).statusCode());
        assertEquals(200, register("agent1", "p1", csr(keys())).statusCode());
        HttpResponse<String> refused = register("agent1", "other", csr(keys()));
        assertEquals(403, refused.statusCode());
        assertEquals("unable to verify password for node agent1: hash does not match",
                JsonParser.parseString(refused.body()).getAsJsonObject().get("error").getAsString());
        assertEquals(200, register("agent2", "other", csr(keys())).statusCode());
    }

    @Test
    public void badRegistrationsAreRefusedWithTheReason() throws Exception {
        assertEquals(400, register("Agent_1", "p1", csr(keys())).statusCode());
        assertEquals(400, register("agent1", "", csr(keys())).statusCode());
        assertEquals(400, register("agent1", "p1", "not a csr").statusCode());
        HttpResponse<String> noLogin = client(null).send(HttpRequest.newBuilder(URI.create(url
                + "/v1-cairn/client-kubelet.crt")).POST(HttpRequest.BodyPublishers.ofString("")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noLogin.statusCode());
        // nothing was stored for the refused requests
        assertEquals(null, store.find(ResourceType.SECRETS, "kube-system", "agent1.node-password.cairn"));
    }

    @Test
    public void theServerListNamesThisServerFirstAndEveryServerNode() throws Exception {
        new NodeHeartbeat(store, Clock.systemUTC(), "s2", "127.0.0.2", () -> false, "https://127.0.0.2:6443").beat();
        HttpResponse<String> answer = client(null).send(HttpRequest.newBuilder(URI.create(url
                + "/v1-cairn/apiservers")).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        NODE_LOGIN.getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        assertEquals("[\"" + url + "\",\"https://127.0.0.2:6443\"]", answer.body());
    }

    @Test
    public void theNodeCertificateWritesItsOwnNodeButNotAnotherOrSecrets() throws Exception {
        KeyPair keys = keys();
        HttpResponse<String> issued = register("agent1", "p1", csr(keys));
        Path cert = tmp.getRoot().toPath().resolve("agent1.crt");
        Path key = tmp.getRoot().toPath().resolve("agent1.key");
        Files.writeString(cert, issued.body());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        HttpClient node = client(new Path[] {cert, key});
        assertEquals(201, send(node, "POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"agent1\"}}").statusCode());
        assertEquals(200, send(node, "PATCH", "/api/v1/nodes/agent1",
                "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}").statusCode());
        assertEquals(201, send(node, "POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                "{\"metadata\":{\"name\":\"agent1\"},\"spec\":{\"holderIdentity\":\"agent1\"}}").statusCode());
        assertEquals(200, send(node, "GET", "/api/v1/nodes", "").statusCode());
        HttpResponse<String> other = send(node, "POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"agent2\"}}");
        assertEquals(403, other.statusCode());
        assertTrue(other.body(), other.body().contains("nodes \\\"agent2\\\" is forbidden: User"
                + " \\\"system:node:agent1\\\" cannot create resource \\\"nodes\\\""));
        assertEquals(403, send(node, "GET", "/api/v1/namespaces/kube-system/secrets", "").statusCode());
        assertEquals(401, send(client(null), "GET", "/api/v1/nodes", "").statusCode());
    }

    private HttpResponse<String> send(HttpClient client, String method, String path, String body) throws Exception {
        String contentType = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
        return client.send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", contentType)
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
