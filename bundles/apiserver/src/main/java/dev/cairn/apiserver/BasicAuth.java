package dev.cairn.apiserver;

import dev.cairn.security.api.ClusterCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic on the supervisor routes: {@code server:<password>} or {@code node:<password>}, the password of the
 * cluster token, checked by {@link ClusterCredentials}. Refusals are logged with the user and the client address,
 * never with the password.
 */
final class BasicAuth {
    private static final Logger LOG = LoggerFactory.getLogger(BasicAuth.class);

    private final ClusterCredentials credentials;

    BasicAuth(ClusterCredentials credentials) {
        this.credentials = credentials;
    }

    /** The user and password of an {@code Authorization: Basic} header. */
    record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[" + user + "]";
        }
    }

    /**
     * The role of the request's user, which must be one of {@code roles}.
     *
     * @throws SupervisorError 401 without credentials or with a wrong password, 403 for a role not allowed
     */
    String require(ApiRequest request, Set<String> roles) {
        Login login = login(request.authorization()).orElseThrow(() -> new SupervisorError(401,
                "authentication required: send the token's password as HTTP Basic credentials server:<password>"));
        String role = credentials.authenticate(login.user(), login.password()).orElseThrow(() -> {
            LOG.warn("event=supervisor_auth_refused path={} user={} remote={}", request.path(), login.user(),
                    remote(request));
            return new SupervisorError(401, "the token's password was not accepted for user \"" + login.user()
                    + "\"; use the cluster's token (server/token on a server of the cluster)");
        });
        if (!roles.contains(role)) {
            throw new SupervisorError(403, "user \"" + login.user() + "\" may not access " + request.path()
                    + "; it needs the server token");
        }
        return role;
    }

    /**
     * Like {@link #require}, but a client on a loopback address without credentials passes (K3s's rule for
     * {@code /db/info}: local tools may read the members). Credentials that are sent are always checked.
     */
    void requireUnlessLoopback(ApiRequest request, Set<String> roles) {
        if (request.authorization().isEmpty() && request.remote() != null && request.remote().isLoopbackAddress()) {
            return;
        }
        require(request, roles);
    }

    /** Parses {@code Basic base64(user:password)}; a malformed header is a 401 that says so. */
    static Optional<Login> login(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String[] parts = header.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("basic")) {
            throw malformed();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw malformed();
        }
        return Optional.of(new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    private static SupervisorError malformed() {
        return new SupervisorError(401, "the Authorization header is not HTTP Basic credentials"
                + " (Basic base64(server:<password>))");
    }

    private static String remote(ApiRequest request) {
        return request.remote() == null ? "unknown" : request.remote().getHostAddress();
    }
}
