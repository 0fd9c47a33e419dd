package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One Kubernetes watch ({@code ?watch=1}): a stream of {@code {"type":…,"object":…}} lines from a datastore watch
 * on the resource's key prefix. Without a resourceVersion (or with "0") it starts, as Kubernetes does, with an
 * ADDED event per existing object; otherwise it resumes after the given revision, and a compacted one ends the
 * stream with an ERROR event carrying 410 Expired.
 */
final class WatchStream implements WatchListener, AutoCloseable {

    /** Where event lines go: the HTTP response body. */
    interface Sink {
        void send(byte[] line);

        /** Ends the response; no send follows. */
        void end();
    }

    private final ObjectStore store;
    private final TableRenderer tables;
    private final ResourcePath path;
    private final LabelSelector labels;
    private final FieldSelector fields;
    private final boolean asTable;
    private final boolean bookmarks;
    private final Sink sink;
    private volatile Watch watch;
    private boolean headersSent;
    private boolean failed;

    WatchStream(ObjectStore store, TableRenderer tables, ResourcePath path, ApiRequest request, Sink sink) {
        this.store = store;
        this.tables = tables;
        this.path = path;
        this.labels = LabelSelector.parse(request.param("labelSelector"));
        String fieldSelector = request.param("fieldSelector");
        if (path.name() != null) {
            fieldSelector = (fieldSelector.isEmpty() ? "" : fieldSelector + ",") + "metadata.name=" + path.name();
        }
        this.fields = FieldSelector.parse(fieldSelector);
        this.asTable = request.wantsTable();
        this.bookmarks = request.flag("allowWatchBookmarks");
        this.sink = sink;
    }

    /** Sends the initial state when asked for and starts watching. */
    void start(String resourceVersion) {
        long from;
        if (resourceVersion.isEmpty() || resourceVersion.equals("0")) {
            JsonObject list = store.list(path.type(), path.namespace(), labels, fields, 0, null);
            synchronized (this) {
                list.getAsJsonArray("items").forEach(i -> emit("ADDED", i.getAsJsonObject()));
            }
            from = Long.parseLong(list.getAsJsonObject("metadata").get("resourceVersion").getAsString()) + 1;
        } else {
            from = ObjectStore.parseRevision(resourceVersion) + 1;
        }
        byte[] prefix = Bytes.utf8(ObjectStore.prefix(path.type(), path.namespace()));
        watch = store.datastore().watch(new WatchRequest(KeyRange.prefix(prefix), from, true, false, false), this);
    }

    @Override
    public synchronized void onEvents(List<Event> events, long revision) {
        if (failed) {
            return;
        }
        try {
            for (Event e : events) {
                onEvent(e);
            }
        } catch (ApiException e) {
            // a value that cannot be decrypted: the client learns why, and the stream ends (closing the
            // connection closes the datastore watch)
            failed = true;
            JsonObject event = new JsonObject();
            event.addProperty("type", "ERROR");
            event.add("object", e.status());
            sink.send(line(event));
            sink.end();
        }
    }

    private void onEvent(Event e) {
        JsonObject now = e.type() == Event.Type.PUT ? store.decode(e.kv()) : null;
        JsonObject before = e.prevKv() != null && e.prevKv().value() != null && e.prevKv().value().length > 0
                ? store.decode(e.prevKv()) : null;
        boolean nowMatches = now != null && matches(now);
        boolean beforeMatches = before != null && matches(before);
        if (now != null && nowMatches) {
            emit(beforeMatches ? "MODIFIED" : "ADDED", now);
        } else if (now != null && beforeMatches) {
            emit("DELETED", now);
        } else if (now == null && beforeMatches) {
            ObjectStore.metadata(before).addProperty("resourceVersion", Long.toString(e.kv().modRevision()));
            emit("DELETED", before);
        }
    }

    private boolean matches(JsonObject o) {
        return labels.matches(ObjectStore.labelsOf(o)) && fields.matches(o);
    }

    /** Asks the datastore where the watch stands; the answer becomes a BOOKMARK when the client allows them. */
    void bookmark() {
        Watch w = watch;
        if (bookmarks && w != null) {
            w.requestProgress();
        }
    }

    @Override
    public synchronized void onProgress(long revision) {
        if (!bookmarks) {
            return;
        }
        JsonObject object = new JsonObject();
        object.addProperty("kind", path.type().kind());
        object.addProperty("apiVersion", path.type().apiVersion());
        JsonObject meta = new JsonObject();
        meta.addProperty("resourceVersion", Long.toString(revision));
        object.add("metadata", meta);
        JsonObject event = new JsonObject();
        event.addProperty("type", "BOOKMARK");
        event.add("object", object);
        sink.send(line(event));
    }

    @Override
    public synchronized void onCancelled(long compactRevision, String reason) {
        ApiException e = compactRevision > 0
                ? ApiException.gone("too old resource version: the watch start was compacted at revision "
                        + compactRevision)
                : new ApiException(500, "InternalError", "the watch ended: " + reason);
        JsonObject event = new JsonObject();
        event.addProperty("type", "ERROR");
        event.add("object", e.status());
        sink.send(line(event));
        sink.end();
    }

    private void emit(String type, JsonObject object) {
        JsonObject event = new JsonObject();
        event.addProperty("type", type);
        event.add("object", asTable ? tables.render(path.type(), object, !headersSent) : object);
        headersSent = true;
        sink.send(line(event));
    }

    private static byte[] line(JsonObject event) {
        return (event + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
