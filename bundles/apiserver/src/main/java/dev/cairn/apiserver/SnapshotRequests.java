package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.snapshot.SnapshotService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /db/snapshot}, K3s's endpoint for {@code etcd-snapshot}: a JSON body {@code {"operation":
 * "save|list|delete|prune", ...}} carried out by this server's {@link SnapshotService}. Answers {@code
 * {"snapshot":{...}}} for a save, {@code {"snapshots":[...]}} for a list and {@code {"deleted":[...]}} otherwise.
 */
final class SnapshotRequests {
    private final Supplier<SnapshotService> snapshots;

    SnapshotRequests(Supplier<SnapshotService> snapshots) {
        this.snapshots = snapshots;
    }

    ApiResponse handle(byte[] body) {
        SnapshotService service = snapshots.get();
        if (service == null) {
            throw new SupervisorError(503, "snapshots are not available on this server yet: its datastore is not"
                    + " open; try again once it serves");
        }
        JsonObject request = parse(body);
        String operation = string(request, "operation", "");
        try {
            JsonObject answer = new JsonObject();
            switch (operation) {
                case "save" -> answer.add("snapshot", json(service.save(string(request, "name", ""),
                        request.has("compress") && request.get("compress").getAsBoolean())));
                case "list" -> {
                    JsonArray files = new JsonArray();
                    service.list().forEach(f -> files.add(json(f)));
                    answer.add("snapshots", files);
                }
                case "delete" -> answer.add("deleted", names(service.delete(names(request))));
                case "prune" -> answer.add("deleted", names(service.prune(string(request, "name", ""),
                        request.has("retention") ? request.get("retention").getAsInt() : 5)));
                default -> throw new SupervisorError(400, "unknown snapshot operation '" + operation
                        + "'; use save, list, delete or prune");
            }
            return ApiResponse.json(200, answer);
        } catch (SnapshotException e) {
            throw new SupervisorError(409, e.getMessage());
        }
    }

    private static JsonObject parse(byte[] body) {
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (JsonParseException | IllegalStateException e) {
            // answered below
        }
        throw new SupervisorError(400, "the body of /db/snapshot must be a JSON object like"
                + " {\"operation\":\"save\",\"name\":\"on-demand\"}");
    }

    private static String string(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    private static List<String> names(JsonObject request) {
        List<String> names = new ArrayList<>();
        JsonElement e = request.get("names");
        if (e != null && e.isJsonArray()) {
            e.getAsJsonArray().forEach(n -> names.add(n.getAsString()));
        }
        if (names.isEmpty()) {
            throw new SupervisorError(400, "delete needs the names of the snapshots to delete");
        }
        return names;
    }

    private static JsonArray names(List<String> names) {
        JsonArray array = new JsonArray();
        names.forEach(array::add);
        return array;
    }

    private static JsonObject json(SnapshotFile f) {
        JsonObject o = new JsonObject();
        o.addProperty("name", f.name());
        o.addProperty("location", f.location().toString());
        o.addProperty("size", f.size());
        o.addProperty("createdAt", f.createdAt().getEpochSecond());
        o.addProperty("revision", f.revision());
        return o;
    }
}
