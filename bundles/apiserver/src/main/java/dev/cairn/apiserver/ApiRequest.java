package dev.cairn.apiserver;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the API sees it.
 *
 * @param method      GET, POST, PUT, PATCH, DELETE
 * @param path        the decoded path, without the query
 * @param query       query parameters
 * @param contentType the Content-Type header, "" when absent
 * @param accept      the Accept header, "" when absent
 * @param body        the request body (possibly empty)
 * @param user        the authenticated user, null without a client certificate
 * @param authorization the Authorization header, "" when absent (HTTP Basic on the supervisor routes)
 * @param remote      the client's address, null when unknown
 * @param headers     every other header the routes read, by lowercase name (the agent's Cairn-Node-* headers)
 */
record ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, String accept,
        byte[] body, User user, String authorization, java.net.InetAddress remote, Map<String, String> headers) {

    ApiRequest {
        headers = Map.copyOf(headers);
    }

    /** A request without extra headers. */
    ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, String accept,
            byte[] body, User user, String authorization, java.net.InetAddress remote) {
        this(method, path, query, contentType, accept, body, user, authorization, remote, Map.of());
    }

    /** A request without Authorization header and client address (the Kubernetes routes need neither). */
    ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, String accept,
            byte[] body, User user) {
        this(method, path, query, contentType, accept, body, user, "", null);
    }

    /** A header by name (any case), "" when absent. */
    String header(String name) {
        return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "");
    }

    /** Never the Authorization header: it carries the token's password. */
    @Override
    public String toString() {
        return "ApiRequest[" + method + " " + path + "]";
    }

    /**
     * A user from a verified client certificate.
     *
     * @param name   the certificate's CN
     * @param groups its O values
     */
    record User(String name, List<String> groups) {
        boolean isMaster() {
            return groups.contains("system:masters");
        }

        /** The node of a kubelet client certificate (CN system:node:<name>, O system:nodes), or null. */
        String nodeName() {
            if (!groups.contains(NodeAuthorizer.NODES_GROUP) || !name.startsWith(NodeAuthorizer.NODE_PREFIX)) {
                return null;
            }
            String node = name.substring(NodeAuthorizer.NODE_PREFIX.length());
            return node.isEmpty() ? null : node;
        }
    }

    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    boolean flag(String name) {
        String v = param(name);
        return v.equals("1") || v.equalsIgnoreCase("true");
    }

    /** True when the client asked for a meta.k8s.io Table (kubectl get). */
    boolean wantsTable() {
        return accept.contains("as=Table");
    }
}
