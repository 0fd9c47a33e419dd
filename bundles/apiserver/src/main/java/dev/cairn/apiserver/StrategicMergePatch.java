package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strategic merge patch for the served types: a merge patch in which the lists Kubernetes declares with a patch
 * merge key (node conditions and addresses by {@code type}, taints by {@code key}, owner references by {@code uid})
 * merge element by element, finalizers merge as a set, and the directives kubectl sends ({@code $patch},
 * {@code $retainKeys}, {@code $setElementOrder/…}, {@code $deleteFromPrimitiveList/…}) are honoured.
 */
final class StrategicMergePatch {
    /** The patch merge key of each list field, as in Kubernetes' types (x-kubernetes-patch-merge-key). */
    static final Map<String, String> MERGE_KEYS = Map.of("conditions", "type", "addresses", "type", "taints", "key",
            "ownerReferences", "uid");
    /** Lists of strings merged as sets (x-kubernetes-patch-strategy: merge, no key). */
    static final List<String> MERGED_PRIMITIVE_LISTS = List.of("finalizers");

    private StrategicMergePatch() {
    }

    static JsonElement apply(JsonElement target, JsonElement patch) {
        if (!patch.isJsonObject()) {
            throw ApiException.badRequest("a strategic merge patch must be a JSON object");
        }
        return mergeObject(target != null && target.isJsonObject() ? target.getAsJsonObject() : new JsonObject(),
                patch.getAsJsonObject());
    }

    private static JsonObject mergeObject(JsonObject target, JsonObject patch) {
        JsonElement directive = patch.get("$patch");
        if (directive != null && "replace".equals(directive.getAsString())) {
            JsonObject replaced = patch.deepCopy();
            replaced.remove("$patch");
            return replaced;
        }
        JsonObject result = target.deepCopy();
        for (Map.Entry<String, JsonElement> e : patch.entrySet()) {
            String field = e.getKey();
            JsonElement value = e.getValue();
            if (field.equals("$patch") || field.equals("$retainKeys") || field.startsWith("$setElementOrder/")) {
                continue;
            }
            if (field.startsWith("$deleteFromPrimitiveList/")) {
                String list = field.substring("$deleteFromPrimitiveList/".length());
                JsonElement current = result.get(list);
                if (current != null && current.isJsonArray() && value.isJsonArray()) {
                    JsonArray kept = new JsonArray();
                    current.getAsJsonArray().forEach(x -> {
                        if (!value.getAsJsonArray().contains(x)) {
                            kept.add(x);
                        }
                    });
                    result.add(list, kept);
                }
                continue;
            }
            if (value.isJsonNull()) {
                result.remove(field);
            } else if (value.isJsonObject()) {
                JsonElement d = value.getAsJsonObject().get("$patch");
                if (d != null && "delete".equals(d.getAsString())) {
                    result.remove(field);
                } else {
                    JsonElement current = result.get(field);
                    result.add(field, mergeObject(current != null && current.isJsonObject()
                            ? current.getAsJsonObject() : new JsonObject(), value.getAsJsonObject()));
                }
            } else if (value.isJsonArray() && result.get(field) != null && result.get(field).isJsonArray()) {
                result.add(field, mergeList(field, result.get(field).getAsJsonArray(), value.getAsJsonArray()));
            } else {
                result.add(field, stripDirectives(value));
            }
        }
        return result;
    }

    private static JsonArray mergeList(String field, JsonArray current, JsonArray patch) {
        String key = MERGE_KEYS.get(field);
        if (key != null) {
            List<JsonElement> items = new ArrayList<>(current.deepCopy().asList());
            for (JsonElement p : patch) {
                if (!p.isJsonObject() || !p.getAsJsonObject().has(key)) {
                    continue;
                }
                JsonObject po = p.getAsJsonObject();
                int at = indexOf(items, key, po.get(key));
                JsonElement d = po.get("$patch");
                if (d != null && "delete".equals(d.getAsString())) {
                    if (at >= 0) {
                        items.remove(at);
                    }
                } else if (at >= 0) {
                    items.set(at, mergeObject(items.get(at).getAsJsonObject(), po));
                } else {
                    items.add(stripDirectives(po));
                }
            }
            JsonArray out = new JsonArray();
            items.forEach(out::add);
            return out;
        }
        if (MERGED_PRIMITIVE_LISTS.contains(field)) {
            JsonArray out = current.deepCopy();
            patch.forEach(p -> {
                if (!out.contains(p)) {
                    out.add(p);
                }
            });
            return out;
        }
        return stripDirectives(patch).getAsJsonArray();
    }

    private static int indexOf(List<JsonElement> items, String key, JsonElement value) {
        for (int i = 0; i < items.size(); i++) {
            JsonElement it = items.get(i);
            if (it.isJsonObject() && value.equals(it.getAsJsonObject().get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static JsonElement stripDirectives(JsonElement value) {
        if (value.isJsonObject()) {
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
                if (!e.getKey().startsWith("$")) {
                    out.add(e.getKey(), stripDirectives(e.getValue()));
                }
            }
            return out;
        }
        if (value.isJsonArray()) {
            JsonArray out = new JsonArray();
            value.getAsJsonArray().forEach(x -> out.add(stripDirectives(x)));
            return out;
        }
        return value.deepCopy();
    }
}
