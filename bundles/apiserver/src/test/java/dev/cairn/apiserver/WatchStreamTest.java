package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import dev.cairn.datastore.spi.BackendSettings;
import java.nio.charset.StandardCharsets;
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

public class WatchStreamTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore datastore;
    private ObjectStore store;
    private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    private final WatchStream.Sink sink = new WatchStream.Sink() {
        @Override
        public void send(byte[] line) {
            events.add(JsonParser.parseString(new String(line, StandardCharsets.UTF_8)).getAsJsonObject());
        }

        @Override
        public void end() {
            ended.countDown();
        }
    };

    @Before
    public void open() {
        datastore = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        store = new ObjectStore(datastore, Clock.systemUTC());
        DefaultNamespaces.ensure(store);
    }

    @After
    public void close() {
        datastore.close();
    }

    private WatchStream watch(String query) {
        ApiRequest request = new ApiRequest("GET", "/api/v1/namespaces/default/configmaps",
                new io.netty.handler.codec.http.QueryStringDecoder("?" + query).parameters(), "", "", new byte[0],
                null);
        return new WatchStream(store, new TableRenderer(Clock.systemUTC()),
                ResourcePath.parse("/api/v1/namespaces/default/configmaps"), request, sink);
    }

    private JsonObject next() throws InterruptedException {
        JsonObject e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no watch event within 10 s");
        }
        return e;
    }

    private static String name(JsonObject event) {
        return event.getAsJsonObject("object").getAsJsonObject("metadata").get("name").getAsString();
    }

    @Test
    public void startsWithExistingObjectsThenStreamsChangesMatchingTheSelector() throws Exception {
        store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("old", "\"app\":\"a\""));
        try (WatchStream w = watch("labelSelector=app%3Da")) {
            w.start("");
            JsonObject first = next();
            assertEquals("ADDED", first.get("type").getAsString());
            assertEquals("old", name(first));
            store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("other", "\"app\":\"b\""));
            store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("new", "\"app\":\"a\""));
            JsonObject added = next();
            assertEquals("ADDED", added.get("type").getAsString());
            assertEquals("new", name(added));
            store.patch(ResourceType.CONFIGMAPS, "default", "new", o -> {
                o.getAsJsonObject("data").addProperty("z", "1");
                return o;
            });
            assertEquals("MODIFIED", next().get("type").getAsString());
            JsonObject deleted = store.delete(ResourceType.CONFIGMAPS, "default", "new");
            JsonObject gone = next();
            assertEquals("DELETED", gone.get("type").getAsString());
            assertEquals(deleted.getAsJsonObject("metadata").get("resourceVersion"),
                    gone.getAsJsonObject("object").getAsJsonObject("metadata").get("resourceVersion"));
        }
    }

    @Test
    public void resumesAfterAResourceVersion() throws Exception {
        JsonObject a = store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("a", ""));
        store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("b", ""));
        try (WatchStream w = watch("")) {
            w.start(a.getAsJsonObject("metadata").get("resourceVersion").getAsString());
            JsonObject e = next();
            assertEquals("ADDED", e.get("type").getAsString());
            assertEquals("b", name(e));
        }
    }

    @Test
    public void bookmarksWhenAllowed() throws Exception {
        JsonObject a = store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("a", ""));
        String rv = a.getAsJsonObject("metadata").get("resourceVersion").getAsString();
        try (WatchStream w = watch("allowWatchBookmarks=true")) {
            w.start(rv);
            w.bookmark();
            JsonObject e = next();
            assertEquals("BOOKMARK", e.get("type").getAsString());
            assertEquals(rv, e.getAsJsonObject("object").getAsJsonObject("metadata").get("resourceVersion")
                    .getAsString());
        }
    }

    @Test
    public void aCompactedResourceVersionIsAn410ExpiredError() throws Exception {
        JsonObject a = store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("a", ""));
        store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("b", ""));
        store.create(ResourceType.CONFIGMAPS, "default", ObjectStoreTest.configMap("c", ""));
        datastore.compact(datastore.currentRevision(), true).join();
        try (WatchStream w = watch("")) {
            w.start(a.getAsJsonObject("metadata").get("resourceVersion").getAsString());
            JsonObject e = next();
            assertEquals("ERROR", e.get("type").getAsString());
            assertEquals(410, e.getAsJsonObject("object").get("code").getAsInt());
            assertEquals("Expired", e.getAsJsonObject("object").get("reason").getAsString());
            assertTrue("the stream ends after the error", ended.await(10, TimeUnit.SECONDS));
        }
    }
}
