package dev.cairn.apiserver;

/** What answers the requests of the HTTPS listener: the supervisor routes, the Kubernetes routes. */
interface HttpRoutes {

    /** Answers {@code request} through {@code exchange}, exactly once. */
    void handle(ApiRequest request, ApiRouter.Exchange exchange);
}
