package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import dev.cairn.datastore.api.DatastoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a request: public health and version endpoints, then authentication (a client certificate from the client
 * CA; none is 401) and authorization (group system:masters may do everything; a node what {@link NodeAuthorizer}
 * allows; anyone else is 403), discovery,
 * OpenAPI and the resources.
 */
final class ApiRouter implements HttpRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    /** About as often as Kubernetes sends watch bookmarks. */
    static final java.time.Duration BOOKMARK_INTERVAL = java.time.Duration.ofMinutes(1);

    /** One exchange: answered once, either whole or as a stream. */
    interface Exchange {
        void respond(ApiResponse response);

        /**
         * Starts a chunked 200 JSON stream; {@code onClose} runs when the client goes away. A positive
         * {@code timeout} ends the stream then, as Kubernetes does with {@code timeoutSeconds}.
         */
        WatchStream.Sink startStream(Runnable onClose, java.time.Duration timeout);

        /** Runs {@code task} every {@code period} while the connection is open. */
        void repeatWhileOpen(java.time.Duration period, Runnable task);
    }

    private final ObjectStore store;
    private final TableRenderer tables;
    private final Discovery discovery;
    private final OpenApi openApi;
    private final ResourceEndpoint resources;
    private final HealthProbe health;

    ApiRouter(ObjectStore store, TableRenderer tables, Discovery discovery, OpenApi openApi, HealthProbe health) {
        this.store = store;
        this.tables = tables;
        this.discovery = discovery;
        this.openApi = openApi;
        this.health = health;
        this.resources = new ResourceEndpoint(store, tables);
    }

    @Override
    public void handle(ApiRequest request, Exchange exchange) {
        try {
            route(request, exchange);
        } catch (ApiException e) {
            exchange.respond(ApiResponse.error(e));
        } catch (DatastoreException e) {
            LOG.warn("event=apiserver_datastore_error method={} path={} error=\"{}\"", request.method(),
                    request.path(), e.getMessage());
            exchange.respond(ApiResponse.error(new ApiException(500, "InternalError", "the datastore refused the"
                    + " request: " + e.getMessage())));
        } catch (RuntimeException e) {
            LOG.warn("event=apiserver_request_failed method={} path={}", request.method(), request.path(), e);
            exchange.respond(ApiResponse.error(new ApiException(500, "InternalError", "an error on the server (\""
                    + e + "\") has prevented the request from succeeding")));
        }
    }

    private void route(ApiRequest request, Exchange exchange) {
        String path = request.path();
        switch (path) {
            case "/livez", "/readyz", "/healthz" -> {
                exchange.respond(health.probe(path.substring(1)));
                return;
            }
            case "/version" -> {
                exchange.respond(ApiResponse.json(200, Discovery.version()));
                return;
            }
            default -> {
                // everything else needs an authorized user
            }
        }
        authorize(request);
        JsonObject document = discoveryDocument(path);
        if (document != null) {
            exchange.respond(ApiResponse.json(200, document));
            return;
        }
        if (path.equals("/openapi/v3") || path.startsWith("/openapi/v3/")) {
            JsonObject doc = openApi.document(path);
            if (doc == null) {
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
            }
            exchange.respond(ApiResponse.json(200, doc));
            return;
        }
        ResourcePath resource = ResourcePath.parse(path);
        if (resource == null) {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        if (request.method().equals("GET") && request.flag("watch")) {
            watch(request, resource, exchange);
            return;
        }
        exchange.respond(resources.handle(request, resource));
    }

    private JsonObject discoveryDocument(String path) {
        switch (path) {
            case "/api", "/api/" -> {
                return discovery.apiVersions();
            }
            case "/apis", "/apis/" -> {
                return Discovery.apiGroupList();
            }
            case "/apis/coordination.k8s.io" -> {
                return Discovery.group("coordination.k8s.io", "v1");
            }
            case "/api/v1" -> {
                return Discovery.resourceList("", "v1");
            }
            case "/apis/coordination.k8s.io/v1" -> {
                return Discovery.resourceList("coordination.k8s.io", "v1");
            }
            default -> {
                return null;
            }
        }
    }

    private void watch(ApiRequest request, ResourcePath resource, Exchange exchange) {
        if (resource.namespace() != null) {
            store.requireNamespace(resource.namespace());
        }
        java.time.Duration timeout = java.time.Duration.ZERO;
        if (!request.param("timeoutSeconds").isEmpty()) {
            try {
                timeout = java.time.Duration.ofSeconds(Long.parseLong(request.param("timeoutSeconds")));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("timeoutSeconds: Invalid value: \"" + request.param("timeoutSeconds")
                        + "\"");
            }
        }
        WatchStream[] holder = new WatchStream[1];
        WatchStream.Sink sink = exchange.startStream(() -> {
            if (holder[0] != null) {
                holder[0].close();
            }
        }, timeout);
        WatchStream stream = new WatchStream(store, tables, resource, request, sink);
        holder[0] = stream;
        try {
            stream.start(request.param("resourceVersion"));
            exchange.repeatWhileOpen(BOOKMARK_INTERVAL, stream::bookmark);
        } catch (RuntimeException e) {
            ApiException error = e instanceof ApiException a ? a
                    : new ApiException(500, "InternalError", "the watch could not start: " + e.getMessage());
            JsonObject event = new JsonObject();
            event.addProperty("type", "ERROR");
            event.add("object", error.status());
            sink.send((event + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sink.end();
            stream.close();
        }
    }

    private static void authorize(ApiRequest request) {
        ApiRequest.User user = request.user();
        if (user == null) {
            throw new ApiException(401, "Unauthorized", "Unauthorized");
        }
        if (user.isMaster()) {
            return;
        }
        String node = user.nodeName();
        if (node != null) {
            NodeAuthorizer.authorize(request, node);
            return;
        }
        throw new ApiException(403, "Forbidden", "forbidden: User \"" + user.name() + "\" cannot "
                + request.method().toLowerCase(java.util.Locale.ROOT) + " path \"" + request.path() + "\"");
    }
}
