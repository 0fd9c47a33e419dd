package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** The fields Kubernetes defaults on create for the served types. */
final class Defaults {
    private Defaults() {
    }

    static void onCreate(ResourceType type, JsonObject object) {
        if (type == ResourceType.SECRETS) {
            if (ObjectStore.string(object, "type").isEmpty()) {
                object.addProperty("type", "Opaque");
            }
            moveStringData(object);
        } else if (type == ResourceType.NAMESPACES) {
            JsonObject spec = object.has("spec") ? object.getAsJsonObject("spec") : new JsonObject();
            if (!spec.has("finalizers")) {
                JsonArray f = new JsonArray();
                f.add("kubernetes");
                spec.add("finalizers", f);
            }
            object.add("spec", spec);
            JsonObject status = new JsonObject();
            status.addProperty("phase", "Active");
            object.add("status", status);
            JsonObject labels = ObjectStore.metadata(object).has("labels")
                    ? ObjectStore.metadata(object).getAsJsonObject("labels") : new JsonObject();
            labels.addProperty("kubernetes.io/metadata.name", ObjectStore.string(ObjectStore.metadata(object), "name"));
            ObjectStore.metadata(object).add("labels", labels);
        }
    }

    /** A secret's stringData is write-only: Kubernetes stores it base64-encoded in data. */
    static void moveStringData(JsonObject secret) {
        if (secret.has("stringData") && secret.get("stringData").isJsonObject()) {
            JsonObject data = secret.has("data") && secret.get("data").isJsonObject()
                    ? secret.getAsJsonObject("data") : new JsonObject();
            secret.getAsJsonObject("stringData").entrySet().forEach(e -> {
                if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                    // Kubernetes' JSON decoding refuses a non-string too; quoting it in YAML is the fix
                    throw ApiException.badRequest("Secret in version \"v1\" cannot be handled as a Secret: json:"
                            + " cannot unmarshal " + e.getValue() + " into Go struct field Secret.stringData of type"
                            + " string (quote the value of stringData." + e.getKey() + ")");
                }
                data.addProperty(e.getKey(), java.util.Base64.getEncoder().encodeToString(
                        e.getValue().getAsString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            });
            secret.add("data", data);
            secret.remove("stringData");
        }
    }
}
