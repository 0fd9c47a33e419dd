package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreError;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /db/info} and {@code POST /db/members}: the datastore's members, and the registration of a joining
 * server as a new member of the embedded etcd.
 */
final class ClusterMembers {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembers.class);
    /** addMember only records the member; this bounds a cluster that cannot commit it (no quorum). */
    static final Duration ADD_TIMEOUT = Duration.ofSeconds(30);
    /** Errors a joining server retries (503): the cluster can take the member a little later. */
    private static final Set<StoreError> RETRYABLE = EnumSet.of(StoreError.NO_LEADER, StoreError.LEADER_CHANGED,
            StoreError.TIMEOUT, StoreError.TOO_MANY_LEARNERS, StoreError.TOO_MANY_REQUESTS, StoreError.STOPPED,
            StoreError.NOT_LEADER, StoreError.UNHEALTHY_CLUSTER, StoreError.MEMBER_NOT_ENOUGH_STARTED);
    private static final String BODY_FORMAT = "{\"name\":\"s2\",\"peerURLs\":[\"https://10.0.0.2:2380\"]}";

    private final Datastore datastore;

    ClusterMembers(Datastore datastore) {
        this.datastore = datastore;
    }

    /** {@code {"members":[...]}} from the datastore's view of its cluster. */
    JsonObject info() {
        List<Member> members;
        try {
            members = datastore.cluster().members();
        } catch (RuntimeException e) {
            throw new SupervisorError(500, "failed to get etcd MemberList: " + e.getMessage());
        }
        JsonArray list = new JsonArray();
        members.forEach(m -> list.add(json(m)));
        JsonObject body = new JsonObject();
        body.add("members", list);
        return body;
    }

    /** Adds a voting member (promoted by the leader once caught up); 201 {@code {"member":{...}}}. */
    ApiResponse add(byte[] requestBody) {
        JsonObject request = parse(requestBody);
        String name = name(request);
        List<String> peerUrls = peerUrls(request);
        ClusterMembership membership = datastore.membership().orElseThrow(() -> new SupervisorError(400,
                "this server's datastore is " + datastore.type() + ", not the embedded etcd, so no server can join"
                        + " it; start the first server with --cluster-init"));
        Member member = await(membership, name, peerUrls);
        LOG.info("event=member_added name={} id={} peer_urls={} learner={}", member.name(),
                Long.toUnsignedString(member.id()), String.join(",", member.peerUrls()), member.learner());
        JsonObject body = new JsonObject();
        body.add("member", json(member));
        return ApiResponse.json(201, body);
    }

    /** One member as etcd's JSON writes it: the ID an unsigned 64-bit number. */
    static JsonObject json(Member m) {
        JsonObject o = new JsonObject();
        o.addProperty("ID", new BigInteger(Long.toUnsignedString(m.id())));
        o.addProperty("name", m.name());
        o.add("peerURLs", strings(m.peerUrls()));
        o.add("clientURLs", strings(m.clientUrls()));
        o.addProperty("isLearner", m.learner());
        return o;
    }

    private static Member await(ClusterMembership membership, String name, List<String> peerUrls) {
        try {
            return membership.addMember(name, peerUrls, false).get(ADD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupervisorError(503, StoreError.STOPPED.message());
        } catch (TimeoutException e) {
            throw new SupervisorError(503, StoreError.TIMEOUT.message());
        } catch (ExecutionException | RuntimeException e) {
            throw refusal(DatastoreException.of(e));
        }
    }

    /** The datastore's error as the HTTP code the joining server acts on; the message stays etcd's. */
    static SupervisorError refusal(DatastoreException e) {
        StoreError error = e.error();
        if (error == StoreError.PEER_URL_EXISTS) {
            return new SupervisorError(409, e.getMessage());
        }
        if (error == StoreError.MEMBER_BAD_URLS) {
            return new SupervisorError(400, e.getMessage());
        }
        if (RETRYABLE.contains(error)) {
            return new SupervisorError(503, e.getMessage());
        }
        LOG.warn("event=member_add_failed error={} message=\"{}\"", error, e.getMessage());
        return new SupervisorError(500, e.getMessage());
    }

    private static JsonObject parse(byte[] body) {
        try {
            JsonElement json = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (json.isJsonObject()) {
                return json.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            // reported below
        }
        throw new SupervisorError(400, "the body must be a JSON object like " + BODY_FORMAT);
    }

    private static String name(JsonObject request) {
        JsonElement name = request.get("name");
        if (name == null || !name.isJsonPrimitive() || name.getAsString().isBlank()) {
            throw new SupervisorError(400, "the member's name is missing; send " + BODY_FORMAT);
        }
        return name.getAsString();
    }

    /** etcd's URL rules for peers (scheme, host:port, no path), with https only: peer traffic is mutual TLS. */
    private static List<String> peerUrls(JsonObject request) {
        JsonElement urls = request.get("peerURLs");
        if (urls == null || !urls.isJsonArray() || urls.getAsJsonArray().isEmpty()) {
            throw new SupervisorError(400, "the member's peerURLs are missing; send " + BODY_FORMAT);
        }
        List<String> peerUrls = new ArrayList<>();
        for (JsonElement url : urls.getAsJsonArray()) {
            String text = url.isJsonPrimitive() ? url.getAsString() : url.toString();
            peerUrls.add(text);
            try {
                URI uri = new URI(text);
                if (!"https".equals(uri.getScheme())) {
                    throw invalidUrl(text, "URL scheme must be https");
                }
                if (uri.getHost() == null || uri.getPort() < 0) {
                    throw invalidUrl(text, "URL address does not have the form \"host:port\"");
                }
                if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null) {
                    throw invalidUrl(text, "URL must not contain a path");
                }
            } catch (URISyntaxException e) {
                throw invalidUrl(text, "not a URL (" + e.getReason() + ")");
            }
        }
        return peerUrls;
    }

    private static SupervisorError invalidUrl(String url, String problem) {
        return new SupervisorError(400, StoreError.MEMBER_BAD_URLS.message() + ": " + problem + ": " + url);
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray();
        values.forEach(array::add);
        return array;
    }
}
