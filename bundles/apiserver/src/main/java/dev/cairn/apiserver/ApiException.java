package dev.cairn.apiserver;

import com.google.gson.JsonObject;

/** A request refused the Kubernetes way: an HTTP code, a reason and a message, answered as a {@code Status}. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String reason;
    private final JsonObject details;

    ApiException(int code, String reason, String message) {
        this(code, reason, message, null);
    }

    ApiException(int code, String reason, String message, JsonObject details) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", type.qualifiedName() + " \"" + name + "\" not found",
                details(type, name));
    }

    static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", type.qualifiedName() + " \"" + name + "\" already exists",
                details(type, name));
    }

    static ApiException conflict(ResourceType type, String name) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedName() + " \""
                + name + "\": the object has been modified; please apply your changes to the latest version and try"
                + " again", details(type, name));
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    static ApiException invalid(ResourceType type, String name, String message) {
        return new ApiException(422, "Invalid", type.kind() + " \"" + name + "\" is invalid: " + message,
                details(type, name));
    }

    static ApiException gone(String message) {
        return new ApiException(410, "Expired", message);
    }

    private static JsonObject details(ResourceType type, String name) {
        JsonObject d = new JsonObject();
        d.addProperty("name", name);
        if (!type.group().isEmpty()) {
            d.addProperty("group", type.group());
        }
        d.addProperty("kind", type.resource());
        return d;
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }

    /** The {@code meta/v1 Status} body. */
    JsonObject status() {
        return status(code, reason, getMessage(), details);
    }

    static JsonObject status(int code, String reason, String message, JsonObject details) {
        JsonObject s = new JsonObject();
        s.addProperty("kind", "Status");
        s.addProperty("apiVersion", "v1");
        s.add("metadata", new JsonObject());
        s.addProperty("status", code < 300 ? "Success" : "Failure");
        if (message != null) {
            s.addProperty("message", message);
        }
        if (reason != null) {
            s.addProperty("reason", reason);
        }
        if (details != null) {
            s.add("details", details);
        }
        s.addProperty("code", code);
        return s;
    }
}
