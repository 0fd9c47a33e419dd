package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.SCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * K3s's node password check ({@code pkg/nodepassword}): the first agent that registers a node name stores the
 * scrypt hash of its password in the Secret {@code kube-system/<node>.node-password.cairn} (type
 * {@code cairn.io/node-password}, immutable) — trust on first use; later registrations of that name must present
 * the same password. The Secret goes through the datastore like any Secret, so every server sees it.
 */
final class NodePasswords {
    private static final Logger LOG = LoggerFactory.getLogger(NodePasswords.class);
    static final String NAMESPACE = "kube-system";
    static final String SUFFIX = ".node-password.cairn";
    static final String TYPE = "cairn.io/node-password";
    /** K3s's format: {@code $1:<salt hex>:<log2 N>:<r>:<p>:<base64 key>}; N=2^15, r=8, p=1 as K3s uses. */
    private static final String PREFIX = "$1";
    private static final int LOG_N = 15;
    private static final int R = 8;
    private static final int P = 1;
    private static final int MAX_LOG_N = 20;
    private static final int KEY_BYTES = 64;

    private final ObjectStore store;
    private final int logN;
    private final SecureRandom random = new SecureRandom();

    NodePasswords(ObjectStore store) {
        this(store, LOG_N);
    }

    /** @param logN scrypt's cost; tests lower it */
    NodePasswords(ObjectStore store, int logN) {
        this.store = store;
        this.logN = logN;
    }

    /** The Secret holding node {@code node}'s hash. */
    static String secretName(String node) {
        return node + SUFFIX;
    }

    /**
     * Passes when {@code password} is node {@code node}'s: stored on first use, compared afterwards.
     *
     * @throws SupervisorError 403 when a different password was stored for this name
     */
    void verify(String node, String password) {
        JsonObject secret = store.find(ResourceType.SECRETS, NAMESPACE, secretName(node));
        if (secret == null) {
            try {
                store.create(ResourceType.SECRETS, NAMESPACE, secret(node, hash(password)));
                LOG.info("event=node_password_stored node={}", node);
                return;
            } catch (ApiException e) {
                if (!e.reason().equals("AlreadyExists")) {
                    throw e;
                }
                // a registration of the same name raced this one: compare with the hash it stored
                secret = store.get(ResourceType.SECRETS, NAMESPACE, secretName(node));
            }
        }
        if (!matches(storedHash(secret), password)) {
            LOG.warn("event=node_password_rejected node={}", node);
            throw new SupervisorError(403, "unable to verify password for node " + node + ": hash does not match");
        }
    }

    private static JsonObject secret(String node, String hash) {
        JsonObject secret = new JsonObject();
        secret.addProperty("apiVersion", "v1");
        secret.addProperty("kind", "Secret");
        JsonObject meta = new JsonObject();
        meta.addProperty("name", secretName(node));
        meta.addProperty("namespace", NAMESPACE);
        secret.add("metadata", meta);
        secret.addProperty("type", TYPE);
        secret.addProperty("immutable", true);
        JsonObject data = new JsonObject();
        data.addProperty("hash", Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.UTF_8)));
        secret.add("data", data);
        return secret;
    }

    private static String storedHash(JsonObject secret) {
        JsonObject data = NodeHeartbeat.child(secret, "data");
        String encoded = ObjectStore.string(data, "hash");
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    String hash(String password) {
        byte[] salt = new byte[8];
        random.nextBytes(salt);
        byte[] key = derive(password, salt, logN, R, P, KEY_BYTES);
        return PREFIX + ":" + HexFormat.of().formatHex(salt) + ":" + logN + ":" + R + ":" + P + ":"
                + Base64.getEncoder().withoutPadding().encodeToString(key);
    }

    /** False for a wrong password and for a hash not in the format above (a damaged Secret refuses everyone). */
    static boolean matches(String hash, String password) {
        String[] parts = hash.split(":", -1);
        if (parts.length != 6 || !parts[0].equals(PREFIX)) {
            return false;
        }
        try {
            byte[] salt = HexFormat.of().parseHex(parts[1]);
            int n = Integer.parseInt(parts[2]);
            int r = Integer.parseInt(parts[3]);
            int p = Integer.parseInt(parts[4]);
            byte[] expected = Base64.getDecoder().decode(parts[5]);
            if (n < 1 || n > MAX_LOG_N || r < 1 || p < 1 || expected.length == 0) {
                return false;
            }
            return MessageDigest.isEqual(expected, derive(password, salt, n, r, p, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int logN, int r, int p, int length) {
        return SCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, 1 << logN, r, p, length);
    }
}
