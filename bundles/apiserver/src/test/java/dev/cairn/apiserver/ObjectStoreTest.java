package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ObjectStoreTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore datastore;
    private ObjectStore store;

    @Before
    public void open() throws Exception {
        datastore = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        store = new ObjectStore(datastore, Clock.systemUTC());
        DefaultNamespaces.ensure(store);
    }

    @After
    public void close() {
        datastore.close();
    }

    static JsonObject configMap(String name, String labels) {
        return JsonParser.parseString("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels
                + "}},\"data\":{\"a\":\"1\"}}").getAsJsonObject();
    }

    @Test
    public void createStoresJsonUnderRegistryWithTheRevisionAsResourceVersion() {
        JsonObject created = store.create(ResourceType.CONFIGMAPS, "default", configMap("x", ""));
        JsonObject meta = created.getAsJsonObject("metadata");
        long rv = Long.parseLong(meta.get("resourceVersion").getAsString());
        assertEquals(datastore.currentRevision(), rv);
        assertNotNull(meta.get("uid"));
        assertNotNull(meta.get("creationTimestamp"));
        var kvs = datastore.range(RangeRequest.of(KeyRange.single(Bytes.utf8("/registry/configmaps/default/x"))))
                .join().kvs();
        String stored = new String(kvs.get(0).value(), StandardCharsets.UTF_8);
        assertFalse("resourceVersion is never stored", stored.contains("resourceVersion"));
        assertEquals("x", store.get(ResourceType.CONFIGMAPS, "default", "x").getAsJsonObject("metadata")
                .get("name").getAsString());
    }

    @Test
    public void createTwiceIsAlreadyExistsAndMissingNamespaceIsNotFound() {
        store.create(ResourceType.CONFIGMAPS, "default", configMap("x", ""));
        expect(409, "AlreadyExists", () -> store.create(ResourceType.CONFIGMAPS, "default", configMap("x", "")));
        expect(404, "NotFound", () -> store.create(ResourceType.CONFIGMAPS, "nope", configMap("x", "")));
        expect(422, "Invalid", () -> store.create(ResourceType.CONFIGMAPS, "default", configMap("Bad_Name", "")));
    }

    @Test
    public void updateWithAStaleResourceVersionIsConflict() {
        JsonObject created = store.create(ResourceType.CONFIGMAPS, "default", configMap("x", ""));
        JsonObject first = created.deepCopy();
        first.getAsJsonObject("data").addProperty("a", "2");
        JsonObject updated = store.update(ResourceType.CONFIGMAPS, "default", "x", first);
        assertEquals(created.getAsJsonObject("metadata").get("uid"), updated.getAsJsonObject("metadata").get("uid"));
        JsonObject stale = created.deepCopy();
        stale.getAsJsonObject("data").addProperty("a", "3");
        expect(409, "Conflict", () -> store.update(ResourceType.CONFIGMAPS, "default", "x", stale));
        assertEquals("2", store.get(ResourceType.CONFIGMAPS, "default", "x").getAsJsonObject("data").get("a")
                .getAsString());
    }

    @Test
    public void deleteRemovesAndSecondDeleteIsNotFound() {
        store.create(ResourceType.CONFIGMAPS, "default", configMap("x", ""));
        store.delete(ResourceType.CONFIGMAPS, "default", "x");
        expect(404, "NotFound", () -> store.get(ResourceType.CONFIGMAPS, "default", "x"));
        expect(404, "NotFound", () -> store.delete(ResourceType.CONFIGMAPS, "default", "x"));
    }

    @Test
    public void pagesWithContinueTokensSeeOneRevisionAndFilterByLabels() {
        for (int i = 0; i < 25; i++) {
            store.create(ResourceType.CONFIGMAPS, "default", configMap(String.format("cm-%02d", i),
                    "\"parity\":\"" + (i % 2 == 0 ? "even" : "odd") + "\""));
        }
        List<String> names = new ArrayList<>();
        String token = null;
        String listRevision = null;
        int pages = 0;
        do {
            JsonObject page = store.list(ResourceType.CONFIGMAPS, "default", LabelSelector.parse("parity=even"),
                    FieldSelector.parse(""), 4, token);
            pages++;
            page.getAsJsonArray("items").forEach(i -> names.add(i.getAsJsonObject().getAsJsonObject("metadata")
                    .get("name").getAsString()));
            JsonObject meta = page.getAsJsonObject("metadata");
            if (listRevision == null) {
                listRevision = meta.get("resourceVersion").getAsString();
                // a write between pages must not show up in later pages
                store.create(ResourceType.CONFIGMAPS, "default", configMap("cm-99", "\"parity\":\"even\""));
            }
            assertEquals(listRevision, meta.get("resourceVersion").getAsString());
            token = meta.has("continue") ? meta.get("continue").getAsString() : null;
        } while (token != null);
        assertEquals(13, names.size());
        assertEquals("cm-00", names.get(0));
        assertEquals("cm-24", names.get(12));
        assertEquals(4, pages);
    }

    @Test
    public void fieldSelectorOnNamePinsOneKey() {
        store.create(ResourceType.CONFIGMAPS, "default", configMap("a", ""));
        store.create(ResourceType.CONFIGMAPS, "default", configMap("b", ""));
        JsonObject list = store.list(ResourceType.CONFIGMAPS, "default", LabelSelector.parse(""),
                FieldSelector.parse("metadata.name=b"), 500, null);
        assertEquals(1, list.getAsJsonArray("items").size());
        JsonObject all = store.list(ResourceType.CONFIGMAPS, null, LabelSelector.parse(""),
                FieldSelector.parse("metadata.namespace=default"), 0, null);
        assertEquals(2, all.getAsJsonArray("items").size());
    }

    @Test
    public void tokenFromAnotherResourceIsBadRequest() {
        String token = new ContinueToken(5, "/registry/secrets/default/x").encode();
        expect(400, "BadRequest", () -> store.list(ResourceType.CONFIGMAPS, "default", LabelSelector.parse(""),
                FieldSelector.parse(""), 1, token));
        ContinueToken round = ContinueToken.decode(new ContinueToken(7, "/registry/configmaps/a").encode(),
                "/registry/configmaps/");
        assertEquals(7, round.revision());
        assertEquals("/registry/configmaps/a", round.nextKey());
    }

    @Test
    public void compactedContinueTokenIsGone() {
        store.create(ResourceType.CONFIGMAPS, "default", configMap("a", ""));
        store.create(ResourceType.CONFIGMAPS, "default", configMap("b", ""));
        JsonObject page = store.list(ResourceType.CONFIGMAPS, "default", LabelSelector.parse(""),
                FieldSelector.parse(""), 1, null);
        String token = page.getAsJsonObject("metadata").get("continue").getAsString();
        store.create(ResourceType.CONFIGMAPS, "default", configMap("c", ""));
        datastore.compact(datastore.currentRevision(), true).join();
        expect(410, "Expired", () -> store.list(ResourceType.CONFIGMAPS, "default", LabelSelector.parse(""),
                FieldSelector.parse(""), 1, token));
    }

    @Test
    public void patchRetriesOnConcurrentWriteAndSecretsKeepStringDataEncoded() {
        JsonObject secret = JsonParser.parseString("{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"p\":\"q\"}}")
                .getAsJsonObject();
        JsonObject created = store.create(ResourceType.SECRETS, "default", secret);
        assertEquals("Opaque", created.get("type").getAsString());
        assertEquals("cQ==", created.getAsJsonObject("data").get("p").getAsString());
        assertFalse(created.has("stringData"));
        int[] calls = {0};
        store.patch(ResourceType.SECRETS, "default", "s", current -> {
            if (calls[0]++ == 0) {
                // another writer gets in between the read and the write
                store.patch(ResourceType.SECRETS, "default", "s", c -> {
                    ObjectStore.metadata(c).add("labels", JsonParser.parseString("{\"x\":\"1\"}"));
                    return c;
                });
            }
            current.getAsJsonObject("data").addProperty("n", "MQ==");
            return current;
        });
        JsonObject after = store.get(ResourceType.SECRETS, "default", "s");
        assertEquals(2, calls[0]);
        assertEquals("1", after.getAsJsonObject("metadata").getAsJsonObject("labels").get("x").getAsString());
        assertEquals("MQ==", after.getAsJsonObject("data").get("n").getAsString());
    }

    @Test
    public void deletingANamespaceDeletesItsObjects() {
        JsonObject ns = JsonParser.parseString("{\"metadata\":{\"name\":\"team\"}}").getAsJsonObject();
        JsonObject created = store.create(ResourceType.NAMESPACES, null, ns);
        assertEquals("Active", created.getAsJsonObject("status").get("phase").getAsString());
        store.create(ResourceType.CONFIGMAPS, "team", configMap("x", ""));
        store.delete(ResourceType.NAMESPACES, null, "team");
        assertTrue(store.list(ResourceType.CONFIGMAPS, "team", LabelSelector.parse(""), FieldSelector.parse(""), 0,
                null).getAsJsonArray("items").isEmpty());
    }

    static void expect(int code, String reason, Runnable r) {
        try {
            r.run();
            fail("expected " + code + " " + reason);
        } catch (ApiException e) {
            assertEquals(e.getMessage(), code, e.code());
            assertEquals(reason, e.reason());
        }
    }
}
