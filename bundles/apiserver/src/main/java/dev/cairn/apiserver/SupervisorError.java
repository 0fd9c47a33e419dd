package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import java.util.Map;

/** A supervisor request refused: an HTTP code and a message, answered as {@code {"error":"<message>"}}. */
final class SupervisorError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The challenge of every 401: clients retry with the token as HTTP Basic credentials. */
    static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Basic realm=\"cairn\"");

    private final int code;

    SupervisorError(int code, String message) {
        super(message);
        this.code = code;
    }

    int code() {
        return code;
    }

    ApiResponse response() {
        return response(code, getMessage());
    }

    static ApiResponse response(int code, String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", message);
        ApiResponse json = ApiResponse.json(code, body);
        return code == 401 ? new ApiResponse(code, json.contentType(), json.body(), CHALLENGE) : json;
    }
}
