package dev.cairn.apiserver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EncryptionConfigTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T14:43:14Z"), ZoneOffset.UTC);

    private Path file() {
        return EncryptionConfig.location(tmp.getRoot().toPath());
    }

    @Test
    public void firstStartWritesK3sLayoutPrivatelyAndLaterStartsReuseTheKey() throws Exception {
        Path file = file();
        EncryptionConfig first = EncryptionConfig.loadOrCreate(file, CLOCK, new SecureRandom());

        assertEquals(tmp.getRoot().toPath().resolve("server/cred/encryption-config.json"), file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertFalse("no temporary file left", Files.exists(file.resolveSibling("encryption-config.json.tmp")));
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals("EncryptionConfiguration", json.get("kind").getAsString());
        assertEquals("apiserver.config.k8s.io/v1", json.get("apiVersion").getAsString());
        JsonObject resource = json.getAsJsonArray("resources").get(0).getAsJsonObject();
        assertEquals("[\"secrets\"]", resource.getAsJsonArray("resources").toString());
        JsonObject key = resource.getAsJsonArray("providers").get(0).getAsJsonObject().getAsJsonObject("aescbc")
                .getAsJsonArray("keys").get(0).getAsJsonObject();
        assertEquals("aescbckey-2026-11-25T14:43:14Z", key.get("name").getAsString());
        assertEquals(32, Base64.getDecoder().decode(key.get("secret").getAsString()).length);
        assertEquals("{\"identity\":{}}", resource.getAsJsonArray("providers").get(1).toString());

        EncryptionConfig again = EncryptionConfig.loadOrCreate(file, Clock.systemUTC(), new SecureRandom());
        assertEquals(first.keys().get(0).name(), again.keys().get(0).name());
        assertArrayEquals(first.keys().get(0).secret(), again.keys().get(0).secret());
    }

    @Test
    public void missingFileLoadsAsNothing() throws Exception {
        assertTrue(EncryptionConfig.load(file()).isEmpty());
        assertFalse(Files.exists(file()));
    }

    @Test
    public void corruptFileIsRefusedNamingItAndNeverRegenerated() throws Exception {
        Path file = file();
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"kind\":\"EncryptionConfiguration\",");

        String message = expectRefused(file);
        assertTrue(message, message.startsWith("the secrets encryption configuration " + file + " cannot be used"));
        assertTrue(message, message.contains("restore it from a backup"));
        assertEquals("left untouched", "{\"kind\":\"EncryptionConfiguration\",", Files.readString(file));
    }

    @Test
    public void keysOfTheWrongLengthOrUnknownProvidersAreRefused() throws Exception {
        Path file = file();
        Files.createDirectories(file.getParent());
        String shortKey = Base64.getEncoder().encodeToString(new byte[7]);
        Files.writeString(file, "{\"resources\":[{\"resources\":[\"secrets\"],\"providers\":[{\"aescbc\":{\"keys\":"
                + "[{\"name\":\"k1\",\"secret\":\"" + shortKey + "\"}]}}]}]}");
        assertTrue(expectRefused(file).contains("the secret of aescbc key \"k1\" is 7 bytes; AES needs 16, 24 or 32"));

        Files.writeString(file, "{\"resources\":[{\"resources\":[\"secrets\"],\"providers\":[{\"secretbox\":{}}]}]}");
        assertTrue(expectRefused(file).contains("provider [secretbox] is not supported"));

        Files.writeString(file, "{\"resources\":[{\"resources\":[\"secrets\"],\"providers\":[{\"identity\":{}}]}]}");
        assertTrue(expectRefused(file).contains("it has no aescbc key for secrets"));
    }

    @Test
    public void installedBytesAreValidatedFirst() throws Exception {
        Path file = file();
        try {
            EncryptionConfig.install(file, "[]".getBytes(StandardCharsets.UTF_8));
            fail("expected a refusal");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(file.toString()));
        }
        assertFalse(Files.exists(file));
    }

    private static String expectRefused(Path file) {
        try {
            EncryptionConfig.loadOrCreate(file, CLOCK, new SecureRandom());
            throw new AssertionError("expected " + file + " to be refused");
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
