package dev.cairn.apiserver;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SecretsCipherTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final byte[] JSON = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private EncryptionConfig config(String name, byte fill) throws IOException {
        byte[] secret = new byte[32];
        Arrays.fill(secret, fill);
        Path file = tmp.getRoot().toPath().resolve(name + ".json");
        EncryptionConfig.install(file, EncryptionConfig.render(List.of(new EncryptionConfig.Key(name, secret))));
        return EncryptionConfig.load(file).orElseThrow();
    }

    @Test
    public void roundTripWithAGeneratedKeyWhoseNameHasColons() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("cred/encryption-config.json");
        SecretsCipher cipher = SecretsCipher.encrypting(
                EncryptionConfig.loadOrCreate(file, Clock.systemUTC(), new SecureRandom()));

        byte[] stored = cipher.toStored(JSON);

        assertArrayEquals(JSON, cipher.fromStored("/registry/secrets/default/s1", stored));
        assertFalse("a fresh IV each time", Arrays.equals(stored, cipher.toStored(JSON)));
    }

    @Test
    public void storedValueIsKubernetesAescbcFormat() throws Exception {
        EncryptionConfig config = config("key1", (byte) 7);
        byte[] stored = SecretsCipher.encrypting(config).toStored(JSON);

        byte[] prefix = "k8s:enc:aescbc:v1:key1:".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(prefix, Arrays.copyOf(stored, prefix.length));
        int ciphertext = stored.length - prefix.length - 16;
        assertEquals("PKCS#7 pads to whole blocks, a full block when already aligned",
                (JSON.length / 16 + 1) * 16, ciphertext);
        // decrypt independently: IV, then AES-256-CBC with PKCS#7 padding
        Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(config.keys().get(0).secret(), "AES"),
                new IvParameterSpec(stored, prefix.length, 16));
        byte[] padded = aes.doFinal(stored, prefix.length + 16, ciphertext);
        int pad = padded[padded.length - 1];
        for (int i = padded.length - pad; i < padded.length; i++) {
            assertEquals(pad, padded[i]);
        }
        assertArrayEquals(JSON, Arrays.copyOf(padded, padded.length - pad));
    }

    @Test
    public void plaintextIsReadAsStoredAndWrittenAsIsWithoutEncryption() throws Exception {
        EncryptionConfig config = config("key1", (byte) 7);
        assertArrayEquals(JSON, SecretsCipher.encrypting(config).fromStored("/registry/secrets/a/b", JSON));
        assertArrayEquals(JSON, SecretsCipher.decryptOnly(config).toStored(JSON));
        assertArrayEquals(JSON, SecretsCipher.withoutKeys(null).fromStored("/registry/secrets/a/b", JSON));
    }

    @Test
    public void turnedOffEncryptionStillDecryptsWithTheKeyFile() throws Exception {
        EncryptionConfig config = config("key1", (byte) 7);
        byte[] stored = SecretsCipher.encrypting(config).toStored(JSON);
        assertArrayEquals(JSON, SecretsCipher.decryptOnly(config).fromStored("/registry/secrets/a/b", stored));
    }

    @Test
    public void unknownKeyNameIsAClearError() throws Exception {
        byte[] stored = SecretsCipher.encrypting(config("aescbckey-2026-11-25T14:43:14Z", (byte) 7)).toStored(JSON);
        EncryptionConfig other = config("key2", (byte) 7);

        String message = unreadable(SecretsCipher.decryptOnly(other), stored);

        assertEquals("unable to transform key \"/registry/secrets/default/s1\": it is encrypted with aescbc key"
                + " \"aescbckey-2026-11-25T14:43:14Z\", which " + other.file() + " does not list (it has \"key2\")",
                message);
    }

    @Test
    public void wrongSecretUnderTheSameNameIsAClearError() throws Exception {
        // a fixed IV keeps the outcome of decrypting with the wrong secret deterministic
        byte[] prefix = "k8s:enc:aescbc:v1:key1:".getBytes(StandardCharsets.US_ASCII);
        byte[] iv = new byte[16];
        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(config("key1", (byte) 7).keys().get(0).secret(), "AES"),
                new IvParameterSpec(iv));
        byte[] ciphertext = aes.doFinal(JSON);
        byte[] stored = new byte[prefix.length + 16 + ciphertext.length];
        System.arraycopy(prefix, 0, stored, 0, prefix.length);
        System.arraycopy(ciphertext, 0, stored, prefix.length + 16, ciphertext.length);
        Path elsewhere = tmp.newFolder().toPath().resolve("key1.json");
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 8);
        EncryptionConfig.install(elsewhere, EncryptionConfig.render(List.of(new EncryptionConfig.Key("key1", secret))));

        String message = unreadable(SecretsCipher.decryptOnly(EncryptionConfig.load(elsewhere).orElseThrow()),
                stored);

        assertTrue(message, message.contains("cannot be decrypted with aescbc key \"key1\" of " + elsewhere));
    }

    @Test
    public void missingKeyFileIsNamedAndOtherProvidersAreRefused() throws Exception {
        byte[] stored = SecretsCipher.encrypting(config("key1", (byte) 7)).toStored(JSON);
        Path missing = tmp.getRoot().toPath().resolve("server/cred/encryption-config.json");

        assertEquals("unable to transform key \"/registry/secrets/default/s1\": it is encrypted (aescbc) but the"
                + " secrets encryption configuration " + missing + " does not exist; restore that file from a backup",
                unreadable(SecretsCipher.withoutKeys(missing), stored));
        byte[] kms = "k8s:enc:kms:v2:vault:\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(unreadable(SecretsCipher.withoutKeys(missing), kms)
                .endsWith("it is encrypted by a provider Cairn does not have (k8s:enc:kms:v2:vault); only aescbc is"
                        + " supported"));
    }

    @Test
    public void serverGeneratesAKeyOnlyWhenNoEncryptedSecretWouldBeOrphaned() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("server/cred/encryption-config.json");

        SecretsCipher off = SecretsCipher.forServer(file, false, () -> true);
        assertFalse(off.encryptsWrites());
        assertFalse("encryption off writes no key file", Files.exists(file));
        try {
            SecretsCipher.forServer(file, true, () -> true);
            fail("expected a refusal");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(file + " holding their keys does not exist"));
        }
        assertFalse(Files.exists(file));

        SecretsCipher on = SecretsCipher.forServer(file, true, () -> false);
        assertTrue(on.encryptsWrites());
        assertTrue(Files.exists(file));
        byte[] stored = on.toStored(JSON);
        assertArrayEquals(JSON, SecretsCipher.forServer(file, false, () -> true).fromStored("k", stored));
    }

    private static String unreadable(SecretsCipher cipher, byte[] stored) {
        try {
            cipher.fromStored("/registry/secrets/default/s1", stored);
            throw new AssertionError("expected the value to be unreadable");
        } catch (SecretsCipher.UnreadableValue e) {
            return e.getMessage();
        }
    }
}
