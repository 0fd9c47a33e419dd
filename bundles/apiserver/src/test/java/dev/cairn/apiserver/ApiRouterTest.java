package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ApiRouterTest {
    private static final ApiRequest.User ADMIN = new ApiRequest.User("system:admin", List.of("system:masters"));

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore datastore;
    private ApiRouter router;

    @Before
    public void open() {
        datastore = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        ObjectStore store = new ObjectStore(datastore, Clock.systemUTC());
        DefaultNamespaces.ensure(store);
        router = new ApiRouter(store, new TableRenderer(Clock.systemUTC()), new Discovery("127.0.0.1:6443"),
                new OpenApi(), new HealthProbe(datastore));
    }

    @After
    public void close() {
        datastore.close();
    }

    private ApiResponse call(String method, String uri, String contentType, String body, ApiRequest.User user) {
        QueryStringDecoder d = new QueryStringDecoder(uri);
        ApiResponse[] answer = new ApiResponse[1];
        router.handle(new ApiRequest(method, d.path(), d.parameters(), contentType, "application/json",
                body.getBytes(StandardCharsets.UTF_8), user), new ApiRouter.Exchange() {
                    @Override
                    public void respond(ApiResponse response) {
                        answer[0] = response;
                    }

                    @Override
                    public WatchStream.Sink startStream(Runnable onClose, Duration timeout) {
                        throw new AssertionError("no stream expected");
                    }

                    @Override
                    public void repeatWhileOpen(Duration period, Runnable task) {
                        throw new AssertionError("no stream expected");
                    }
                });
        assertNotNull(answer[0]);
        return answer[0];
    }

    private ApiResponse get(String uri) {
        return call("GET", uri, "", "", ADMIN);
    }

    private static JsonObject json(ApiResponse r) {
        return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    @Test
    public void withoutCertificateIs401AndWithoutSystemMastersIs403() {
        ApiResponse anonymous = call("GET", "/api/v1/nodes", "", "", null);
        assertEquals(401, anonymous.code());
        assertEquals("Unauthorized", json(anonymous).get("reason").getAsString());
        ApiResponse other = call("GET", "/api/v1/nodes", "", "", new ApiRequest.User("bob", List.of("dev")));
        assertEquals(403, other.code());
        assertEquals("Forbidden", json(other).get("reason").getAsString());
        assertEquals(200, call("GET", "/version", "", "", null).code());
        assertEquals("ok", new String(call("GET", "/readyz", "", "", null).body(), StandardCharsets.UTF_8));
    }

    @Test
    public void subjectOfTheAdminCertificateIsSystemMasters() {
        ApiRequest.User user = HttpsListener.userOf("CN=system:admin,O=system:masters");
        assertEquals("system:admin", user.name());
        assertTrue(user.isMaster());
    }

    @Test
    public void discoveryAndVersion() {
        assertEquals("v1.32.0+cairn", json(get("/version")).get("gitVersion").getAsString());
        assertEquals("v1", json(get("/api")).getAsJsonArray("versions").get(0).getAsString());
        assertEquals("coordination.k8s.io", json(get("/apis")).getAsJsonArray("groups").get(0).getAsJsonObject()
                .get("name").getAsString());
        JsonObject core = json(get("/api/v1"));
        assertTrue(core.toString().contains("\"name\":\"configmaps\""));
        assertTrue(json(get("/apis/coordination.k8s.io/v1")).toString().contains("\"kind\":\"Lease\""));
        assertEquals(404, get("/apis/apps/v1/deployments").code());
    }

    @Test
    public void openApiHasGroupVersionKindsAndFieldValidationOnPatch() {
        JsonObject index = json(get("/openapi/v3"));
        String url = index.getAsJsonObject("paths").getAsJsonObject("api/v1").get("serverRelativeURL")
                .getAsString();
        JsonObject doc = json(get(url));
        JsonObject patch = doc.getAsJsonObject("paths")
                .getAsJsonObject("/api/v1/namespaces/{namespace}/configmaps/{name}").getAsJsonObject("patch");
        assertEquals("ConfigMap", patch.getAsJsonObject("x-kubernetes-group-version-kind").get("kind")
                .getAsString());
        boolean fieldValidation = false;
        for (JsonElement p : patch.getAsJsonArray("parameters")) {
            fieldValidation |= p.getAsJsonObject().get("name").getAsString().equals("fieldValidation");
        }
        assertTrue(fieldValidation);
        assertTrue(patch.getAsJsonObject("requestBody").getAsJsonObject("content")
                .has("application/strategic-merge-patch+json"));
        assertNotNull(doc.getAsJsonObject("components").getAsJsonObject("schemas")
                .getAsJsonObject("io.k8s.api.core.v1.ConfigMap"));
        assertNotNull(json(get("/openapi/v3/apis/coordination.k8s.io/v1")).getAsJsonObject("components")
                .getAsJsonObject("schemas").getAsJsonObject("io.k8s.api.coordination.v1.Lease"));
    }

    @Test
    public void dryRunWritesNothing() {
        long before = datastore.currentRevision();
        ApiResponse r = call("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", "application/json",
                "{\"metadata\":{\"name\":\"d\"}}", ADMIN);
        assertEquals(201, r.code());
        assertEquals(before, datastore.currentRevision());
        assertEquals(404, get("/api/v1/namespaces/default/configmaps/d").code());
        assertEquals(400, call("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some", "application/json",
                "{\"metadata\":{\"name\":\"d\"}}", ADMIN).code());
    }

    @Test
    public void strictFieldValidationRefusesUnknownFields() {
        ApiResponse r = call("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                "application/json", "{\"metadata\":{\"name\":\"s\"},\"dta\":{}}", ADMIN);
        assertEquals(400, r.code());
        assertTrue(json(r).get("message").getAsString().endsWith("strict decoding error: unknown field \"dta\""));
        assertEquals(201, call("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                        + "\"s\",\"labels\":{\"a\":\"b\"}},\"data\":{}}", ADMIN).code());
    }

    @Test
    public void deleteCollectionBySelectorAndProtectedNamespaces() {
        for (String n : List.of("a", "b", "c")) {
            assertEquals(201, call("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                    "{\"metadata\":{\"name\":\"" + n + "\",\"labels\":{\"drop\":\"" + !n.equals("c") + "\"}}}",
                    ADMIN).code());
        }
        assertEquals(200, call("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=drop%3Dtrue", "", "",
                ADMIN).code());
        assertEquals(1, json(get("/api/v1/namespaces/default/configmaps")).getAsJsonArray("items").size());
        ApiResponse forbidden = call("DELETE", "/api/v1/namespaces/default", "", "", ADMIN);
        assertEquals(403, forbidden.code());
    }

    @Test
    public void tableAnswerForKubectlGet() {
        QueryStringDecoder d = new QueryStringDecoder("/api/v1/namespaces");
        ApiResponse[] answer = new ApiResponse[1];
        router.handle(new ApiRequest("GET", d.path(), d.parameters(), "", "application/json;as=Table;v=v1;"
                + "g=meta.k8s.io,application/json", new byte[0], ADMIN), new ApiRouter.Exchange() {
                    @Override
                    public void respond(ApiResponse response) {
                        answer[0] = response;
                    }

                    @Override
                    public WatchStream.Sink startStream(Runnable onClose, Duration timeout) {
                        throw new AssertionError();
                    }

                    @Override
                    public void repeatWhileOpen(Duration period, Runnable task) {
                        throw new AssertionError();
                    }
                });
        JsonObject table = json(answer[0]);
        assertEquals("Table", table.get("kind").getAsString());
        assertEquals(4, table.getAsJsonArray("rows").size());
    }
}
