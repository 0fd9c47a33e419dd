package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/** JSON merge patch (RFC 7386): objects merge recursively, null removes, anything else replaces. */
final class MergePatch {
    private MergePatch() {
    }

    static JsonElement apply(JsonElement target, JsonElement patch) {
        if (!patch.isJsonObject()) {
            return patch.deepCopy();
        }
        JsonObject result = target != null && target.isJsonObject() ? target.getAsJsonObject().deepCopy()
                : new JsonObject();
        for (Map.Entry<String, JsonElement> e : patch.getAsJsonObject().entrySet()) {
            if (e.getValue().isJsonNull()) {
                result.remove(e.getKey());
            } else {
                result.add(e.getKey(), apply(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
