package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** JSON patch (RFC 6902): add, remove, replace, move, copy, test on JSON-pointer paths. */
final class JsonPatch {
    private JsonPatch() {
    }

    static JsonElement apply(JsonElement target, JsonElement patch) {
        if (!patch.isJsonArray()) {
            throw ApiException.badRequest("a JSON patch must be an array of operations");
        }
        JsonElement doc = target.deepCopy();
        for (JsonElement el : patch.getAsJsonArray()) {
            JsonObject op = el.getAsJsonObject();
            String kind = string(op, "op");
            String path = string(op, "path");
            switch (kind) {
                case "add" -> doc = add(doc, path, value(op));
                case "remove" -> doc = remove(doc, path);
                case "replace" -> {
                    get(doc, path);
                    doc = add(remove(doc, path), path, value(op));
                }
                case "move" -> {
                    JsonElement v = get(doc, string(op, "from"));
                    doc = add(remove(doc, string(op, "from")), path, v);
                }
                case "copy" -> doc = add(doc, path, get(doc, string(op, "from")).deepCopy());
                case "test" -> {
                    if (!get(doc, path).equals(value(op))) {
                        throw new ApiException(422, "Invalid", "testing value " + path + " failed");
                    }
                }
                default -> throw ApiException.badRequest("unknown JSON patch operation \"" + kind + "\"");
            }
        }
        return doc;
    }

    private static String string(JsonObject op, String field) {
        JsonElement e = op.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw ApiException.badRequest("JSON patch operation lacks \"" + field + "\": " + op);
        }
        return e.getAsString();
    }

    private static JsonElement value(JsonObject op) {
        JsonElement v = op.get("value");
        if (v == null) {
            throw ApiException.badRequest("JSON patch operation lacks \"value\": " + op);
        }
        return v;
    }

    static List<String> tokens(String pointer) {
        List<String> out = new ArrayList<>();
        if (pointer.isEmpty()) {
            return out;
        }
        if (!pointer.startsWith("/")) {
            throw ApiException.badRequest("invalid JSON pointer \"" + pointer + "\"");
        }
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    private static JsonElement get(JsonElement doc, String path) {
        JsonElement e = doc;
        for (String t : tokens(path)) {
            e = child(e, t, path);
        }
        return e;
    }

    private static JsonElement child(JsonElement e, String t, String path) {
        JsonElement c = null;
        if (e.isJsonObject()) {
            c = e.getAsJsonObject().get(t);
        } else if (e.isJsonArray()) {
            int i = index(t, e.getAsJsonArray().size() - 1, path);
            c = e.getAsJsonArray().get(i);
        }
        if (c == null) {
            throw new ApiException(422, "Invalid", "path " + path + " does not exist");
        }
        return c;
    }

    private static JsonElement add(JsonElement doc, String path, JsonElement value) {
        List<String> ts = tokens(path);
        if (ts.isEmpty()) {
            return value.deepCopy();
        }
        JsonElement parent = doc;
        for (String t : ts.subList(0, ts.size() - 1)) {
            parent = child(parent, t, path);
        }
        String last = ts.get(ts.size() - 1);
        if (parent.isJsonObject()) {
            parent.getAsJsonObject().add(last, value.deepCopy());
        } else if (parent.isJsonArray()) {
            JsonArray a = parent.getAsJsonArray();
            int i = last.equals("-") ? a.size() : index(last, a.size(), path);
            List<JsonElement> items = new ArrayList<>(a.asList());
            items.add(i, value.deepCopy());
            a.asList().clear();
            items.forEach(a::add);
        } else {
            throw new ApiException(422, "Invalid", "path " + path + " does not exist");
        }
        return doc;
    }

    private static JsonElement remove(JsonElement doc, String path) {
        List<String> ts = tokens(path);
        if (ts.isEmpty()) {
            throw new ApiException(422, "Invalid", "cannot remove the whole document");
        }
        JsonElement parent = doc;
        for (String t : ts.subList(0, ts.size() - 1)) {
            parent = child(parent, t, path);
        }
        String last = ts.get(ts.size() - 1);
        child(parent, last, path);
        if (parent.isJsonObject()) {
            parent.getAsJsonObject().remove(last);
        } else {
            parent.getAsJsonArray().remove(index(last, parent.getAsJsonArray().size() - 1, path));
        }
        return doc;
    }

    private static int index(String t, int max, String path) {
        try {
            int i = Integer.parseInt(t);
            if (i >= 0 && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(422, "Invalid", "index " + t + " out of range in path " + path);
    }
}
