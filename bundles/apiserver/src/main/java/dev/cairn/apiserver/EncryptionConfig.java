package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The key material of secrets encryption: K3s's {@code <data-dir>/server/cred/encryption-config.json}, a Kubernetes
 * {@code EncryptionConfiguration} for {@code secrets} with an {@code aescbc} provider (the first key encrypts, every
 * key decrypts) followed by {@code identity} (values stored before encryption was turned on). Kept as the file's
 * exact bytes so that a join flow can ship it to other servers through the bootstrap data, as K3s does, and install
 * it with {@link #install} before the apiserver starts.
 */
final class EncryptionConfig {
    /** Where the file lives below the data dir. */
    static final String RELATIVE_PATH = "server/cred/encryption-config.json";

    /** One aescbc key: its name (the value prefix names it) and its 16, 24 or 32 secret bytes. */
    record Key(String name, byte[] secret) {
    }

    private final Path file;
    private final List<Key> keys;

    private EncryptionConfig(Path file, List<Key> keys) {
        this.file = file;
        this.keys = List.copyOf(keys);
    }

    static Path location(Path dataDir) {
        return dataDir.resolve(RELATIVE_PATH);
    }

    Path file() {
        return file;
    }

    /** The aescbc keys in the file's order; the first one encrypts. */
    List<Key> keys() {
        return keys;
    }

    /** The file, or empty when it does not exist. A file that exists but cannot be used is an error. */
    static Optional<EncryptionConfig> load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException("cannot read the secrets encryption configuration " + file + ": " + e, e);
        }
        return Optional.of(parse(file, bytes));
    }

    /**
     * The file, generated with one new 32-byte key when it does not exist. An existing file is never replaced:
     * the secrets stored with its keys could not be read any more.
     */
    static EncryptionConfig loadOrCreate(Path file, Clock clock, SecureRandom random) throws IOException {
        Optional<EncryptionConfig> existing = load(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String name = "aescbckey-" + Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        byte[] bytes = render(List.of(new Key(name, secret)));
        install(file, bytes);
        return parse(file, bytes);
    }

    /**
     * Writes {@code bytes} (a configuration as {@link #parse} accepts it) to {@code file}: mode 0600 in a 0700
     * directory, written to a temporary file, fsynced and renamed, so a crash never leaves half a key behind.
     */
    static void install(Path file, byte[] bytes) throws IOException {
        parse(file, bytes);
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = posix
                ? FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself must survive a crash
        } catch (IOException notSupported) {
            // some file systems cannot open a directory; the file's own fsync already happened
        }
    }

    /** Validates the file's content; every problem names the file. */
    static EncryptionConfig parse(Path file, byte[] bytes) throws IOException {
        try {
            JsonElement root = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!root.isJsonObject()) {
                throw invalid(file, "it is not a JSON object");
            }
            List<Key> keys = new ArrayList<>();
            for (JsonElement resource : array(root.getAsJsonObject(), "resources", file)) {
                JsonObject r = object(resource, "resources[]", file);
                if (!names(r, file).contains("secrets")) {
                    continue;
                }
                for (JsonElement provider : array(r, "providers", file)) {
                    keys.addAll(provider(object(provider, "providers[]", file), file));
                }
            }
            if (keys.isEmpty()) {
                throw invalid(file, "it has no aescbc key for secrets");
            }
            return new EncryptionConfig(file, keys);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw invalid(file, "it is not valid JSON (" + e.getMessage() + ")");
        }
    }

    private static List<String> names(JsonObject resource, Path file) throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonElement e : array(resource, "resources", file)) {
            names.add(e.getAsString());
        }
        return names;
    }

    private static List<Key> provider(JsonObject provider, Path file) throws IOException {
        if (provider.has("identity")) {
            return List.of();
        }
        if (!provider.has("aescbc")) {
            throw invalid(file, "provider " + provider.keySet() + " is not supported (aescbc and identity are)");
        }
        List<Key> keys = new ArrayList<>();
        for (JsonElement k : array(object(provider.get("aescbc"), "aescbc", file), "keys", file)) {
            JsonObject key = object(k, "aescbc.keys[]", file);
            String name = key.has("name") ? key.get("name").getAsString() : "";
            if (name.isEmpty()) {
                throw invalid(file, "an aescbc key has no name");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(key.has("secret") ? key.get("secret").getAsString() : "");
            } catch (IllegalArgumentException e) {
                throw invalid(file, "the secret of aescbc key \"" + name + "\" is not base64");
            }
            if (secret.length != 16 && secret.length != 24 && secret.length != 32) {
                throw invalid(file, "the secret of aescbc key \"" + name + "\" is " + secret.length
                        + " bytes; AES needs 16, 24 or 32");
            }
            keys.add(new Key(name, secret));
        }
        return keys;
    }

    private static JsonArray array(JsonObject o, String field, Path file) throws IOException {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonArray()) {
            throw invalid(file, "\"" + field + "\" is missing or not a list");
        }
        return e.getAsJsonArray();
    }

    private static JsonObject object(JsonElement e, String what, Path file) throws IOException {
        if (e == null || !e.isJsonObject()) {
            throw invalid(file, what + " is not an object");
        }
        return e.getAsJsonObject();
    }

    private static IOException invalid(Path file, String why) {
        return new IOException("the secrets encryption configuration " + file + " cannot be used: " + why
                + "; restore it from a backup (secrets stored encrypted cannot be read without its keys)");
    }

    /** The EncryptionConfiguration K3s writes: aescbc with {@code keys}, then identity. */
    static byte[] render(List<Key> keys) {
        JsonArray keyList = new JsonArray();
        for (Key k : keys) {
            JsonObject key = new JsonObject();
            key.addProperty("name", k.name());
            key.addProperty("secret", Base64.getEncoder().encodeToString(k.secret()));
            keyList.add(key);
        }
        JsonObject aescbc = new JsonObject();
        aescbc.add("keys", keyList);
        JsonObject aescbcProvider = new JsonObject();
        aescbcProvider.add("aescbc", aescbc);
        JsonObject identityProvider = new JsonObject();
        identityProvider.add("identity", new JsonObject());
        JsonArray providers = new JsonArray();
        providers.add(aescbcProvider);
        providers.add(identityProvider);
        JsonArray resourceNames = new JsonArray();
        resourceNames.add("secrets");
        JsonObject resource = new JsonObject();
        resource.add("resources", resourceNames);
        resource.add("providers", providers);
        JsonArray resources = new JsonArray();
        resources.add(resource);
        JsonObject root = new JsonObject();
        root.addProperty("kind", "EncryptionConfiguration");
        root.addProperty("apiVersion", "apiserver.config.k8s.io/v1");
        root.add("resources", resources);
        return (root + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
