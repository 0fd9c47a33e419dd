package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Secrets through the {@link ObjectStore} with encryption on: what the datastore holds and what clients read. */
public class EncryptedSecretsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore datastore;
    private Path keyFile;
    private ObjectStore store;

    @Before
    public void open() throws Exception {
        datastore = SqliteDatastore.open(new BackendSettings(tmp.newFolder("db").toPath(), "", "node-1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        keyFile = EncryptionConfig.location(tmp.getRoot().toPath());
        store = new ObjectStore(datastore, Clock.systemUTC(), SecretsCipher.encrypting(
                EncryptionConfig.loadOrCreate(keyFile, Clock.systemUTC(), new SecureRandom())));
        DefaultNamespaces.ensure(store);
    }

    @After
    public void close() {
        datastore.close();
    }

    private static JsonObject secret(String name, String password) {
        return JsonParser.parseString("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"a\"}},"
                + "\"stringData\":{\"password\":\"" + password + "\"}}").getAsJsonObject();
    }

    private byte[] raw(String key) {
        return datastore.range(RangeRequest.of(KeyRange.single(Bytes.utf8(key)))).join().kvs().get(0).value();
    }

    private static String password(JsonObject secret) {
        return new String(java.util.Base64.getDecoder().decode(secret.getAsJsonObject("data").get("password")
                .getAsString()), StandardCharsets.UTF_8);
    }

    @Test
    public void secretsAreStoredEncryptedOtherResourcesAreNot() {
        store.create(ResourceType.SECRETS, "default", secret("s1", "hunter2"));
        store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("c1", ""));

        String stored = new String(raw("/registry/secrets/default/s1"), StandardCharsets.ISO_8859_1);
        assertTrue(stored, stored.startsWith("k8s:enc:aescbc:v1:aescbckey-"));
        assertFalse(stored.contains("hunter2"));
        assertFalse(stored.contains("aHVudGVyMg"));
        assertTrue(new String(raw("/registry/configmaps/default/c1"), StandardCharsets.UTF_8).startsWith("{"));
        assertEquals("hunter2", password(store.get(ResourceType.SECRETS, "default", "s1")));
        JsonObject list = store.list(ResourceType.SECRETS, "default", LabelSelector.parse("app=a"),
                FieldSelector.parse(""), 0, null);
        assertEquals("hunter2", password(list.getAsJsonArray("items").get(0).getAsJsonObject()));
    }

    @Test
    public void plaintextStoredBeforeEncryptionIsReadAndEncryptedOnItsNextUpdate() {
        new ObjectStore(datastore, Clock.systemUTC()).create(ResourceType.SECRETS, "default", secret("old", "pw1"));
        assertTrue(new String(raw("/registry/secrets/default/old"), StandardCharsets.UTF_8).startsWith("{"));

        assertEquals("pw1", password(store.get(ResourceType.SECRETS, "default", "old")));
        store.patch(ResourceType.SECRETS, "default", "old", s -> {
            s.getAsJsonObject("metadata").getAsJsonObject("labels").addProperty("touched", "yes");
            return s;
        });

        String stored = new String(raw("/registry/secrets/default/old"), StandardCharsets.ISO_8859_1);
        assertTrue(stored.startsWith("k8s:enc:aescbc:v1:"));
        assertEquals("pw1", password(store.get(ResourceType.SECRETS, "default", "old")));
    }

    @Test
    public void withoutTheKeyFileAnEncryptedSecretIsA500NamingTheFile() {
        store.create(ResourceType.SECRETS, "default", secret("s1", "hunter2"));
        Path missing = tmp.getRoot().toPath().resolve("other/server/cred/encryption-config.json");
        ObjectStore keyless = new ObjectStore(datastore, Clock.systemUTC(), SecretsCipher.withoutKeys(missing));

        ApiException e = expect500(() -> keyless.get(ResourceType.SECRETS, "default", "s1"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("Internal error occurred: unable to transform key"
                + " \"/registry/secrets/default/s1\""));
        assertTrue(e.getMessage(), e.getMessage().contains(missing + " does not exist"));
        expect500(() -> keyless.list(ResourceType.SECRETS, null, LabelSelector.parse(""), FieldSelector.parse(""),
                0, null));
        assertTrue(keyless.anyEncryptedSecret());
        expect500(() -> keyless.delete(ResourceType.SECRETS, "default", "s1"));
        assertEquals("refused, not deleted", "hunter2", password(store.get(ResourceType.SECRETS, "default", "s1")));
    }

    @Test
    public void watchesDecrypt() throws Exception {
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        WatchStream.Sink sink = new WatchStream.Sink() {
            @Override
            public void send(byte[] line) {
                events.add(JsonParser.parseString(new String(line, StandardCharsets.UTF_8)).getAsJsonObject());
            }

            @Override
            public void end() {
            }
        };
        store.create(ResourceType.SECRETS, "default", secret("before", "pw0"));
        ApiRequest request = new ApiRequest("GET", "/api/v1/namespaces/default/secrets", Map.of(), "", "",
                new byte[0], null);
        try (WatchStream watch = new WatchStream(store, new TableRenderer(Clock.systemUTC()),
                ResourcePath.parse("/api/v1/namespaces/default/secrets"), request, sink)) {
            watch.start("");
            store.create(ResourceType.SECRETS, "default", secret("after", "pw1"));

            JsonObject added = events.poll(10, TimeUnit.SECONDS);
            assertEquals("pw0", password(added.getAsJsonObject("object")));
            JsonObject live = events.poll(10, TimeUnit.SECONDS);
            assertEquals("ADDED", live.get("type").getAsString());
            assertEquals("pw1", password(live.getAsJsonObject("object")));
        }
    }

    @Test
    public void anEncryptedSecretTheWatchCannotDecryptEndsItWithAnError() throws Exception {
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        WatchStream.Sink sink = new WatchStream.Sink() {
            @Override
            public void send(byte[] line) {
                events.add(JsonParser.parseString(new String(line, StandardCharsets.UTF_8)).getAsJsonObject());
            }

            @Override
            public void end() {
                ended.countDown();
            }
        };
        ObjectStore keyless = new ObjectStore(datastore, Clock.systemUTC(), SecretsCipher.withoutKeys(keyFile));
        ApiRequest request = new ApiRequest("GET", "/api/v1/namespaces/default/secrets", Map.of(), "", "",
                new byte[0], null);
        try (WatchStream watch = new WatchStream(keyless, new TableRenderer(Clock.systemUTC()),
                ResourcePath.parse("/api/v1/namespaces/default/secrets"), request, sink)) {
            watch.start("");
            datastore.put(PutRequest.of(Bytes.utf8("/registry/secrets/default/x"),
                    "k8s:enc:aescbc:v1:gone:0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)))
                    .join();

            JsonObject error = events.poll(10, TimeUnit.SECONDS);
            assertEquals("ERROR", error.get("type").getAsString());
            assertEquals(500, error.getAsJsonObject("object").get("code").getAsInt());
            assertTrue(ended.await(10, TimeUnit.SECONDS));
        }
    }

    private static ApiException expect500(Runnable r) {
        try {
            r.run();
            throw new AssertionError("expected 500");
        } catch (ApiException e) {
            assertEquals(500, e.code());
            return e;
        }
    }
}
