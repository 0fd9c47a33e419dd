package dev.cairn.apiserver;

import dev.cairn.security.api.ClusterCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor API on the HTTPS port, which servers and agents use to join: the cluster CA, the critical
 * configuration, the bootstrap files and the datastore members. It runs on every server, also one started with
 * {@code --disable-apiserver}; every other path goes to the next routes (the Kubernetes API, or a 404 when it is
 * disabled). Authentication is HTTP Basic with the token's password; no client certificate is needed.
 */
final class SupervisorRoutes implements HttpRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisorRoutes.class);
    private static final Set<String> SERVER = Set.of(ClusterCredentials.ROLE_SERVER);
    private static final Set<String> SERVER_OR_NODE = Set.of(ClusterCredentials.ROLE_SERVER,
            ClusterCredentials.ROLE_NODE);
    static final String CLIENT_KUBELET = "/v1-cairn/client-kubelet.crt";
    static final String APISERVERS = "/v1-cairn/apiservers";
    static final String SNAPSHOT = "/db/snapshot";
    static final String CONVERT = "/db/convert";
    /** Each path with the one method it answers. */
    private static final Map<String, String> METHODS = Map.of("/cacerts", "GET", "/ping", "GET",
            "/v1-cairn/config", "GET", "/v1-cairn/server-bootstrap", "GET", "/db/info", "GET", "/db/members", "POST",
            CLIENT_KUBELET, "POST", APISERVERS, "GET", SNAPSHOT, "POST", CONVERT, "POST");

    private final Path serverCa;
    private final BasicAuth auth;
    private final CriticalConfig critical;
    private final BootstrapFiles bootstrap;
    private final ClusterMembers members;
    private final NodeRegistration nodes;
    private final SnapshotRequests snapshots;
    private final ConversionRequests conversions;
    private final HttpRoutes next;

    /**
     * @param serverCa {@code server/tls/server-ca.crt}, served as it is on disk
     * @param nodes    agents' certificates and the server list; null without the Kubernetes API (no Node to
     *                 register, no Secret for the node password)
     * @param next     the routes of every other path
     */
    SupervisorRoutes(Path serverCa, BasicAuth auth, CriticalConfig critical, BootstrapFiles bootstrap,
            ClusterMembers members, NodeRegistration nodes, SnapshotRequests snapshots,
            ConversionRequests conversions, HttpRoutes next) {
        this.snapshots = snapshots;
        this.conversions = conversions;
        this.serverCa = serverCa;
        this.nodes = nodes;
        this.auth = auth;
        this.critical = critical;
        this.bootstrap = bootstrap;
        this.members = members;
        this.next = next;
    }

    /** The routes of a server without the Kubernetes API: every other path is a 404 that says why. */
    static HttpRoutes kubernetesApiDisabled() {
        return (request, exchange) -> exchange.respond(SupervisorError.response(404, "the Kubernetes API is"
                + " disabled on this server (--disable-apiserver); only the supervisor routes are served"));
    }

    private NodeRegistration registration() {
        if (nodes == null) {
            throw new SupervisorError(503, "this server runs without the Kubernetes API (--disable-apiserver) and"
                    + " cannot register nodes; point the agent at a server with the API");
        }
        return nodes;
    }

    @Override
    public void handle(ApiRequest request, ApiRouter.Exchange exchange) {
        String method = METHODS.get(request.path());
        if (method == null) {
            next.handle(request, exchange);
            return;
        }
        if (!request.method().equals(method)) {
            ApiResponse refusal = SupervisorError.response(405, request.method() + " is not allowed on "
                    + request.path() + "; use " + method);
            exchange.respond(new ApiResponse(405, refusal.contentType(), refusal.body(), Map.of("Allow", method)));
            return;
        }
        try {
            exchange.respond(route(request));
        } catch (SupervisorError e) {
            exchange.respond(e.response());
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=supervisor_request_failed method={} path={} error=\"{}\"", request.method(),
                    request.path(), e.getMessage());
            exchange.respond(SupervisorError.response(500, request.path() + " failed on this server: " + e));
        }
    }

    private ApiResponse route(ApiRequest request) throws IOException {
        switch (request.path()) {
            case "/cacerts":
                return new ApiResponse(200, "text/plain", Files.readAllBytes(serverCa));
            case "/ping":
                return new ApiResponse(200, "text/plain", "pong".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case "/v1-cairn/config":
                auth.require(request, SERVER_OR_NODE);
                return ApiResponse.json(200, critical.json());
            case "/v1-cairn/server-bootstrap":
                auth.require(request, SERVER);
                return ApiResponse.json(200, bootstrap.json());
            case CLIENT_KUBELET:
                auth.require(request, SERVER_OR_NODE);
                return registration().clientCertificate(request);
            case APISERVERS:
                auth.require(request, SERVER_OR_NODE);
                return registration().apiServers();
            case SNAPSHOT:
                auth.require(request, SERVER);
                return snapshots.handle(request.body());
            case CONVERT:
                auth.require(request, SERVER);
                return conversions.handle(request.body());
            case "/db/info":
                auth.requireUnlessLoopback(request, SERVER);
                return ApiResponse.json(200, members.info());
            default: // "/db/members", the last of METHODS
                auth.require(request, SERVER);
                return members.add(request.body());
        }
    }
}
