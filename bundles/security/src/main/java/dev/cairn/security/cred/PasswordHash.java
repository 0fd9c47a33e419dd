package dev.cairn.security.cred;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * A salted scrypt hash of a password in K3s's format ({@code pkg/authenticator/hash/scrypt.go}):
 * {@code $1:<salt hex>:<log2 N>:<r>:<p>:<base64 key without padding>}, N=2^15, r=8, p=1, an 8-byte salt and a
 * 64-byte key. scrypt is slow and memory-hard on purpose: a stolen passwd file does not give the password away.
 */
final class PasswordHash {
    private static final String PREFIX = "$1";
    private static final int LOG_N = 15;
    private static final int R = 8;
    private static final int P = 1;
    private static final int SALT_BYTES = 8;
    private static final int KEY_BYTES = 64;
    /** A hash asking for more than 2^20 rounds (1 GiB of memory with r=8) is refused rather than computed. */
    private static final int MAX_LOG_N = 20;

    private PasswordHash() {
    }

    static String hash(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] key = derive(password, salt, LOG_N, R, P, KEY_BYTES);
        return PREFIX + ":" + HexFormat.of().formatHex(salt) + ":" + LOG_N + ":" + R + ":" + P + ":"
                + Base64.getEncoder().withoutPadding().encodeToString(key);
    }

    /**
     * True when {@code password} is the one hashed.
     *
     * @throws IllegalArgumentException when {@code hash} is not in the format above
     */
    static boolean matches(String hash, String password) {
        String[] parts = hash.split(":", -1);
        if (parts.length != 6 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a salted scrypt hash ($1:<salt>:<N>:<r>:<p>:<key>)");
        }
        try {
            byte[] salt = HexFormat.of().parseHex(parts[1]);
            int logN = Integer.parseInt(parts[2]);
            int r = Integer.parseInt(parts[3]);
            int p = Integer.parseInt(parts[4]);
            byte[] expected = Base64.getDecoder().decode(parts[5]);
            if (logN < 1 || logN > MAX_LOG_N || r < 1 || p < 1 || expected.length == 0) {
                throw new IllegalArgumentException("scrypt parameters out of range (N=2^" + logN + " r=" + r
                        + " p=" + p + ")");
            }
            return MessageDigest.isEqual(expected, derive(password, salt, logN, r, p, expected.length));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a salted scrypt hash: " + e.getMessage(), e);
        }
    }

    private static byte[] derive(String password, byte[] salt, int logN, int r, int p, int length) {
        return SCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, 1 << logN, r, p, length);
    }
}
