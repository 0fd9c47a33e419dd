package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Kubernetes objects as JSON under {@code /registry/<resource>/[<namespace>/]<name>} in the datastore.
 * {@code metadata.resourceVersion} is the key's mod revision (never stored), creates are
 * {@code create_revision == 0} transactions and updates {@code mod_revision == resourceVersion} transactions, so
 * concurrent writers get 409 Conflict instead of overwriting each other.
 */
final class ObjectStore {
    static final String PREFIX = "/registry/";
    private static final long TIMEOUT_SECONDS = 30;
    private static final int PATCH_ATTEMPTS = 5;
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final Datastore datastore;
    private final Clock clock;
    private final SecretsCipher secrets;
    private final boolean dryRun;
    private final SecureRandom random = new SecureRandom();

    /** A store that writes Secrets as plaintext and has no key to read encrypted ones. */
    ObjectStore(Datastore datastore, Clock clock) {
        this(datastore, clock, SecretsCipher.withoutKeys(null), false);
    }

    ObjectStore(Datastore datastore, Clock clock, SecretsCipher secrets) {
        this(datastore, clock, secrets, false);
    }

    private ObjectStore(Datastore datastore, Clock clock, SecretsCipher secrets, boolean dryRun) {
        this.datastore = datastore;
        this.clock = clock;
        this.secrets = secrets;
        this.dryRun = dryRun;
    }

    /** The same store for {@code dryRun=All}: every check runs, nothing is written. */
    ObjectStore dryRun() {
        return new ObjectStore(datastore, clock, secrets, true);
    }

    Datastore datastore() {
        return datastore;
    }

    static String key(ResourceType type, String namespace, String name) {
        return type.namespaced() ? PREFIX + type.resource() + "/" + namespace + "/" + name
                : PREFIX + type.resource() + "/" + name;
    }

    /** The key prefix of a list: every object of the type, or of one namespace. */
    static String prefix(ResourceType type, String namespace) {
        return namespace == null || !type.namespaced() ? PREFIX + type.resource() + "/"
                : PREFIX + type.resource() + "/" + namespace + "/";
    }

    JsonObject get(ResourceType type, String namespace, String name) {
        KeyValue kv = read(key(type, namespace, name));
        if (kv == null) {
            throw ApiException.notFound(type, name);
        }
        return decode(kv);
    }

    /** The object or null. */
    JsonObject find(ResourceType type, String namespace, String name) {
        KeyValue kv = read(key(type, namespace, name));
        return kv == null ? null : decode(kv);
    }

    private KeyValue read(String key) {
        RangeResult r = await(datastore.range(RangeRequest.of(KeyRange.single(Bytes.utf8(key)))));
        return r.kvs().isEmpty() ? null : r.kvs().get(0);
    }

    /**
     * One page of a list.
     *
     * @param limit 0 for everything
     */
    JsonObject list(ResourceType type, String namespace, LabelSelector labels, FieldSelector fields, long limit,
            String continueToken) {
        String prefix = prefix(type, namespace);
        String start = prefix;
        long revision = 0;
        if (continueToken != null && !continueToken.isEmpty()) {
            ContinueToken t = ContinueToken.decode(continueToken, prefix);
            start = t.nextKey();
            revision = t.revision();
        }
        byte[] end = Bytes.prefixEnd(Bytes.utf8(prefix));
        String pinned = fields.pinnedName();
        if (pinned != null && (namespace != null || !type.namespaced())) {
            // a name pinned by the field selector is one key, not a scan (kubectl delete polls this way)
            String k = key(type, namespace, pinned);
            if (Bytes.compare(Bytes.utf8(k), Bytes.utf8(start)) >= 0) {
                start = k;
                end = Bytes.utf8(k + "\0");
            } else {
                end = Bytes.utf8(start);
            }
        }
        JsonArray items = new JsonArray();
        String next = null;
        long listRevision = revision;
        byte[] from = Bytes.utf8(start);
        boolean more = true;
        while (more && (limit <= 0 || items.size() < limit)) {
            long batch = limit <= 0 ? 0 : Math.max(limit - items.size(), Math.min(limit, 500));
            RangeResult r;
            try {
                r = await(datastore.range(RangeRequest.builder(new KeyRange(from, end)).revision(listRevision)
                        .limit(batch).build()));
            } catch (DatastoreException e) {
                if (e.error() == StoreError.COMPACTED) {
                    throw ApiException.gone("The provided continue parameter is too old to display a consistent list"
                            + " result. You can start a new list without the continue parameter.");
                }
                throw e;
            }
            if (listRevision == 0) {
                listRevision = r.revision();
            }
            for (KeyValue kv : r.kvs()) {
                if (limit > 0 && items.size() >= limit) {
                    next = new String(kv.key(), StandardCharsets.UTF_8);
                    break;
                }
                JsonObject o = decode(kv);
                if (labels.matches(labelsOf(o)) && fields.matches(o)) {
                    items.add(o);
                }
            }
            more = r.more() && next == null;
            if (more) {
                byte[] last = r.kvs().get(r.kvs().size() - 1).key();
                from = java.util.Arrays.copyOf(last, last.length + 1);
                if (limit > 0 && items.size() >= limit) {
                    next = new String(from, StandardCharsets.UTF_8);
                }
            }
        }
        JsonObject list = new JsonObject();
        list.addProperty("kind", type.kind() + "List");
        list.addProperty("apiVersion", type.apiVersion());
        JsonObject meta = new JsonObject();
        meta.addProperty("resourceVersion", Long.toString(listRevision));
        if (next != null) {
            meta.addProperty("continue", new ContinueToken(listRevision, next).encode());
        }
        list.add("metadata", meta);
        list.add("items", items);
        return list;
    }

