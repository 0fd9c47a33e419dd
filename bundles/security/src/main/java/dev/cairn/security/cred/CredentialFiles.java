package dev.cairn.security.cred;

import dev.cairn.security.api.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides this server's password and keeps {@code server/token} and {@code server/cred/passwd} in step with it.
 * The password comes from the configured token; without one from {@code server/token} (passwd holds only a
 * hash); without either, a new random one. A password that does not match the server entry of an existing passwd
 * file (the cluster's, for a server that joined) is refused: it would lock this server out of its own cluster.
 */
final class CredentialFiles {
    static final String SERVER_USER = "server";
    static final String NODE_USER = "node";
    private static final Logger LOG = LoggerFactory.getLogger(CredentialFiles.class);

    private final Path tokenFile;
    private final PasswdFile passwd;
    private final SecureRandom random;

    /** @param serverDir {@code <data-dir>/server} */
    CredentialFiles(Path serverDir, SecureRandom random) {
        this.tokenFile = serverDir.resolve("token");
        this.passwd = new PasswdFile(serverDir.resolve("cred").resolve("passwd"));
        this.random = random;
    }

    Path tokenFile() {
        return tokenFile;
    }

    Path passwdFile() {
        return passwd.path();
    }

    /**
     * Resolves the password, checks it against passwd, writes both files as needed.
     *
     * @param configuredToken the {@code token} property ("" for none)
     * @param serverCa        the exact bytes of {@code server/tls/server-ca.crt}
     * @return the server token
     */
    JoinToken establish(String configuredToken, byte[] serverCa) throws IOException {
        String caHash = JoinToken.caHash(serverCa);
        List<PasswdFile.Entry> entries = passwd.read();
        Source source = password(configuredToken, caHash, entries);
        Optional<PasswdFile.Entry> server = PasswdFile.find(entries, SERVER_USER);
        if (server.isPresent() && !matches(server.get(), source.password)) {
            throw new IOException(source.origin + " does not match the server password in " + passwd.path()
                    + " (written when this server was first started, or copied from the cluster when it joined); "
                    + source.fix);
        }
        JoinToken token = JoinToken.of(caHash, SERVER_USER, source.password);
        writeTokenFile(token);
        List<PasswdFile.Entry> complete = withUsers(entries, source.password);
        if (complete.size() != entries.size()) {
            passwd.write(complete);
        }
        LOG.info("credentials ready password_source={} token_file={} passwd_file={} ca_hash={}", source.name,
                tokenFile, passwd.path(), caHash);
        return token;
    }

    /** Where the password comes from, with the words for an error about it. */
    private record Source(String name, String password, String origin, String fix) {
    }

    private Source password(String configuredToken, String caHash, List<PasswdFile.Entry> entries)
            throws IOException {
        if (configuredToken != null && !configuredToken.isBlank()) {
            JoinToken configured = parse(configuredToken, "the configured token (--token, --token-file or"
                    + " CAIRN_TOKEN)");
            configured.caHash().filter(hash -> !hash.equals(caHash)).ifPresent(hash -> LOG.warn(
                    "credentials token_ca_hash_mismatch token_ca_hash={} server_ca_hash={}; the token pins another"
                            + " CA than this server's server-ca.crt", hash, caHash));
            return new Source("configured", configured.password(), "the configured token (--token, --token-file or"
                    + " CAIRN_TOKEN)", "start with the cluster's token (the content of " + tokenFile + " on a"
                    + " server of the cluster)");
        }
        if (Files.exists(tokenFile)) {
            String text = Files.readString(tokenFile, StandardCharsets.UTF_8);
            JoinToken stored = parse(text, "the token file " + tokenFile);
            return new Source("token-file", stored.password(), "the token in " + tokenFile, "start with --token"
                    + " and the cluster's token; it replaces " + tokenFile);
        }
        if (PasswdFile.find(entries, SERVER_USER).isPresent()) {
            throw new IOException(passwd.path() + " holds a server password but " + tokenFile + " is missing and no"
                    + " token is configured; start with --token and the cluster's token (" + tokenFile + " of"
                    + " another server)");
        }
        byte[] secret = new byte[16];
        random.nextBytes(secret);
        return new Source("generated", HexFormat.of().formatHex(secret), "", "");
    }

    private static JoinToken parse(String text, String what) throws IOException {
        try {
            return JoinToken.parse(text);
        } catch (IllegalArgumentException e) {
            // the message of JoinToken never contains the token
            throw new IOException(what + " is not usable: " + e.getMessage() + "; a token is K10<ca hash>::server:"
                    + "<password> or a bare password");
        }
    }

    private boolean matches(PasswdFile.Entry entry, String password) throws IOException {
        try {
            return PasswordHash.matches(entry.hash(), password);
        } catch (IllegalArgumentException e) {
            throw new IOException(passwd.path() + ": the entry of user " + entry.user() + " is " + e.getMessage()
                    + "; restore the file from another server of the cluster");
        }
    }

    /** The token file holds exactly the full token and a newline, mode 0600; rewritten only when it differs. */
    private void writeTokenFile(JoinToken token) throws IOException {
        String content = token.format() + "\n";
        if (Files.exists(tokenFile) && Files.readString(tokenFile, StandardCharsets.UTF_8).equals(content)) {
            OwnerOnlyFile.restrict(tokenFile);
            return;
        }
        OwnerOnlyFile.write(tokenFile, content);
    }

    /** The entries plus a server and a node entry where missing (both with the server password in this version). */
    private List<PasswdFile.Entry> withUsers(List<PasswdFile.Entry> entries, String password) {
        List<PasswdFile.Entry> complete = new ArrayList<>(entries);
        if (PasswdFile.find(entries, SERVER_USER).isEmpty()) {
            complete.add(new PasswdFile.Entry(PasswordHash.hash(password, random), SERVER_USER, SERVER_USER,
                    "cairn:server"));
        }
        if (PasswdFile.find(entries, NODE_USER).isEmpty()) {
            complete.add(new PasswdFile.Entry(PasswordHash.hash(password, random), NODE_USER, NODE_USER,
                    "cairn:agent"));
        }
        return complete;
    }
}
