package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete answer: status code, content type, body and any further headers. */
record ApiResponse(int code, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json";

    ApiResponse(int code, String contentType, byte[] body) {
        this(code, contentType, body, Map.of());
    }

    static ApiResponse json(int code, JsonElement body) {
        return new ApiResponse(code, JSON, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ApiResponse text(int code, String body) {
        return new ApiResponse(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static ApiResponse error(ApiException e) {
        return json(e.code(), e.status());
    }
}
