package dev.cairn.security.cred;

import dev.cairn.security.api.ClusterCredentials;
import dev.cairn.security.api.JoinToken;
import java.util.Map;
import java.util.Optional;

/**
 * The service object: the server token, and the password check of the supervisor API. In this version both users,
 * {@code server} and {@code node}, have the server password (K3s without {@code --agent-token}). The check compares
 * with the password already verified against {@code cred/passwd} at startup, in constant time, so that a request
 * does not pay for an scrypt run.
 */
final class ServerCredentials implements ClusterCredentials {
    private static final Map<String, String> ROLES = Map.of("server", ROLE_SERVER, "node", ROLE_NODE);

    private final JoinToken token;

    ServerCredentials(JoinToken token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token.format();
    }

    @Override
    public String caHash() {
        return token.caHash().orElseThrow();
    }

    @Override
    public Optional<String> authenticate(String user, String password) {
        String role = user == null ? null : ROLES.get(user);
        boolean accepted = token.hasPassword(password); // always compared: the answer time does not tell the user
        return role != null && accepted ? Optional.of(role) : Optional.empty();
    }

    @Override
    public String toString() {
        return "ClusterCredentials[" + token + "]";
    }
}