    JsonObject create(ResourceType type, String namespace, JsonObject object) {
        JsonObject meta = metadata(object);
        String name = string(meta, "name");
        if (name.isEmpty() && !string(meta, "generateName").isEmpty()) {
            name = string(meta, "generateName") + randomSuffix();
            meta.addProperty("name", name);
        }
        Names.check(type, name);
        if (type.namespaced()) {
            String given = string(meta, "namespace");
            if (!given.isEmpty() && !given.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace"
                        + " sent on the request");
            }
            meta.addProperty("namespace", namespace);
            requireNamespace(namespace);
        } else {
            meta.remove("namespace");
        }
        object.addProperty("apiVersion", type.apiVersion());
        object.addProperty("kind", type.kind());
        meta.remove("resourceVersion");
        meta.addProperty("uid", UUID.randomUUID().toString());
        meta.addProperty("creationTimestamp", timestamp());
        Defaults.onCreate(type, object);
        String key = key(type, namespace, name);
        byte[] k = Bytes.utf8(key);
        long revision = commit(k, Compare.Target.CREATE, 0, new Op.Put(PutRequest.of(k, encode(type, object))));
        if (revision < 0) {
            throw ApiException.alreadyExists(type, name);
        }
        if (!dryRun) {
            meta.addProperty("resourceVersion", Long.toString(revision));
        }
        return object;
    }

    /** Replaces the object; a resourceVersion in it must be the current one (409 otherwise). */
    JsonObject update(ResourceType type, String namespace, String name, JsonObject object) {
        JsonObject meta = metadata(object);
        String given = string(meta, "name");
        if (!given.isEmpty() && !given.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + given + ") does not match the name on the URL ("
                    + name + ")");
        }
        KeyValue current = read(key(type, namespace, name));
        if (current == null) {
            throw ApiException.notFound(type, name);
        }
        String rv = string(meta, "resourceVersion");
        long expected = rv.isEmpty() ? current.modRevision() : parseRevision(rv);
        return replace(type, namespace, name, decode(current), object, expected);
    }

    /** Applies {@code patch} to the current object, retrying when another writer got in between. */
    JsonObject patch(ResourceType type, String namespace, String name, UnaryOperator<JsonObject> patch) {
        for (int attempt = 1; ; attempt++) {
            KeyValue current = read(key(type, namespace, name));
            if (current == null) {
                throw ApiException.notFound(type, name);
            }
            JsonObject before = decode(current);
            JsonObject after = patch.apply(before.deepCopy());
            String rv = string(metadata(after), "resourceVersion");
            long expected = rv.isEmpty() ? current.modRevision() : parseRevision(rv);
            try {
                return replace(type, namespace, name, before, after, expected);
            } catch (ApiException e) {
                boolean pinnedByCaller = expected != current.modRevision();
                if (!e.reason().equals("Conflict") || pinnedByCaller || attempt >= PATCH_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private JsonObject replace(ResourceType type, String namespace, String name, JsonObject before,
            JsonObject after, long expectedRevision) {
        JsonObject meta = metadata(after);
        JsonObject oldMeta = metadata(before);
        meta.addProperty("name", name);
        if (type.namespaced()) {
            meta.addProperty("namespace", namespace);
        }
        // identity fields are the server's, whatever the client sent
        for (String f : List.of("uid", "creationTimestamp")) {
            if (oldMeta.has(f)) {
                meta.add(f, oldMeta.get(f));
            }
        }
        meta.remove("resourceVersion");
        after.addProperty("apiVersion", type.apiVersion());
        after.addProperty("kind", type.kind());
        byte[] k = Bytes.utf8(key(type, namespace, name));
        if (type == ResourceType.SECRETS) {
            Defaults.moveStringData(after);
        }
        // a secret stored before encryption was turned on is encrypted here, on its next update
        long revision = commit(k, Compare.Target.MOD, expectedRevision, new Op.Put(PutRequest.of(k,
                encode(type, after))));
        if (revision < 0) {
            throw ApiException.conflict(type, name);
        }
        meta.addProperty("resourceVersion", Long.toString(revision));
        return after;
    }

    /** Deletes the object (a namespace with everything in it) and returns it as it was. */
    JsonObject delete(ResourceType type, String namespace, String name) {
        for (int attempt = 1; ; attempt++) {
            KeyValue current = read(key(type, namespace, name));
            if (current == null) {
                throw ApiException.notFound(type, name);
            }
            if (type == ResourceType.NAMESPACES && DefaultNamespaces.PROTECTED.contains(name)) {
                throw new ApiException(403, "Forbidden", "namespaces \"" + name + "\" is forbidden: this namespace"
                        + " may not be deleted");
            }
            // decoded first: a secret that cannot be decrypted is refused (500), not deleted with an error answer
            JsonObject o = decode(current);
            long revision = commit(current.key(), Compare.Target.MOD, current.modRevision(),
                    new Op.Delete(DeleteRequest.of(KeyRange.single(current.key()))));
            if (revision >= 0) {
                if (type == ResourceType.NAMESPACES && !dryRun) {
                    deleteContents(name);
                }
                metadata(o).addProperty("resourceVersion", Long.toString(revision));
                return o;
            }
            if (attempt >= PATCH_ATTEMPTS) {
                throw ApiException.conflict(type, name);
            }
        }
    }

    /**
     * Runs {@code op} if the key's {@code target} revision equals {@code expected}, as one transaction.
     *
     * @return the revision of the write, or -1 when the comparison failed
     */
    private long commit(byte[] key, Compare.Target target, long expected, Op op) {
        if (dryRun) {
            KeyValue kv = read(new String(key, StandardCharsets.UTF_8));
            long actual = kv == null ? 0 : target == Compare.Target.CREATE ? kv.createRevision() : kv.modRevision();
            return actual == expected ? datastore.currentRevision() : -1;
        }
        TxnResult r = await(datastore.txn(new TxnRequest(
                List.of(Compare.number(KeyRange.single(key), target, Compare.Result.EQUAL, expected)),
                List.of(op), List.of())));
        return r.succeeded() ? r.revision() : -1;
    }

    private void deleteContents(String namespace) {
        for (ResourceType t : ResourceType.ALL) {
            if (t.namespaced()) {
                await(datastore.delete(DeleteRequest.of(KeyRange.prefix(Bytes.utf8(prefix(t, namespace))))));
            }
        }
    }

    void requireNamespace(String namespace) {
        if (read(key(ResourceType.NAMESPACES, null, namespace)) == null) {
            throw ApiException.notFound(ResourceType.NAMESPACES, namespace);
        }
    }

    /** The stored object with its resourceVersion; an encrypted one (a Secret) decrypted, or 500 if it cannot be. */
    JsonObject decode(KeyValue kv) {
        byte[] json;
        try {
            json = secrets.fromStored(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
        } catch (SecretsCipher.UnreadableValue e) {
            throw new ApiException(500, "InternalError", "Internal error occurred: " + e.getMessage());
        }
        JsonObject o = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        metadata(o).addProperty("resourceVersion", Long.toString(kv.modRevision()));
        return o;
    }

    /** The value to store: JSON, encrypted for Secrets when encryption is on (never other resources). */
    byte[] encode(ResourceType type, JsonObject o) {
        byte[] json = o.toString().getBytes(StandardCharsets.UTF_8);
        return type == ResourceType.SECRETS ? secrets.toStored(json) : json;
    }

    /** Whether any Secret in the datastore is stored encrypted (then its key file must not be replaced). */
    boolean anyEncryptedSecret() {
        byte[] from = Bytes.utf8(prefix(ResourceType.SECRETS, null));
        byte[] end = Bytes.prefixEnd(from);
        while (true) {
            RangeResult r = await(datastore.range(RangeRequest.builder(new KeyRange(from, end)).limit(500).build()));
            for (KeyValue kv : r.kvs()) {
                if (SecretsCipher.isEncrypted(kv.value())) {
                    return true;
                }
            }
            if (!r.more() || r.kvs().isEmpty()) {
                return false;
            }
            byte[] last = r.kvs().get(r.kvs().size() - 1).key();
            from = java.util.Arrays.copyOf(last, last.length + 1);
        }
    }

    static JsonObject metadata(JsonObject o) {
        JsonElement m = o.get("metadata");
        if (m == null || !m.isJsonObject()) {
            JsonObject created = new JsonObject();
            o.add("metadata", created);
            return created;
        }
        return m.getAsJsonObject();
    }

    static Map<String, String> labelsOf(JsonObject o) {
        Map<String, String> out = new HashMap<>();
        JsonElement l = metadata(o).get("labels");
        if (l != null && l.isJsonObject()) {
            l.getAsJsonObject().entrySet().forEach(e -> out.put(e.getKey(),
                    e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : ""));
        }
        return out;
    }

    static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || !e.isJsonPrimitive() ? "" : e.getAsString();
    }

    static long parseRevision(String rv) {
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("resourceVersion: Invalid value: \"" + rv + "\": must be a number");
        }
    }

    String timestamp() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private String randomSuffix() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return sb.toString();
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "ServiceUnavailable", "interrupted while waiting for the datastore");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiException(504, "Timeout", "the datastore did not answer within " + TIMEOUT_SECONDS + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw DatastoreException.of(e);
        }
    }
}
