package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;

/** The verbs on one resource URL: get, list, create, update, patch, delete (watch is {@link WatchStream}'s). */
final class ResourceEndpoint {
    private final ObjectStore store;
    private final TableRenderer tables;

    ResourceEndpoint(ObjectStore store, TableRenderer tables) {
        this.store = store;
        this.tables = tables;
    }

    ApiResponse handle(ApiRequest request, ResourcePath path) {
        ObjectStore store = storeFor(request);
        String method = request.method();
        if (path.subresource() != null && !path.subresource().equals("status")
                && !(path.type() == ResourceType.NAMESPACES && path.subresource().equals("finalize"))) {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        if (path.name() == null) {
            return switch (method) {
                case "GET" -> answer(request, path.type(), list(request, path));
                case "POST" -> ApiResponse.json(201, store.create(path.type(), namespaceOf(path, request),
                        body(request, path.type())));
                case "DELETE" -> {
                    if (path.type() == ResourceType.NAMESPACES) {
                        throw methodNotAllowed(method);
                    }
                    yield deleteCollection(store, request, path);
                }
                default -> throw methodNotAllowed(method);
            };
        }
        ResourceType type = path.type();
        String ns = path.namespace();
        return switch (method) {
            case "GET" -> answer(request, type, store.get(type, ns, path.name()));
            case "PUT" -> ApiResponse.json(200, store.update(type, ns, path.name(), body(request, type)));
            case "PATCH" -> ApiResponse.json(200, store.patch(type, ns, path.name(),
                    current -> patched(type, current, request)));
            case "DELETE" -> {
                if (type == ResourceType.NODES && request.param("dryRun").isEmpty()) {
                    // a server's Node: its etcd member goes first, so a failed removal keeps the Node to retry
                    store.get(type, ns, path.name());
                    NodeMemberRemoval.removeMemberOf(store.datastore(), path.name());
                }
                yield deleted(store.delete(type, ns, path.name()), type);
            }
            default -> throw methodNotAllowed(method);
        };
    }

    /** {@code dryRun=All} runs every check and writes nothing. */
    private ObjectStore storeFor(ApiRequest request) {
        String dryRun = request.param("dryRun");
        if (dryRun.isEmpty()) {
            return store;
        }
        if (!dryRun.equals("All")) {
            throw ApiException.badRequest("dryRun: Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
        }
        return store.dryRun();
    }

    /** deletecollection: every object of the list the selectors choose, one by one; answers the deleted list. */
    private ApiResponse deleteCollection(ObjectStore target, ApiRequest request, ResourcePath path) {
        JsonObject list = list(request, path);
        com.google.gson.JsonArray deleted = new com.google.gson.JsonArray();
        for (JsonElement item : list.getAsJsonArray("items")) {
            JsonObject meta = ObjectStore.metadata(item.getAsJsonObject());
            String ns = path.type().namespaced() ? ObjectStore.string(meta, "namespace") : null;
            try {
                deleted.add(target.delete(path.type(), ns, ObjectStore.string(meta, "name")));
            } catch (ApiException e) {
                if (!e.reason().equals("NotFound")) {
                    throw e;
                }
                // deleted by someone else meanwhile: the goal is reached
            }
        }
        list.add("items", deleted);
        return ApiResponse.json(200, list);
    }

    private JsonObject list(ApiRequest request, ResourcePath path) {
        long limit = 0;
        if (!request.param("limit").isEmpty()) {
            try {
                limit = Long.parseLong(request.param("limit"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("limit: Invalid value: \"" + request.param("limit") + "\"");
            }
        }
        FieldSelector fields = FieldSelector.parse(request.param("fieldSelector"));
        String namespace = path.namespace();
        if (namespace == null && path.type().namespaced()) {
            // a namespace pinned by the field selector narrows the scan to its keys
            namespace = fields.pinned("metadata.namespace");
        }
        return store.list(path.type(), namespace, LabelSelector.parse(request.param("labelSelector")), fields,
                limit, request.param("continue"));
    }

    private ApiResponse answer(ApiRequest request, ResourceType type, JsonObject result) {
        if (request.wantsTable()) {
            return ApiResponse.json(200, tables.render(type, result, true));
        }
        return ApiResponse.json(200, result);
    }

    /** The namespace a create goes to: the URL's, for namespaced types. */
    private static String namespaceOf(ResourcePath path, ApiRequest request) {
        if (path.type().namespaced() && path.namespace() == null) {
            throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested"
                    + " resource; " + path.type().resource() + " are created in a namespace");
        }
        return path.namespace();
    }

    private JsonObject patched(ResourceType type, JsonObject current, ApiRequest request) {
        String contentType = request.contentType().split(";")[0].trim();
        JsonElement patch = parse(request.body());
        JsonElement result = switch (contentType) {
            case "application/merge-patch+json" -> MergePatch.apply(current, patch);
            case "application/strategic-merge-patch+json" -> StrategicMergePatch.apply(current, patch);
            case "application/json-patch+json" -> JsonPatch.apply(current, patch);
            case "application/apply-patch+yaml" -> throw new ApiException(415, "UnsupportedMediaType",
                    "server-side apply is not supported by this server; use client-side kubectl apply");
            default -> throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an"
                    + " unknown format - accepted media types include: application/json-patch+json,"
                    + " application/merge-patch+json, application/strategic-merge-patch+json");
        };
        if (!result.isJsonObject()) {
            throw ApiException.badRequest("the patch did not result in a JSON object");
        }
        if (type == ResourceType.SECRETS) {
            Defaults.moveStringData(result.getAsJsonObject());
        }
        return result.getAsJsonObject();
    }

    private static JsonObject body(ApiRequest request) {
        String contentType = request.contentType().split(";")[0].trim();
        if (contentType.equals("application/vnd.kubernetes.protobuf")) {
            return ProtobufBody.decode(request.body());
        }
        if (!contentType.isEmpty() && !contentType.equals("application/json")) {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format"
                    + " - accepted media types include: application/json, application/vnd.kubernetes.protobuf");
        }
        JsonElement e = parse(request.body());
        if (!e.isJsonObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return e.getAsJsonObject();
    }

    /** The body of a create or update, checked field by field when the client asked for Strict validation. */
    private static JsonObject body(ApiRequest request, ResourceType type) {
        JsonObject o = body(request);
        if (request.param("fieldValidation").equals("Strict")) {
            OpenApi.checkStrict(type, o);
        }
        return o;
    }

    private static JsonElement parse(byte[] body) {
        try {
            return JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getMessage());
        }
    }

    /** What Kubernetes answers for an object deleted at once: a Success Status naming it. */
    private static ApiResponse deleted(JsonObject object, ResourceType type) {
        if (type == ResourceType.NAMESPACES) {
            return ApiResponse.json(200, object);
        }
        JsonObject details = new JsonObject();
        JsonObject meta = ObjectStore.metadata(object);
        details.addProperty("name", ObjectStore.string(meta, "name"));
        if (!type.group().isEmpty()) {
            details.addProperty("group", type.group());
        }
        details.addProperty("kind", type.resource());
        details.addProperty("uid", ObjectStore.string(meta, "uid"));
        return ApiResponse.json(200, ApiException.status(200, null, null, details));
    }

    private static ApiException methodNotAllowed(String method) {
        return new ApiException(405, "MethodNotAllowed", "the server does not allow this method (" + method
                + ") on the requested resource");
    }
}
