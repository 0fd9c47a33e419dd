package dev.cairn.security.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster join token as K3s writes and reads it: {@code K10<sha256 of the cluster CA>::<user>:<password>}, or a
 * bare {@code <password>}. The CA hash lets a joining server pin the cluster CA it downloads without trusting it
 * first; the password authenticates it to the supervisor API. Only JDK classes: the launcher uses it outside OSGi.
 */
public final class JoinToken {

    /** The prefix of a full token: K3s's token format version 1, 0 (K10). */
    public static final String PREFIX = "K10";
    /** The user of a token that names none: servers join as {@code server}. */
    public static final String DEFAULT_USER = "server";

    private static final int HASH_LENGTH = 64;

    private final String caHash;
    private final String user;
    private final String password;

    private JoinToken(String caHash, String user, String password) {
        this.caHash = caHash;
        this.user = user;
        this.password = password;
    }

    /**
     * Parses a token exactly as K3s does ({@code pkg/clientaccess/token.go}): a text not starting with {@code K10}
     * is a bare password; a hash part must be empty or 64 characters; user and password are split at the first
     * {@code :} after the hash. Surrounding white space (a token file's newline) is ignored.
     *
     * @throws IllegalArgumentException "token must not be empty", "invalid token CA hash length" or "invalid token
     *                                  format"
     */
    public static JoinToken parse(String text) {
        String token = text == null ? "" : text.strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        if (!token.startsWith(PREFIX)) {
            token = PREFIX + ":::" + token; // a bare password: no hash, no user
        }
        String rest = token.substring(PREFIX.length());
        String hash = "";
        int hashEnd = rest.indexOf("::");
        if (hashEnd >= 0) {
            hash = rest.substring(0, hashEnd);
            if (!hash.isEmpty() && hash.length() != HASH_LENGTH) {
                throw new IllegalArgumentException("invalid token CA hash length");
            }
            rest = rest.substring(hashEnd + 2);
        }
        int userEnd = rest.indexOf(':');
        if (userEnd < 0 || userEnd == rest.length() - 1) {
            throw new IllegalArgumentException("invalid token format");
        }
        String user = rest.substring(0, userEnd);
        return new JoinToken(hash, user.isEmpty() ? DEFAULT_USER : user, rest.substring(userEnd + 1));
    }

    /**
     * A full token.
     *
     * @param caHash   64 hex characters ({@link #caHash(byte[])}), or null or "" for none
     * @param user     the user, or null or "" for {@value #DEFAULT_USER}; must not contain {@code :}
     * @param password must not be empty
     * @throws IllegalArgumentException "invalid token CA hash length" or "invalid token format"
     */
    public static JoinToken of(String caHash, String user, String password) {
        String hash = caHash == null ? "" : caHash;
        if (!hash.isEmpty() && hash.length() != HASH_LENGTH) {
            throw new IllegalArgumentException("invalid token CA hash length");
        }
        String name = user == null || user.isEmpty() ? DEFAULT_USER : user;
        if (name.contains(":") || hash.contains(":") || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("invalid token format");
        }
        return new JoinToken(hash, name, password);
    }

    /** The lowercase hex SHA-256 of the exact bytes of a CA bundle (the body of {@code /cacerts}). */
    public static String caHash(byte[] caBundleBytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(caBundleBytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The pinned CA hash, empty for a bare password or a token without one. */
    public Optional<String> caHash() {
        return caHash.isEmpty() ? Optional.empty() : Optional.of(caHash);
    }

    /** The user; {@value #DEFAULT_USER} when the token names none. */
    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The full token text, {@code K10<hash>::<user>:<password>}; it contains the password. */
    public String format() {
        return PREFIX + caHash + "::" + user + ":" + password;
    }

    /** Compares the passwords in constant time, so that the time taken reveals nothing about the password. */
    public boolean hasPassword(String candidate) {
        return candidate != null && MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JoinToken t && caHash.equals(t.caHash) && user.equals(t.user)
                && password.equals(t.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(caHash, user, password);
    }

    /** For logs and messages: never the password. */
    @Override
    public String toString() {
        return PREFIX + caHash + "::" + user + ":<redacted>";
    }
}
