package dev.cairn.apiserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secret values as Kubernetes' aescbc provider stores them: {@code k8s:enc:aescbc:v1:<key name>:} followed by a
 * random 16-byte IV and the AES-CBC ciphertext of the PKCS#7-padded JSON. A value without the {@code k8s:enc:}
 * prefix is plaintext JSON (the identity provider: stored before encryption was turned on) and is read as is.
 * Whether writes are encrypted is separate from whether reads can decrypt: with encryption turned off, secrets
 * written while it was on stay readable as long as the key file is there.
 */
final class SecretsCipher {
    static final String ENCRYPTED_PREFIX = "k8s:enc:";
    static final String AESCBC_PREFIX = "k8s:enc:aescbc:v1:";
    private static final byte[] ENCRYPTED = ENCRYPTED_PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 16;
    private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding"; // PKCS#7 for AES's 16-byte blocks

    /** A value that cannot be decrypted; the message says why and what to fix. */
    static final class UnreadableValue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableValue(String message) {
            super(message);
        }
    }

    private final Path configFile;
    private final EncryptionConfig config;
    private final boolean encryptWrites;
    private final SecureRandom random = new SecureRandom();

    private SecretsCipher(Path configFile, EncryptionConfig config, boolean encryptWrites) {
        this.configFile = configFile;
        this.config = config;
        this.encryptWrites = encryptWrites;
    }

    /** Writes plaintext and cannot decrypt: no key file; {@code configFile} (may be null) is named in errors. */
    static SecretsCipher withoutKeys(Path configFile) {
        return new SecretsCipher(configFile, null, false);
    }

    /** Writes plaintext, decrypts what was written while encryption was on. */
    static SecretsCipher decryptOnly(EncryptionConfig config) {
        return new SecretsCipher(config.file(), config, false);
    }

    /** Encrypts writes with the first key of {@code config}, decrypts with any of its keys. */
    static SecretsCipher encrypting(EncryptionConfig config) {
        return new SecretsCipher(config.file(), config, true);
    }

    /**
     * The cipher a server runs with. With {@code encrypt}, the key file is read or, on first start, generated;
     * without, an existing key file still decrypts what was written while encryption was on.
     *
     * @param encryptedSecretsExist asked only before generating a key: a new key must not replace a lost one
     *                              while secrets encrypted with it are stored
     */
    static SecretsCipher forServer(Path file, boolean encrypt, BooleanSupplier encryptedSecretsExist)
            throws IOException {
        Optional<EncryptionConfig> existing = EncryptionConfig.load(file);
        if (existing.isPresent()) {
            return encrypt ? encrypting(existing.get()) : decryptOnly(existing.get());
        }
        if (!encrypt) {
            return withoutKeys(file);
        }
        if (encryptedSecretsExist.getAsBoolean()) {
            throw new IOException("secrets in the datastore are stored encrypted but the secrets encryption"
                    + " configuration " + file + " holding their keys does not exist; restore it from a backup"
                    + " (a newly generated key could not decrypt them)");
        }
        return encrypting(EncryptionConfig.loadOrCreate(file, Clock.systemUTC(), new SecureRandom()));
    }

    /** The name of the key new values are encrypted with, or empty when writes are plaintext. */
    Optional<String> writeKeyName() {
        return encryptWrites ? Optional.of(config.keys().get(0).name()) : Optional.empty();
    }

    boolean encryptsWrites() {
        return encryptWrites;
    }

    static boolean isEncrypted(byte[] stored) {
        return stored.length >= ENCRYPTED.length
                && Arrays.equals(stored, 0, ENCRYPTED.length, ENCRYPTED, 0, ENCRYPTED.length);
    }

    /** The value to store for a secret's JSON: encrypted when writes are, else the JSON itself. */
    byte[] toStored(byte[] json) {
        if (!encryptWrites) {
            return json;
        }
        EncryptionConfig.Key key = config.keys().get(0);
        byte[] prefix = (AESCBC_PREFIX + key.name() + ":").getBytes(StandardCharsets.UTF_8);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] ciphertext;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.secret(), "AES"), new IvParameterSpec(iv));
            ciphertext = cipher.doFinal(json);
        } catch (GeneralSecurityException e) {
            // AES/CBC is in every JDK and the key length was checked when the file was read
            throw new IllegalStateException("AES-CBC encryption failed: " + e, e);
        }
        byte[] out = new byte[prefix.length + IV_BYTES + ciphertext.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(iv, 0, out, prefix.length, IV_BYTES);
        System.arraycopy(ciphertext, 0, out, prefix.length + IV_BYTES, ciphertext.length);
        return out;
    }

    /**
     * The JSON of a stored value: decrypted when it carries the {@code k8s:enc:} prefix, else as stored.
     *
     * @param key the datastore key, for the error message
     * @throws UnreadableValue when an encrypted value cannot be decrypted with the keys at hand
     */
    byte[] fromStored(String key, byte[] stored) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        if (!startsWith(stored, AESCBC_PREFIX.getBytes(StandardCharsets.US_ASCII))) {
            throw unreadable(key, "it is encrypted by a provider Cairn does not have (" + header(stored, 0)
                    + "); only aescbc is supported");
        }
        if (config == null) {
            throw unreadable(key, "it is encrypted (aescbc) but the secrets encryption configuration "
                    + (configFile == null ? "" : configFile + " ") + "does not exist; restore that file from a backup");
        }
        for (EncryptionConfig.Key k : config.keys()) {
            byte[] prefix = (AESCBC_PREFIX + k.name() + ":").getBytes(StandardCharsets.UTF_8);
            if (startsWith(stored, prefix)) {
                return decrypt(key, k, Arrays.copyOfRange(stored, prefix.length, stored.length));
            }
        }
        throw unreadable(key, "it is encrypted with aescbc key \"" + header(stored, AESCBC_PREFIX.length())
                + "\", which " + config.file() + " does not list (it has " + keyNames() + ")");
    }

    private byte[] decrypt(String key, EncryptionConfig.Key k, byte[] body) {
        int ciphertextBytes = body.length - IV_BYTES;
        if (ciphertextBytes < IV_BYTES || ciphertextBytes % IV_BYTES != 0) {
            throw unreadable(key, "its aescbc value (key \"" + k.name() + "\") is truncated: " + body.length
                    + " bytes after the prefix");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k.secret(), "AES"),
                    new IvParameterSpec(body, 0, IV_BYTES));
            byte[] json = cipher.doFinal(body, IV_BYTES, body.length - IV_BYTES);
            if (json.length > 0 && json[0] == '{') {
                return json;
            }
            // a wrong key passes the padding check now and then; what it yields is not the stored JSON
            throw new GeneralSecurityException("the plaintext is not a JSON object");
        } catch (GeneralSecurityException e) {
            throw unreadable(key, "it cannot be decrypted with aescbc key \"" + k.name() + "\" of " + config.file()
                    + " (" + e.getMessage() + "); the key's secret is not the one it was encrypted with");
        }
    }

    private String keyNames() {
        return String.join(", ", config.keys().stream().map(k -> "\"" + k.name() + "\"").toList());
    }

    private static UnreadableValue unreadable(String key, String why) {
        return new UnreadableValue("unable to transform key \"" + key + "\": " + why);
    }

    private static boolean startsWith(byte[] value, byte[] prefix) {
        return value.length >= prefix.length && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The printable text of the value's header from {@code from}, up to the last ':' (the IV follows it), to name
     * a key or provider in a message. Key names may contain ':' (K3s's carry a timestamp), hence the last one.
     */
    private static String header(byte[] stored, int from) {
        int end = from;
        while (end < stored.length && end - from < 200 && stored[end] >= 0x20 && stored[end] < 0x7f) {
            end++;
        }
        String text = new String(stored, from, end - from, StandardCharsets.US_ASCII);
        int colon = text.lastIndexOf(':');
        return colon < 0 ? text : text.substring(0, colon);
    }
}
