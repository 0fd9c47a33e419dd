package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code continue} of a paged list, shaped like Kubernetes' own: base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key>"}}. Each page reads from the next key at the
 * list's revision, so a page costs what it returns, not what came before.
 *
 * @param revision the revision the whole list is read at
 * @param nextKey  the datastore key the next page starts at (inclusive)
 */
record ContinueToken(long revision, String nextKey) {

    String encode() {
        JsonObject o = new JsonObject();
        o.addProperty("v", "meta.k8s.io/v1");
        o.addProperty("rv", revision);
        o.addProperty("start", nextKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                o.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ContinueToken decode(String token, String prefix) {
        try {
            String json = new String(Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_')
                    .replace("=", "")), StandardCharsets.UTF_8);
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            ContinueToken t = new ContinueToken(o.get("rv").getAsLong(), o.get("start").getAsString());
            if (t.revision <= 0 || !t.nextKey.startsWith(prefix)) {
                throw new IllegalArgumentException("token outside the listed resource");
            }
            return t;
        } catch (RuntimeException e) {
            throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }
}
