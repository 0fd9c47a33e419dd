package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cairn.datastore.conversion.ConversionException;
import dev.cairn.datastore.conversion.ConversionReport;
import dev.cairn.datastore.conversion.LiveConversion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code POST /db/convert}, behind {@code cairn datastore convert}: a JSON body {@code {"to":"etcd"}} carried out by
 * this server's {@link LiveConversion}. Answers {@code {"conversion":{from, to, revision, totalMs, unavailableMs}}},
 * or 409 with the reason the conversion could not be done (the server then serves as before).
 */
final class ConversionRequests {
    /** A conversion copies the whole store; a large one on a slow disk takes minutes. */
    private static final long WAIT_MINUTES = 30;

    private final Supplier<LiveConversion> conversion;

    ConversionRequests(Supplier<LiveConversion> conversion) {
        this.conversion = conversion;
    }

    ApiResponse handle(byte[] body) {
        LiveConversion service = conversion.get();
        if (service == null) {
            throw new SupervisorError(503, "live conversion is not available on this server: its datastore"
                    + " selector is not running");
        }
        String target = target(body);
        ConversionReport report;
        try {
            report = service.convert(target).get(WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConversionException c) {
                throw new SupervisorError(409, c.getMessage());
            }
            throw new SupervisorError(500, "the conversion failed: " + cause);
        } catch (TimeoutException e) {
            throw new SupervisorError(504, "the conversion did not finish within " + WAIT_MINUTES + " minutes; it"
                    + " goes on in the server, whose log says how it ends");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupervisorError(503, "interrupted while waiting for the conversion");
        }
        JsonObject o = new JsonObject();
        o.addProperty("from", report.from());
        o.addProperty("to", report.to());
        o.addProperty("revision", report.revision());
        o.addProperty("totalMs", report.totalMillis());
        o.addProperty("unavailableMs", report.unavailableMillis());
        JsonObject answer = new JsonObject();
        answer.add("conversion", o);
        return ApiResponse.json(200, answer);
    }

    private static String target(byte[] body) {
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (e.isJsonObject() && e.getAsJsonObject().has("to")) {
                return e.getAsJsonObject().get("to").getAsString();
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            // answered below
        }
        throw new SupervisorError(400, "the body of /db/convert must be a JSON object like {\"to\":\"etcd\"}");
    }
}
