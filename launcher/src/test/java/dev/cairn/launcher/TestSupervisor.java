package dev.cairn.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The supervisor API of a cluster's server, as far as a join uses it, on loopback HTTPS with its own CA: answers
 * like the apiserver bundle by default, each path's answer replaceable, every request recorded.
 */
final class TestSupervisor implements AutoCloseable {

    static final String PASSWORD = "s3cret-password";

    /** A recorded request. */
    record Request(String method, String path, String authorization, String body) {
    }

    /** An answer to give. */
    record Answer(int status, String body) {
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final String caPem;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Function<Request, Answer>> answers = new ConcurrentHashMap<>();
    private final Map<String, String> bootstrapFiles = new LinkedHashMap<>();

    TestSupervisor() throws Exception {
        KeyPair caKeys = ecKeys();
        X509Certificate ca = certificate("CN=cairn-server-ca", caKeys, "CN=cairn-server-ca", caKeys.getPrivate(), true);
        KeyPair serverKeys = ecKeys();
        X509Certificate serving = certificate("CN=cairn", serverKeys, "CN=cairn-server-ca", caKeys.getPrivate(),
                false);
        caPem = pem(ca);
        bootstrapFiles.put("tls/server-ca.crt", caPem);
        bootstrapFiles.put("tls/server-ca.key", "-----BEGIN EC PRIVATE KEY-----\nnot a real key\n"
                + "-----END EC PRIVATE KEY-----\n");
        bootstrapFiles.put("tls/etcd/peer-ca.crt", "peer ca\n");
        bootstrapFiles.put("cred/passwd", "$1:salt:15:8:1:hash,server,server,cairn:server\n");

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("serving", serverKeys.getPrivate(), new char[0], new Certificate[] {serving, ca});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        answer("GET /cacerts", request -> new Answer(200, caPem));
        answer("GET /v1-cairn/config", request -> new Answer(200, "{\"critical\":{\"cluster-cidr\":\"10.42.0.0/16\","
                + "\"service-cidr\":\"10.43.0.0/16\",\"cluster-dns\":\"10.43.0.10\",\"cluster-domain\":"
                + "\"cluster.local\",\"disable\":[],\"disable-helm-controller\":false,\"disable-kube-proxy\":false,"
                + "\"disable-network-policy\":false,\"secrets-encryption\":false}}"));
        answer("GET /v1-cairn/server-bootstrap", request -> new Answer(200, bootstrapAnswer()));
        answer("GET /db/info", request -> new Answer(200, "{\"members\":[{\"ID\":17293822569102704640,"
                + "\"name\":\"s1-0a1b2c3d\",\"peerURLs\":[\"https://127.0.0.11:2380\"],\"clientURLs\":"
                + "[\"https://127.0.0.11:2379\"],\"isLearner\":false}]}"));
        answer("POST /db/members", request -> new Answer(201, "{\"member\":{\"ID\":42,\"name\":\"s2\",\"peerURLs\":"
                + "[\"https://127.0.0.12:2380\"],\"clientURLs\":[],\"isLearner\":true}}"));
        server.start();
    }

    /** {@code https://127.0.0.1:<port>}. */
    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    String caPem() {
        return caPem;
    }

    /** The full token for this supervisor: its CA's hash and {@link #PASSWORD}. */
    String token() {
        return "K10" + dev.cairn.security.api.JoinToken.caHash(caPem.getBytes(StandardCharsets.UTF_8))
                + "::server:" + PASSWORD;
    }

    /** The bootstrap files served, by path under {@code server/}; modifiable before the join. */
    Map<String, String> bootstrapFiles() {
        return bootstrapFiles;
    }

    /** Replaces the answer to {@code "GET /path"}. */
    void answer(String request, Function<Request, Answer> answer) {
        answers.put(request, answer);
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The "METHOD /path" of each request, in order. */
    List<String> requestLines() {
        return requests().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            String line = request.method() + " " + request.path();
            Function<Request, Answer> answer = answers.get(line);
            Answer result;
            if (answer == null) {
                result = new Answer(404, "{\"error\":\"no route " + line + "\"}");
            } else if (!line.equals("GET /cacerts") && !authorized(request)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"cairn\"");
                result = new Answer(401, "{\"error\":\"Unauthorized\"}");
            } else {
                result = answer.apply(request);
            }
            byte[] body = result.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(result.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static boolean authorized(Request request) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(("server:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return expected.equals(request.authorization());
    }

    private String bootstrapAnswer() {
        StringBuilder json = new StringBuilder("{\"files\":{");
        String separator = "";
        for (Map.Entry<String, String> file : bootstrapFiles.entrySet()) {
            json.append(separator).append(Json.quote(file.getKey())).append(":{\"Timestamp\":\"2026-01-02T03:04:05Z\","
                    + "\"Content\":\"").append(Base64.getEncoder().encodeToString(file.getValue()
                    .getBytes(StandardCharsets.UTF_8))).append("\"}");
            separator = ",";
        }
        return json.append("}}").toString();
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair keys, String issuer, PrivateKey signer,
            boolean ca) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name(subject), keys.getPublic());
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static String pem(X509Certificate certificate) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        }
        return text.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
